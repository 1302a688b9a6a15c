package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.exec.Command;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.ExecutedCommand;
import dev.cagent.report.StepOutcome;
import dev.cagent.report.StepReport;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.cagent.macos.Cages.HOME;
import static dev.cagent.macos.Cages.JOURNAL;
import static dev.cagent.macos.Cages.ZSHRC;
import static dev.cagent.macos.Cages.assertSameState;
import static dev.cagent.macos.Cages.backend;
import static dev.cagent.macos.Cages.byHand;
import static dev.cagent.macos.Cages.correctedPlan;
import static dev.cagent.macos.Cages.lines;
import static dev.cagent.macos.Cages.reads;
import static dev.cagent.macos.Cages.unwrapped;
import static dev.cagent.macos.Cages.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cycle the backend is built for: apply, apply again without a single write, verify without
 * drift, undo back to the machine as it was, on a stock Mac and on Macs where parts of the cage
 * were there before.
 */
class ConvergenceTest {

    private static final List<String> DENY_TARGETS = List.of("/Users/alice", "/Users", "/private/etc", "/private/var", "/Library/Keychains");

    /** The "done when" cycle; returns the first apply's report for further checks. */
    private static ApplyReport cycle(FakeMac mac, CagePlan plan) {
        MacOsBackend backend = backend(mac);
        MacSnapshot before = mac.snapshot();

        ApplyReport first = backend.apply(plan);
        assertTrue(first.succeeded(), first::toString);

        mac.clearRecorded();
        ApplyReport second = backend.apply(plan);
        assertEquals(List.of(), lines(writes(mac)), "a second apply writes nothing");
        assertEquals(plan.steps().size(), second.count(StepOutcome.UNCHANGED), second::toString);
        assertEquals(0, second.writes());

        mac.clearRecorded();
        VerifyReport verify = backend.verify(plan);
        assertTrue(verify.isClean(), verify::toString);
        assertEquals(List.of(), lines(writes(mac)), "verify writes nothing");

        UndoReport undo = backend.undo(plan);
        assertTrue(undo.succeeded(), undo::toString);
        assertSameState(before, mac.snapshot());
        return first;
    }

    private static StepReport reportOf(ApplyReport report, String describe) {
        return report.steps().stream().filter(s -> s.step().describe().equals(describe)).findFirst()
                .orElseThrow(() -> new AssertionError("no step '" + describe + "' in\n" + report));
    }

    @Test
    void onAStockMac() {
        ApplyReport first = cycle(FakeMac.stock(), correctedPlan());

        assertEquals(11, first.count(StepOutcome.CHANGED), first::toString);
    }

