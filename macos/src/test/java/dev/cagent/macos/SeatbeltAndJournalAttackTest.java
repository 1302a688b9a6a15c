package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.SeatbeltProfile;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.UndoReport;
import dev.cagent.seatbelt.SeatbeltPolicy;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.cagent.macos.Cages.JOURNAL;
import static dev.cagent.macos.Cages.assertSameState;
import static dev.cagent.macos.Cages.lines;
import static dev.cagent.macos.Cages.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attacks on the Seatbelt profile's file handling and on the journal that steers undo: hostile
 * paths, a profile that was there before, and a record cut short, duplicated, extended by a newer
 * cagent, missing fields, huge, or not UTF-8.
 */
class SeatbeltAndJournalAttackTest {

    static final String DIRECTORY = "/Library/Application Support/cagent/meeseeks";
    static final String PROFILE = DIRECTORY + "/seatbelt.sb";
    static final String HEADER = "{\"format\":\"cagent-journal-1\",\"agent\":\"meeseeks\"}\n";

    final FakeMac mac = FakeMac.stock();
    final MacOsBackend backend = Cages.backend(mac);

    private ApplyReport apply(CagePlan plan) {
        ApplyReport report = backend.apply(plan);
        assertTrue(report.succeeded(), report::toString);
        return report;
    }

    private void setJournal(String text) {
        mac.writeFile(JOURNAL, "root", "wheel", 0644, text);
        mac.clearRecorded();
    }

