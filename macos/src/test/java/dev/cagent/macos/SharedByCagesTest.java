package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;
import dev.cagent.testkit.Fault;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cagent.macos.Cages.assertSameState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two cages on one Mac: what they share (the collaboration group, the human's membership, the
 * umask block, the record directory) stays while either uses it, whichever is undone first, and
 * goes with the last.
 */
class SharedByCagesTest {

    private static final String STATE_ROOT = "/private/var/db/cagent";

    private final CagePlan meeseeks = Cages.correctedPlan();

    /** The corrected cage for another agent beside meeseeks: its own home and workspace, the same human and group. */
    private static CagePlan.Builder claude() {
        return Cage.forUser("claude").realName("Claude").home("/Users/claude").noPassword().human("alice")
                .deny("/Users/alice").denyListing("/Users").denyListing("/private/etc").denyListing("/private/var").deny("/Library/Keychains")
                .collaborationGroup("collabo").workspace("/Users/claude/workshop").humanUmask("002")
                .claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED);
    }

    @Test
    void theFirstUndoneFirstLeavesTheOtherIntactAndTheLastTakesWhatBothUsed() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = Cages.backend(mac);
        assertTrue(backend.apply(meeseeks).succeeded());
        ApplyReport second = backend.apply(claude().build());
        assertTrue(second.succeeded(), second::toString);

        UndoReport first = backend.undo(meeseeks);

        assertTrue(first.succeeded(), first::toString);
        assertTrue(first.undone().contains("group collabo left to cage claude, whose agent is in the same group: undoing that cage takes it away"),
                first::toString);
        assertTrue(first.undone().contains("left " + STATE_ROOT + " to cage claude, still recorded there: undoing the last cage removes it"),
                first::toString);
        assertFalse(mac.isMember("meeseeks", "collabo"));
        assertTrue(mac.isMember("alice", "collabo"));
        assertTrue(mac.readFile(Cages.ZSHRC).contains("umask 002"));
        VerifyReport other = backend.verify(claude().build());
        assertTrue(other.isClean(), other::toString);
        assertEquals(0, backend.apply(claude().build()).writes(), "the other cage needs no repair");

        UndoReport last = backend.undo(claude().build());

        assertTrue(last.succeeded(), last::toString);
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void underTheAdministratorPromptTheHandOverRunsInTheSameScript() {
        FakeMac mac = FakeMac.builder().caller("alice").build();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = SeedPlans.backend(mac, Privilege.adminPrompt());
        assertTrue(backend.apply(meeseeks).succeeded());
        assertTrue(backend.apply(claude().build()).succeeded());

        UndoReport first = backend.undo(meeseeks);

        assertTrue(first.succeeded(), first::toString);
        assertTrue(mac.isMember("alice", "collabo"));
        assertTrue(backend.verify(claude().build()).isClean());
        assertTrue(backend.undo(claude().build()).succeeded());
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void theLastUndoneFirstLeavesTheOtherIntact() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = Cages.backend(mac);
        assertTrue(backend.apply(meeseeks).succeeded());
        assertTrue(backend.apply(claude().build()).succeeded());

        UndoReport last = backend.undo(claude().build());

        assertTrue(last.succeeded(), last::toString);
        VerifyReport other = backend.verify(meeseeks);
        assertTrue(other.isClean(), other::toString);
        assertTrue(backend.undo(meeseeks).succeeded());
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void aBlockTheOtherCageRewroteGoesWithTheLastUndoAndTheStartupFileIsAsItWas() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        String zshrc = mac.readFile(Cages.ZSHRC);
        MacOsBackend backend = Cages.backend(mac);
        assertTrue(backend.apply(meeseeks).succeeded());
        CagePlan stricter = claude().humanUmask("007").build();
        assertTrue(backend.apply(stricter).succeeded());

        assertTrue(backend.undo(meeseeks).succeeded());

        assertTrue(mac.readFile(Cages.ZSHRC).contains("umask 007"), mac.readFile(Cages.ZSHRC));
        assertTrue(backend.verify(stricter).isClean());
        UndoReport last = backend.undo(stricter);
        assertTrue(last.succeeded(), last::toString);
        assertEquals(zshrc, mac.readFile(Cages.ZSHRC));
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void cagesThatShareNothingButTheRecordDirectoryEachTakeTheirOwnAndTheLastTheDirectory() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = Cages.backend(mac);
        CagePlan alone = Cage.forUser("codex").realName("Codex").uidFirstFreeIn(700, 799).home("/Users/codex").noPassword()
                .human("alice").deny("/Users/alice").collaborationGroup("pairing").workspace("/Users/codex/work").build();
        assertTrue(backend.apply(meeseeks).succeeded());
        assertTrue(backend.apply(alone).succeeded());

        UndoReport first = backend.undo(meeseeks);

        assertTrue(first.succeeded(), first::toString);
        assertFalse(mac.record("/Groups/collabo").containsKey("PrimaryGroupID"), "no other cage uses collabo: it goes with meeseeks");
        assertFalse(mac.readFile(Cages.ZSHRC).contains("umask"));
        assertTrue(mac.exists(STATE_ROOT + "/codex/journal.jsonl"));
        assertTrue(backend.verify(alone).isClean());
        assertTrue(backend.undo(alone).succeeded());
        assertFalse(mac.exists(STATE_ROOT));
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void aRecordCagentCannotTrustInheritsNothing() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = Cages.backend(mac);
        assertTrue(backend.apply(meeseeks).succeeded());
        // a record anyone but root could have written, claiming the group
        mac.mkdir(STATE_ROOT + "/mallory", "alice", "staff", 0755);
        String claim = "{\"format\":\"cagent-journal-1\",\"agent\":\"mallory\"}\n"
                + "{\"kind\":\"group.member\",\"fields\":{\"group\":\"collabo\",\"user\":\"mallory\"},\"items\":[]}\n";
        mac.writeFile(STATE_ROOT + "/mallory/journal.jsonl", "alice", "staff", 0644, claim);

        UndoReport undo = backend.undo(meeseeks);

        assertTrue(undo.succeeded(), undo::toString);
        assertTrue(undo.undone().stream().noneMatch(line -> line.contains("mallory")), undo::toString);
        assertFalse(mac.record("/Groups/collabo").containsKey("PrimaryGroupID"), "the group goes: no trusted cage uses it");
        assertEquals(claim, mac.readFile(STATE_ROOT + "/mallory/journal.jsonl"), "another's record is never written");
        assertTrue(mac.exists(STATE_ROOT), "the directory still holds mallory's files");
    }

    @Test
    void aFailedHandOverStopsTheUndoAndASecondUndoFinishesIt() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = Cages.backend(mac);
        assertTrue(backend.apply(meeseeks).succeeded());
        assertTrue(backend.apply(claude().build()).succeeded());
        mac.faults().failWhen(c -> c.argv().contains(STATE_ROOT + "/claude/journal.jsonl") && c.argv().contains("-a"), Fault.exit(1, "tee: write error"));

        UndoReport failed = backend.undo(meeseeks);

        assertFalse(failed.succeeded(), failed::toString);
        assertTrue(mac.isMember("alice", "collabo"));
        assertTrue(mac.readFile(Cages.ZSHRC).contains("umask 002"), "nothing shared is taken while the hand-over fails");
        mac.faults().clear();
        UndoReport again = backend.undo(meeseeks);
        assertTrue(again.succeeded(), again::toString);
        assertTrue(backend.verify(claude().build()).isClean());
        assertTrue(backend.undo(claude().build()).succeeded());
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void theHandOverIsWrittenToTheOtherRecordOnly() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = Cages.backend(mac);
        assertTrue(backend.apply(meeseeks).succeeded());
        assertTrue(backend.apply(claude().build()).succeeded());
        mac.clearRecorded();

        assertTrue(backend.undo(meeseeks).succeeded());

        List<String> handOvers = Cages.lines(Cages.writes(mac)).stream().filter(line -> line.contains(STATE_ROOT + "/claude")).toList();
        assertFalse(handOvers.isEmpty());
        assertTrue(handOvers.stream().allMatch(line -> line.contains("tee") || line.contains("backups")), String.join("\n", handOvers));
        String record = mac.readFile(STATE_ROOT + "/claude/journal.jsonl");
        assertTrue(record.contains("\"kind\":\"group.created\""), record);
        assertTrue(record.contains("\"kind\":\"umask.edited\""), record);
    }
}