    @Test
    void aMatchingAccountIsAdoptedItsLooksRestoredAndItIsLeftInPlace() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 640, "alice");
        mac.addUser("meeseeks", 650, 640, HOME);
        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "RealName", "Meeseeks Box");
        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "IsHidden", "0");
        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "UserShell", "/bin/bash");
        Map<String, List<String>> account = mac.record("/Users/meeseeks");

        ApplyReport first = cycle(mac, correctedPlan());

        assertEquals(List.of("RealName: Meeseeks Box -> Mr. Meeseeks", "UserShell: /bin/bash -> /bin/zsh", "IsHidden: 0 -> 1", "Password: missing -> *"),
                reportOf(first, "user meeseeks").changes());
        assertEquals(account, mac.record("/Users/meeseeks"), "the account is back exactly as it was");
    }

    @Test
    void anAdoptedAccountGetsEveryValueOfAnAttributeBack() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 640, "alice");
        mac.addUser("meeseeks", 650, 640, HOME);
        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "RealName", "Meeseeks", "Mr M");

        cycle(mac, correctedPlan());

        assertEquals(List.of("Meeseeks", "Mr M"), mac.record("/Users/meeseeks").get("RealName"));
    }

    @Test
    void anAdoptedAccountWithoutGeneratedUidLosesTheOneCagentGaveIt() {
        FakeMac mac = FakeMac.builder().generatedUidOnCreate(false).build();
        mac.addGroup("collabo", 640, "alice");
        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks");
        for (String[] attribute : List.of(new String[] {"UniqueID", "650"}, new String[] {"PrimaryGroupID", "640"},
                new String[] {"NFSHomeDirectory", HOME}, new String[] {"UserShell", "/bin/zsh"}, new String[] {"RealName", "Mr. Meeseeks"})) {
            byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", attribute[0], attribute[1]);
        }
        assertFalse(mac.record("/Users/meeseeks").containsKey("GeneratedUID"));

        ApplyReport first = cycle(mac, correctedPlan());

        assertTrue(reportOf(first, "user meeseeks").changes().contains("GeneratedUID: missing -> a UUID"), first::toString);
        assertFalse(mac.record("/Users/meeseeks").containsKey("GeneratedUID"));
    }

    @Test
    void anExistingGroupKeepsItsMembersAndOnlyTheAgentIsTakenOut() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("bob", 502, 20, "/Users/bob");
        mac.addGroup("collabo", 640, "alice", "bob");

        ApplyReport first = cycle(mac, correctedPlan());

        assertEquals(List.of("membership of meeseeks: not a member -> explicit member"), reportOf(first, "group collabo with alice, meeseeks").changes());
        assertTrue(mac.isMember("alice", "collabo"));
        assertTrue(mac.isMember("bob", "collabo"));
        assertEquals(List.of("640"), mac.record("/Groups/collabo").get("PrimaryGroupID"));
    }

    @Test
    void aDenyEntryThatWasThereStaysExactlyAsItWas() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 640, "alice");
        mac.addUser("meeseeks", 650, 640, HOME);
        mac.addAce("/Users/alice", "user:meeseeks deny list");
        CagePlan plan = correctedPlan();
        MacOsBackend backend = backend(mac);

        ApplyReport first = backend.apply(plan);

        assertEquals(List.of("ACL of /Users/alice: denies list -> deny list,add_file,search"), reportOf(first, "deny meeseeks list,add_file,search on /Users/alice").changes());
        assertEquals(List.of("user:meeseeks deny list,add_file,search", "group:everyone deny delete"), mac.fileInfo("/Users/alice").orElseThrow().acl());
        backend.undo(plan);
        assertEquals(List.of("user:meeseeks deny list", "group:everyone deny delete"), mac.fileInfo("/Users/alice").orElseThrow().acl());
    }

    @Test
    void aDenyEntryThatWasThereSurvivesTheWholeCycle() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 640, "alice");
        mac.addUser("meeseeks", 650, 640, HOME);
        mac.addAce("/Users/alice", "user:meeseeks deny list");
        mac.addAce("/Users", "user:meeseeks deny list");

        ApplyReport first = cycle(mac, correctedPlan());

        assertEquals(StepOutcome.UNCHANGED, reportOf(first, "deny meeseeks list on /Users").outcome());
    }

    @Test
    void aHomeSomeoneElseOwnedGetsItsOwnerAndModeBack() {
        FakeMac mac = FakeMac.stock();
        mac.mkdir(HOME, "alice", "staff", 0755);
        mac.writeFile(HOME + "/notes.txt", "alice", "staff", 0644, "alice's notes\n");

        ApplyReport first = cycle(mac, correctedPlan());

        assertEquals(List.of("owner of /Users/meeseeks: alice:staff -> meeseeks:collabo", "mode of /Users/meeseeks: 0755 -> 0750"),
                reportOf(first, "home /Users/meeseeks").changes());
        assertEquals("alice's notes\n", mac.readFile(HOME + "/notes.txt"));
    }

    @Test
    void aShellStartupFileCagentCreatedIsRemovedAgain() {
        FakeMac mac = FakeMac.stock();
        byHand(mac, "/bin/rm", "-f", ZSHRC);

        ApplyReport first = cycle(mac, correctedPlan());

        assertEquals(List.of("umask block in /Users/alice/.zshrc: no file -> umask 002 in a marked block"), reportOf(first, "umask 002 in /Users/alice/.zshrc").changes());
        assertFalse(mac.exists(ZSHRC));
    }

    @Test
    void everythingThereBeforeAtOnce() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 640, "alice");
        mac.addUser("meeseeks", 650, 640, HOME);
        mac.mkdir(HOME, "meeseeks", "collabo", 0700);
        mac.addAce("/private/etc", "user:meeseeks deny list");
        mac.addMember("collabo", "meeseeks");

        ApplyReport first = cycle(mac, correctedPlan());

        assertEquals(StepOutcome.UNCHANGED, reportOf(first, "group collabo with alice, meeseeks").outcome());
        assertEquals(List.of("mode of /Users/meeseeks: 0700 -> 0750"), reportOf(first, "home /Users/meeseeks").changes());
    }

    @Test
    void theSecondApplyOnlyReadsAndReadsLittle() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        backend.apply(correctedPlan());
        mac.clearRecorded();

        ApplyReport second = backend.apply(correctedPlan());

        List<RecordedCommand> recorded = mac.recorded();
        assertEquals(List.of(), lines(writes(mac)));
        assertTrue(recorded.size() <= 15, "the probe runs few processes:\n" + String.join("\n", lines(recorded)));
        assertEquals(1, recorded.stream().filter(c -> c.toString().equals("/usr/bin/dscl . -list /Users UniqueID")).count(), "the account list is read once");
        assertEquals(recorded.size(), second.processes());
        assertTrue(recorded.stream().noneMatch(c -> c.argv().contains("/usr/bin/dscacheutil")), "nothing to flush after no write");
        List<RecordedCommand> listings = recorded.stream().filter(c -> unwrapped(c).get(0).equals("/bin/ls")).toList();
        assertEquals(1, listings.size(), "one ls -led reads every deny target:\n" + String.join("\n", lines(recorded)));
        assertTrue(listings.get(0).argv().containsAll(DENY_TARGETS), listings.get(0)::toString);
        assertEquals(1, recorded.stream().filter(c -> unwrapped(c).get(0).equals("/usr/bin/stat")).count(), "one stat reads every path");
        Set<String> readOnly = Set.of("/usr/bin/id", "/usr/bin/dscl", "/usr/sbin/dseditgroup", "/usr/bin/stat", "/bin/ls", "/usr/bin/find", "/bin/cat");
        for (RecordedCommand c : recorded) {
            List<String> argv = unwrapped(c);
            assertTrue(readOnly.contains(argv.get(0)), c::toString);
            assertFalse(argv.contains("-create") || argv.contains("-delete") || argv.contains("edit"), c::toString);
        }
        assertEquals(1, reads(mac).stream().filter(c -> c.toString().equals("/usr/bin/dscl . -list /Groups PrimaryGroupID")).count());
    }

    @Test
    void eachChangedStepIsReadBackAfterItsWrites() {
        FakeMac mac = FakeMac.stock();

        ApplyReport first = backend(mac).apply(correctedPlan());

        for (StepReport step : first.steps()) {
            assertEquals(StepOutcome.CHANGED, step.outcome(), step::toString);
            List<Command> commands = step.commands().stream().map(ExecutedCommand::command).toList();
            int recorded = commands.indexOf(commands.stream().filter(c -> c.argv().containsAll(List.of("/usr/bin/tee", "-a", JOURNAL))).findFirst().orElseThrow());
            int firstChange = commands.indexOf(commands.stream().filter(c -> c.isWrite() && !c.toShellLine().contains("/private/var/db/cagent")).findFirst().orElseThrow());
            assertTrue(recorded < firstChange, "the journal is appended before the step changes anything: " + commands);
            assertFalse(commands.get(commands.size() - 1).isWrite(), "the step ends reading back: " + step);
        }
        assertEquals(writes(mac).size(), first.writes());
        assertEquals(mac.recorded().size(), first.processes());
    }

    @Test
    void unchangedStepsRunNoCommandAndChangedOnesSayWhat() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        backend.apply(correctedPlan());
        byHand(mac, "/bin/chmod", "-a", "user:meeseeks deny list", "/Users");

        ApplyReport repair = backend.apply(correctedPlan());

        StepReport changed = reportOf(repair, "deny meeseeks list on /Users");
        assertEquals(StepOutcome.CHANGED, changed.outcome());
        assertEquals(List.of("ACL of /Users: no deny entry for meeseeks -> deny list"), changed.changes());
        assertEquals(List.of("/usr/bin/sudo -n -- /bin/chmod +a 'user:meeseeks deny list' /Users"),
                changed.commands().stream().filter(c -> c.command().isWrite()).map(c -> c.command().toShellLine()).toList());
        assertEquals(Optional.empty(), changed.failureReason());
        for (StepReport other : repair.steps()) {
            if (other != changed) {
                assertEquals(StepOutcome.UNCHANGED, other.outcome(), other::toString);
                assertEquals(List.of(), other.commands());
                assertEquals(List.of(), other.changes());
            }
        }
        assertEquals("1 changed, 10 unchanged, 0 failed; " + repair.processes() + " processes, 1 writes",
                repair.toString().substring(repair.toString().lastIndexOf('\n') + 1));
    }

    @Test
    void aFailedStepNamesTheCommandItsExitCodeAndStderrAndTheRunIsTakenBack() {
        FakeMac mac = FakeMac.stock();
        mac.restrict("/Library/Keychains");
        MacSnapshot before = mac.snapshot();

        ApplyReport report = backend(mac).apply(correctedPlan());

        assertFalse(report.succeeded());
        StepReport failed = reportOf(report, "deny meeseeks list,add_file,search on /Library/Keychains");
        assertEquals(StepOutcome.FAILED, failed.outcome());
        assertEquals("`/usr/bin/sudo -n -- /bin/chmod +a 'user:meeseeks deny list,add_file,search' /Library/Keychains` exited 1: "
                + "chmod: Failed to set ACL on file '/Library/Keychains': Operation not permitted\n"
                + "rolled back: the machine is as it was before this apply", failed.failure());
        ExecutedCommand last = failed.commands().get(failed.commands().size() - 1);
        assertEquals(1, last.result().exitCode());
        assertEquals(List.of("/bin/chmod", "+a", "user:meeseeks deny list,add_file,search", "/Library/Keychains"),
                last.command().argv().subList(3, last.command().argv().size()));
        assertEquals(7, report.count(StepOutcome.ROLLED_BACK), report::toString);
        assertEquals(3, report.count(StepOutcome.NOT_REACHED), report::toString);
        assertTrue(report.rolledBack());
        assertSameState(before, mac.snapshot());
    }

    @Test
    void anAccountMadeByHandAfterAnUndoIsNotMistakenForCagents() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        backend.apply(Cages.minimal().build());
        backend.undo("meeseeks");
        mac.addGroup("collabo", 600, "alice");
        mac.addUser("meeseeks", 600, 600, HOME);

        cycle(mac, correctedPlan());

        assertEquals(List.of("600"), mac.record("/Users/meeseeks").get("UniqueID"), "the same name and UID as cagent's former account, yet not cagent's");
        assertEquals(List.of("600"), mac.record("/Groups/collabo").get("PrimaryGroupID"));
    }
}