    /** Undo, with any exception it throws turned into a string for the assertion message. */
    private String undoOutcome() {
        try {
            UndoReport report = backend.undo("meeseeks");
            return report.succeeded() ? "OK" : "FAILED " + report;
        } catch (RuntimeException e) {
            return "THREW " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private void preexistingProfile(String text, int mode) {
        mac.mkdir("/Library/Application Support/cagent", "root", "wheel", 0755);
        mac.mkdir(DIRECTORY, "root", "wheel", 0755);
        mac.writeFile(PROFILE, "root", "wheel", mode, text);
    }

    // ------------------------------------------------------------------ seatbelt profile

    @Test
    void hostilePathsReachTheProfileOnlyAsParametersAndTheRoundTripIsClean() {
        String ws = "/Users/meeseeks/we\"ird) (allow default) \\ ;x";
        CagePlan plan = Cages.corrected().workspace(ws).deny("/Users/alice/(secret\")").seatbeltReadable("/Users/Shared/a\\b;c").build();
        mac.mkdir("/Users/alice/(secret\")", "alice", "staff", 0700);
        MacSnapshot before = mac.snapshot();
        apply(plan);
        String text = mac.readFile(PROFILE);
        assertEquals(SeatbeltPolicy.render(plan.step(SeatbeltProfile.class).orElseThrow()), text);
        assertFalse(text.contains("we\"ird") || text.contains("secret") || text.contains("Shared"), text);
        mac.clearRecorded();
        assertEquals(0, apply(plan).writes(), () -> String.join("\n", lines(writes(mac))));
        assertTrue(backend.verify(plan).isClean());
        assertEquals("OK", undoOutcome());
        assertSameState(before, mac.snapshot());
    }

    @ParameterizedTest
    @ValueSource(strings = {"(version 1)\r\n(allow default)\r\n", "(version 1)\n(allow default)", "", "\n\n", "; café 🚀 ünïcode\n(version 1)\n",
            "(version 1)\n; ends with a blank\n  \t \n"})
    void aPreexistingProfileComesBackByteForByteWithItsMode(String older) {
        preexistingProfile(older, 0600);
        MacSnapshot before = mac.snapshot();
        apply(Cages.minimal().seatbelt().build());
        mac.clearRecorded();
        assertEquals(0, apply(Cages.minimal().seatbelt().build()).writes(), "a second apply writes nothing");
        assertEquals("OK", undoOutcome());
        assertEquals(older, mac.readFile(PROFILE));
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aProfileRestoredByHandAndAppliedAgainStillUndoes() {
        // the same old text backed up twice (content-addressed backup name), with two modes: two entries, one backup file
        String older = "(version 1)\n(allow default)\n";
        preexistingProfile(older, 0600);
        MacSnapshot before = mac.snapshot();
        CagePlan plan = Cages.minimal().seatbelt().build();
        apply(plan);
        mac.writeFile(PROFILE, "root", "wheel", 0644, older); // an administrator puts the old profile back by hand
        apply(plan);
        String outcome = undoOutcome();
        assertEquals("OK", outcome, () -> "journal:\n" + safeRead(JOURNAL));
        assertEquals(older, mac.readFile(PROFILE));
        assertSameState(before, mac.snapshot());
    }

    // ------------------------------------------------------------------ journal

    private CagePlan seatbeltPlanOverAnOldProfile() {
        preexistingProfile("(version 1)\n(allow default)\n", 0600);
        return Cages.corrected().seatbelt().build();
    }

    private String safeRead(String path) {
        return mac.exists(path) ? mac.readFile(path) : "<missing>";
    }

    @Test
    void aLastLineCutShortIsIgnoredByUndo() {
        CagePlan plan = seatbeltPlanOverAnOldProfile();
        MacSnapshot before = mac.snapshot();
        apply(plan);
        String journal = mac.readFile(JOURNAL);
        setJournal(journal + "{\"kind\":\"seatbelt.written\",\"fields\":{\"path\":\"/Users/alice/.zs");
        assertEquals("OK", undoOutcome());
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aLastLineCutShortInsideAMultibyteCharacterIsIgnored() {
        CagePlan plan = seatbeltPlanOverAnOldProfile();
        MacSnapshot before = mac.snapshot();
        apply(plan);
        setJournal(mac.readFile(JOURNAL) + "{\"kind\":\"umask.edited\",\"fields\":{\"path\":\"/Users/alice/caf\uFFFD");
        assertEquals("OK", undoOutcome());
        assertSameState(before, mac.snapshot());
    }

    @Test
    void anApplyAfterACutShortLineWritesAWholeJournalAndUndoStillWorks() {
        CagePlan withSeatbelt = seatbeltPlanOverAnOldProfile();
        MacSnapshot before = mac.snapshot();
        apply(Cages.correctedPlan());
        setJournal(mac.readFile(JOURNAL) + "{\"kind\":\"deny.added\",\"fie");
        apply(withSeatbelt);
        String journal = mac.readFile(JOURNAL);
        assertTrue(journal.endsWith("\n"), journal);
        assertFalse(journal.lines().anyMatch(l -> l.equals("{\"kind\":\"deny.added\",\"fie")), journal);
        assertTrue(journal.startsWith(HEADER), journal);
        assertEquals("OK", undoOutcome());
        assertEquals("(version 1)\n(allow default)\n", mac.readFile(PROFILE));
        assertSameState(before, mac.snapshot());
    }

    @Test
    void duplicatedEntriesUndoCleanly() {
        CagePlan plan = seatbeltPlanOverAnOldProfile();
        MacSnapshot before = mac.snapshot();
        apply(plan);
        List<String> all = mac.readFile(JOURNAL).lines().toList();
        StringBuilder doubled = new StringBuilder(all.get(0)).append('\n');
        for (String line : all.subList(1, all.size())) {
            doubled.append(line).append('\n').append(line).append('\n');
        }
        setJournal(doubled.toString());
        assertEquals("OK", undoOutcome());
        assertSameState(before, mac.snapshot());
    }

    @Test
    void anUnknownKindIsRefusedBeforeAnyWrite() {
        CagePlan plan = seatbeltPlanOverAnOldProfile();
        apply(plan);
        List<String> all = new ArrayList<>(mac.readFile(JOURNAL).lines().toList());
        all.add(1, "{\"kind\":\"future.thing\",\"fields\":{\"path\":\"/x\"},\"items\":[]}"); // the oldest entry
        setJournal(String.join("\n", all) + "\n");
        String outcome = undoOutcome();
        assertTrue(outcome.contains("future.thing"), outcome);
        assertEquals(List.of(), lines(writes(mac)), "undo wrote before it found the entry it cannot take back: " + outcome);
    }

    @Test
    void anUnknownKindDoesNotLeaveTheRecordOutOfStep() {
        CagePlan plan = seatbeltPlanOverAnOldProfile();
        MacSnapshot before = mac.snapshot();
        apply(plan);
        String original = mac.readFile(JOURNAL);
        List<String> all = new ArrayList<>(original.lines().toList());
        all.add(1, "{\"kind\":\"future.thing\",\"fields\":{\"path\":\"/x\"},\"items\":[]}");
        setJournal(String.join("\n", all) + "\n");
        String first = undoOutcome();
        // the administrator removes the entry it cannot read and undoes again
        String now = mac.readFile(JOURNAL);
        setJournal(now.replace("{\"kind\":\"future.thing\",\"fields\":{\"path\":\"/x\"},\"items\":[]}\n", ""));
        String second = undoOutcome();
        assertEquals("OK", second, "first undo: " + first);
        assertSameState(before, mac.snapshot());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"kind\":\"seatbelt.written\"}", "{\"kind\":\"seatbelt.written\",\"fields\":null}", "{\"fields\":{\"path\":\"/x\"}}",
            "{\"kind\":null,\"fields\":{}}", "{\"kind\":\"seatbelt.written\",\"fields\":{\"path\":\"" + PROFILE + "\"}}",
            "{\"kind\":\"seatbelt.written\",\"fields\":{\"path\":{\"a\":1}}}", "{\"kind\":\"seatbelt.written\",\"items\":[null]}",
            "{\"kind\":\"seatbelt.written\",\"items\":\"x\"}", "[1,2]", "\"just a string\"", "{kind:seatbelt.written}"})
    void aBrokenEntryGivesAClearRefusalAndWritesNothing(String line) {
        CagePlan plan = seatbeltPlanOverAnOldProfile();
        apply(plan);
        List<String> all = new ArrayList<>(mac.readFile(JOURNAL).lines().toList());
        all.add(line); // newest: undo meets it first
        setJournal(String.join("\n", all) + "\n");
        String outcome = undoOutcome();
        assertTrue(outcome.startsWith("THREW java.lang.IllegalStateException") || outcome.startsWith("THREW dev.cagent.PlanRefusedException"), outcome);
        assertTrue(outcome.contains("journal"), "the message should say the record is at fault: " + outcome);
        assertEquals(List.of(), lines(writes(mac)), outcome);
    }

    @Test
    void aHugeJournalIsReadAndUndoneInReasonableTime() {
        CagePlan plan = seatbeltPlanOverAnOldProfile();
        MacSnapshot before = mac.snapshot();
        apply(plan);
        List<String> all = new ArrayList<>(mac.readFile(JOURNAL).lines().toList());
        String deny = all.stream().filter(l -> l.contains("\"path\":\"/Users\"")).findFirst().orElseThrow();
        List<String> more = new ArrayList<>(Collections.nCopies(3000, deny));
        all.addAll(2, more);
        all.add(2, "{\"kind\":\"deny.added\",\"fields\":{\"path\":\"/Users/nobody-" + "x".repeat(200) + "\",\"user\":\"meeseeks\",\"directory\":\"true\","
                + "\"rights\":\"READ_DATA\",\"note\":\"" + "n".repeat(5_000_000) + "\"},\"items\":[]}");
        setJournal(String.join("\n", all) + "\n");
        long start = System.nanoTime();
        String outcome = undoOutcome();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("OK", outcome);
        assertSameState(before, mac.snapshot());
        assertTrue(ms < 60_000, "took " + ms + " ms");
    }

    @Test
    void aHeaderForAnotherAgentOrFormatWritesNothing() {
        apply(Cages.correctedPlan());
        String journal = mac.readFile(JOURNAL);
        for (String header : List.of("{\"format\":\"cagent-journal-1\",\"agent\":\"rick\"}", "{\"format\":\"cagent-journal-2\",\"agent\":\"meeseeks\"}",
                "{\"format\":\"cagent-journal-1\"}", "{\"format\":\"cagent-journal-1\",\"agent\":\"mee\uFFFDseeks\"}", "[]", "not json")) {
            setJournal(header + "\n" + journal.substring(journal.indexOf('\n') + 1));
            String outcome = undoOutcome();
            assertTrue(outcome.startsWith("THREW"), header + " -> " + outcome);
            assertTrue(outcome.contains("journal"), header + " -> " + outcome);
            assertEquals(List.of(), lines(writes(mac)), header);
        }
    }

    @Test
    void aJournalEndingInACarriageReturnOrWithCrLfStillParses() {
        CagePlan plan = seatbeltPlanOverAnOldProfile();
        MacSnapshot before = mac.snapshot();
        apply(plan);
        setJournal(mac.readFile(JOURNAL).replace("\n", "\r\n"));
        assertEquals("OK", undoOutcome());
        assertSameState(before, mac.snapshot());
    }

    @Test
    void onlyAHeaderCutShortMeansNothingToUndoAndNoCrash() {
        apply(Cages.correctedPlan());
        setJournal("{\"format\":\"cagent-jour");
        String outcome = undoOutcome();
        assertFalse(outcome.startsWith("THREW"), outcome);
    }

    @Test
    void duplicatedEntriesWithoutAReplacedProfileUndoCleanly() {
        // isolates the previous failure: the same doubling, where the profile was created rather than replaced
        CagePlan plan = Cages.corrected().seatbelt().build();
        MacSnapshot before = mac.snapshot();
        apply(plan);
        List<String> all = mac.readFile(JOURNAL).lines().toList();
        StringBuilder doubled = new StringBuilder(all.get(0)).append('\n');
        for (String line : all.subList(1, all.size())) {
            doubled.append(line).append('\n').append(line).append('\n');
        }
        setJournal(doubled.toString());
        assertEquals("OK", undoOutcome());
        assertSameState(before, mac.snapshot());
    }
}
