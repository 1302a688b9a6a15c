package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.exec.CommandTimeoutException;
import dev.cagent.report.ApplyListener;
import dev.cagent.report.ApplyOptions;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.UndoReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.Fault;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static dev.cagent.macos.CoopFixture.AGENT;
import static dev.cagent.macos.CoopFixture.GROUP;
import static dev.cagent.macos.CoopFixture.HUMAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Applies that repeat, drift and fail on a workspace that already holds files: what each apply's
 * record keeps (repeated applies, drift, failures with and without rollback, read-back retries,
 * the hook's and the Seatbelt profile's directories), {@code -path} patterns of names that end
 * with blanks, and fault sweeps over the workspace writes of an existing tree.
 */
class RepeatedApplyTest {

    static final String WS = WorkspaceTest.WS;
    static final String JOURNAL = "/private/var/db/cagent/" + AGENT + "/journal.jsonl";

    final CagePlan plan = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).workspace(WS).build();
    final CagePlan withGroup = plan.toBuilder().collaborationGroupId(650).build();

    // ------------------------------------------------------------------------------------------
    // helpers

    private static MacOsBackend backend(CommandRunner runner) {
        return MacOsBackend.on(runner).readBack(3, Duration.ZERO).build();
    }

    private static void run(FakeMac mac, String user, String... argv) {
        CommandResult r = mac.as(user).run(Command.write(argv));
        assertEquals(0, r.exitCode(), () -> String.join(" ", argv) + ": " + r.stderr());
    }

    private static String describe(FakeMac mac, String path) {
        FileInfo info = mac.fileInfo(path).orElseThrow();
        return info.owner() + ":" + info.group() + " " + info.octalMode() + " " + info.acl();
    }

    private static String journal(FakeMac mac) {
        return mac.exists(JOURNAL) ? mac.readFile(JOURNAL) : "";
    }

    /** alice's project plus the group (650, alice a member) and two deny entries of the group. */
    private static FakeMac projectWithGroupAndDenials() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup(GROUP, 650, HUMAN);
        WorkspaceTest.anExistingProjectOfAlices(mac);
        mac.addAce(WS + "/README.md", "group:collabo deny write");
        mac.addAce(WS + "/tools", "group:collabo deny add_file");
        return mac;
    }

    /** A runner that runs the command, and makes the {@code k}-th write report failure (exit 1 or timeout) after doing its work. */
    private static CommandRunner doneThenFailing(FakeMac mac, int k, boolean timeout) {
        return new CommandRunner() {
            int writes;

            @Override
            public CommandResult run(Command command) {
                CommandResult result = mac.run(command);
                if (command.isWrite() && ++writes == k) {
                    if (timeout) {
                        throw new CommandTimeoutException(command);
                    }
                    return new CommandResult(1, result.stdout(), result.stderr() + "injected failure after the work\n", Duration.ZERO);
                }
                return result;
            }

            @Override
            public Object machine() {
                return mac;
            }
        };
    }

    /** The 1-based numbers, among the writes of a clean apply of {@code plan} on {@code machine()} after {@code arrange}, of those that touch the workspace. */
    private static List<Integer> workspaceWrites(Supplier<FakeMac> machine, Consumer<FakeMac> arrange, CagePlan plan) {
        FakeMac mac = machine.get();
        arrange.accept(mac);
        int mark = mac.recorded().size();
        ApplyReport report = backend(mac).apply(plan);
        assertTrue(report.succeeded(), report::toString);
        List<RecordedCommand> writes = mac.recorded().subList(mark, mac.recorded().size()).stream().filter(RecordedCommand::isWrite).toList();
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            if (WorkspaceTest.touchesTheWorkspace(writes.get(i))) {
                numbers.add(i + 1);
            }
        }
        assertTrue(numbers.size() >= 3, "workspace writes: " + numbers);
        return numbers;
    }

    // ------------------------------------------------------------------------------------------
    // 1. journal entries with items: repeated applies, drift, no-op applies

    /** Three applies with drift of existing entries between them, each followed by a no-op apply; undo puts back the first state. */
    @Test
    void undoAfterThreeAppliesWithDriftBetweenReturnsToBeforeTheFirst() {
        CoopFixture coop = new CoopFixture(projectWithGroupAndDenials());
        FakeMac mac = coop.mac;
        MacSnapshot before = mac.snapshot();
        coop.apply(withGroup);
        String first = journal(mac);
        coop.reapplyOnlyReads(withGroup);
        assertEquals(first, journal(mac), "a no-op apply adds nothing to the record");

        run(mac, HUMAN, "/bin/chmod", "-h", "0644", WS + "/README.md");
        run(mac, "root", "/usr/sbin/chown", "-h", "root:wheel", WS + "/tools/deploy");
        run(mac, HUMAN, "/bin/chmod", "-h", "-a", WorkspaceTest.DIRECTORY_ENTRY, WS + "/tools/nested");
        run(mac, HUMAN, "/bin/chmod", "-h", "0700", WS + "/tools/nested/deep");
        coop.apply(withGroup);
        String second = journal(mac);
        assertTrue(second.startsWith(first) && second.length() > first.length(), "the second apply adds its own record of the tree");
        coop.reapplyOnlyReads(withGroup);
        assertEquals(second, journal(mac), "a no-op apply adds nothing to the record");

        run(mac, HUMAN, "/bin/chmod", "-h", "0600", WS + "/tools/nested/deep/data.csv");
        run(mac, HUMAN, "/usr/sbin/chown", "-h", ":staff", WS + "/build.sh", WS + "/tools/nested");
        run(mac, "root", "/usr/sbin/chown", "-h", "root:wheel", WS + "/.env");
        coop.apply(withGroup);
        coop.reapplyOnlyReads(withGroup);

        coop.undo();
        assertEquals(List.of(), before.diff(mac.snapshot()), "undo after three applies with drift");
    }

    /**
     * After the first apply alice narrows a file of hers (mode 0644, so the probe lists it) and
     * puts a deny entry of the group on it (the group was made by cagent); the next apply takes
     * the entry off and records it. Undo does not put it back: it could not have stood before the
     * group did, and would outlive it naming a group that no longer exists (a bare UUID).
     */
    @Test
    void aDenyEntryAddedBetweenAppliesIsNotPutBackNamingTheDeletedGroup() {
        CoopFixture coop = new CoopFixture();
        FakeMac mac = coop.mac;
        WorkspaceTest.anExistingProjectOfAlices(mac);
        MacSnapshot before = mac.snapshot();
        coop.apply(plan);
        run(mac, HUMAN, "/bin/chmod", "-h", "0644", WS + "/README.md");
        run(mac, HUMAN, "/bin/chmod", "+a", "group:collabo deny write", WS + "/README.md");
        coop.apply(plan);
        coop.undo();
        assertEquals(List.of(), before.diff(mac.snapshot()),
                "undo put back a deny entry of the group it then deleted: " + mac.fileInfo(WS + "/README.md").orElseThrow().acl());
    }

    /**
     * The corrected plan with the Seatbelt profile, whose directory the hook's entry records as
     * made by cagent. An administrator removes that directory (both files); the next apply makes
     * it again: the first record already says so, so no second hook entry is undone ahead of the
     * Seatbelt profile's while the profile is still in the directory.
     */
    @Test
    void undoAfterTheSettingsDirectoryWasRemovedAndMadeAgain() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        CagePlan seatbelt = SeedPlans.corrected().toBuilder().seatbelt().build();
        MacSnapshot before = mac.snapshot();
        ApplyReport first = backend.apply(seatbelt);
        assertTrue(first.succeeded(), first::toString);
        run(mac, "root", "/bin/rm", "-rf", "/Library/Application Support/cagent/" + AGENT);
        ApplyReport second = backend.apply(seatbelt);
        assertTrue(second.succeeded(), second::toString);
        String record = journal(mac);
        ApplyReport third = backend.apply(seatbelt);
        assertTrue(third.succeeded(), third::toString);
        assertEquals(record, journal(mac), "a no-op apply adds nothing to the record");

        UndoReport undo = backend.undo(AGENT);
        if (!undo.succeeded()) {
            UndoReport again = backend.undo(AGENT);
            assertTrue(again.succeeded(), () -> "undo failed, and again:\n" + undo + "\n---\n" + again);
        }
        assertTrue(undo.succeeded(), undo::toString);
        assertEquals(List.of(), before.diff(mac.snapshot()), "undo after the settings directory was made again");
    }

    /** A write of the workspace that does not stick the first time: the second attempt records again; undo still puts back the first state. */
    @Test
    void aReadBackRetryThenUndo() {
        FakeMac mac = projectWithGroupAndDenials();
        MacSnapshot before = mac.snapshot();
        int[] finds = {0};
        CommandRunner flaky = new CommandRunner() {
            @Override
            public CommandResult run(Command command) {
                CommandResult result = mac.run(command);
                if (command.isWrite() && command.argv().contains("/usr/bin/find") && command.argv().contains(WS) && finds[0]++ == 0) {
                    // the first find's work on README.md does not stick
                    mac.as("root").run(Command.write("/bin/chmod", "-h", "0644", WS + "/README.md"));
                    mac.as("root").run(Command.write("/usr/sbin/chown", "-h", "alice:staff", WS + "/README.md"));
                }
                return result;
            }

            @Override
            public Object machine() {
                return mac;
            }
        };
        ApplyReport report = backend(flaky).apply(withGroup);
        assertTrue(report.succeeded(), report::toString);
        CoopFixture coop = new CoopFixture(mac);
        coop.reapplyOnlyReads(withGroup);
        coop.undo();
        assertEquals(List.of(), before.diff(mac.snapshot()), "undo after a read-back retry");
    }

    /** Every workspace write of the first apply fails in turn with rollback off; an apply then converges and undo puts back the first state. */
    @Test
    void withoutRollbackEachWorkspaceWriteFailsThenApplyAndUndo() {
        List<Integer> numbers = workspaceWrites(RepeatedApplyTest::projectWithGroupAndDenials, m -> { }, withGroup);
        List<String> problems = new ArrayList<>();
        for (int k : numbers) {
            FakeMac mac = projectWithGroupAndDenials();
            MacSnapshot before = mac.snapshot();
            mac.faults().failWrite(k, Fault.exit(1, "injected failure"));
            MacOsBackend backend = backend(mac);
            ApplyReport failed = backend.apply(withGroup, ApplyOptions.defaults().withoutRollback(), ApplyListener.NONE);
            if (failed.succeeded()) {
                problems.add("write " + k + ": apply succeeded");
                continue;
            }
            // undo straight after the half-done apply
            FakeMac twin = projectWithGroupAndDenials();
            twin.faults().failWrite(k, Fault.exit(1, "injected failure"));
            backend(twin).apply(withGroup, ApplyOptions.defaults().withoutRollback(), ApplyListener.NONE);
            UndoReport direct = backend(twin).undo(AGENT);
            List<String> directDiff = before.diff(twin.snapshot());
            if (!direct.succeeded() || !directDiff.isEmpty()) {
                problems.add("write " + k + ", undo after the half-done apply: " + (direct.succeeded() ? directDiff : direct.toString()));
            }
            ApplyReport again = backend.apply(withGroup);
            if (!again.succeeded()) {
                problems.add("write " + k + ": the next apply failed: " + again);
                continue;
            }
            UndoReport undo = backend.undo(AGENT);
            List<String> diff = before.diff(mac.snapshot());
            if (!undo.succeeded() || !diff.isEmpty()) {
                problems.add("write " + k + ", apply again then undo: " + (undo.succeeded() ? diff : undo.toString()));
            }
        }
        assertEquals(List.of(), problems);
    }

    /**
     * README.md holds the group's deny entry twice (index 0 and 1: {@code chmod +a#} does not
     * merge). Apply removes index 1, then index 0; the second removal fails. Rollback (and, with
     * rollback off, undo) finds one copy still there, which stands for one recorded entry, and
     * puts back the other.
     */
    @Test
    void aDuplicatedDenyEntryHalfRemovedIsPutBackTwice() {
        List<String> problems = new ArrayList<>();
        for (boolean rollback : List.of(true, false)) {
            FakeMac mac = FakeMac.stock();
            mac.addGroup(GROUP, 650, HUMAN);
            WorkspaceTest.anExistingProjectOfAlices(mac);
            mac.addAce(WS + "/README.md", "group:collabo deny write");
            run(mac, "root", "/bin/chmod", "+a#", "1", "group:collabo deny write", WS + "/README.md");
            assertEquals(List.of("group:collabo deny write", "group:collabo deny write"), mac.fileInfo(WS + "/README.md").orElseThrow().acl());
            MacSnapshot before = mac.snapshot();
            mac.faults().failWhen(c -> c.toShellLine().contains("-a#' 0"), Fault.exit(1, "injected failure"));
            MacOsBackend backend = backend(mac);
            ApplyReport report = rollback ? backend.apply(withGroup) : backend.apply(withGroup, ApplyOptions.defaults().withoutRollback(), ApplyListener.NONE);
            assertFalse(report.succeeded(), report::toString);
            assertTrue(report.toString().contains("-a#' 0"), report::toString);
            mac.faults().clear();
            if (!rollback) {
                UndoReport undo = backend.undo(AGENT);
                assertTrue(undo.succeeded(), undo::toString);
            }
            before.diff(mac.snapshot()).forEach(l -> problems.add((rollback ? "rollback: " : "undo after the half-done apply: ") + l));
        }
        assertEquals(List.of(), problems, "one of the two deny entries is lost");
    }

    // ------------------------------------------------------------------------------------------
    // 2. -path patterns of names ending with blanks and other odd endings

    /** Names with the endings the bracket expression has to carry; each file needs a mode and has a deny entry of the group (removed by path). */
    private void oddEndings(List<String> names) {
        CoopFixture coop = new CoopFixture(projectWithGroupAndDenials());
        FakeMac mac = coop.mac;
        for (String name : names) {
            mac.writeFile(WS + "/tools/" + name, HUMAN, "staff", 0644, "x\n");
            mac.addAce(WS + "/tools/" + name, "group:collabo deny write");
        }
        MacSnapshot before = mac.snapshot();
        RuntimeException thrown = null;
        try {
            coop.apply(withGroup);
            for (String name : names) {
                assertEquals("alice:collabo 0660 []", describe(mac, WS + "/tools/" + name), "apply: " + name);
            }
            // drift on one file only, so that the next apply names the odd files among the others
            run(mac, HUMAN, "/bin/chmod", "-h", "0644", WS + "/README.md");
            coop.apply(withGroup);
            coop.reapplyOnlyReads(withGroup);
            coop.undo();
        } catch (RuntimeException e) {
            thrown = e;
        }
        assertEquals(null, thrown == null ? null : thrown.toString(), "apply or undo threw");
        assertEquals(List.of(), before.diff(mac.snapshot()), "undo");
    }

    @Test
    void namesEndingWithAsciiBlanksTabsAndBrackets() {
        oddEndings(List.of("tab\t", "blank ", "   ", "two  ", "a] ", "b[ ", "c\\ ", "[ ]", "d]", "e ]", "vt\u000b", "ff\f"));
    }

    /** U+3000 (ideographic space) and U+2003 (em space): blanks above U+0020, which the process launcher keeps. */
    @Test
    void namesEndingWithNonAsciiBlanks() {
        oddEndings(List.of("メモ\u3000", "em\u2003"));
    }

    /**
     * The agent itself makes a file whose name ends with U+3000 after apply; undo gives alice's
     * three files back by leaving it out ({@code ! -path ...}), a pattern that ends with that blank.
     */
    @Test
    void aNameTheAgentEndsWithAnIdeographicSpaceDoesNotStopUndo() {
        CoopFixture coop = new CoopFixture();
        FakeMac mac = coop.mac;
        mac.mkdir(WS, HUMAN, "staff", 0755);
        for (String name : List.of("a", "b", "c")) {
            mac.writeFile(WS + "/" + name, HUMAN, "staff", 0664, "x\n");
        }
        MacSnapshot before = mac.snapshot();
        coop.apply(plan);
        mac.createFileAs(AGENT, WS + "/x\u3000", "the agent's\n", 002);
        RuntimeException thrown = null;
        UndoReport undo = null;
        try {
            undo = coop.backend.undo(AGENT);
        } catch (RuntimeException e) {
            thrown = e;
        }
        assertEquals(null, thrown == null ? null : thrown.toString(), "undo threw on a name the agent made");
        assertTrue(undo.succeeded(), undo::toString);
        assertEquals(List.of(WS + "/x\u3000"), before.diff(mac.snapshot()).stream().filter(l -> l.startsWith(WS + "/"))
                .map(l -> l.substring(0, l.indexOf(": "))).toList());
    }

    // ------------------------------------------------------------------------------------------
    // 3. a fault sweep over the workspace writes of a tree that already holds files

    private interface Arrange {
        /** Arranges a Mac and returns the snapshot rollback must return to. */
        MacSnapshot arrange(FakeMac mac);
    }

    private void sweep(String name, Supplier<FakeMac> machine, Arrange arrange, CagePlan plan) {
        workspaceWrites(machine, arrange::arrange, plan);
        FakeMac clean = machine.get();
        arrange.arrange(clean);
        int mark = clean.recorded().size();
        assertTrue(backend(clean).apply(plan).succeeded());
        int all = (int) clean.recorded().subList(mark, clean.recorded().size()).stream().filter(RecordedCommand::isWrite).count();
        List<Integer> numbers = new ArrayList<>();
        for (int k = 1; k <= all; k++) {
            numbers.add(k);
        }
        List<String> problems = new ArrayList<>();
        for (int k : numbers) {
            for (String how : List.of("fails", "done-then-exit-1", "done-then-timeout")) {
                FakeMac mac = machine.get();
                MacSnapshot before = arrange.arrange(mac);
                MacOsBackend backend;
                if (how.equals("fails")) {
                    mac.faults().failWrite(k, Fault.exit(1, "injected failure"));
                    backend = backend(mac);
                } else {
                    backend = backend(doneThenFailing(mac, k, how.endsWith("timeout")));
                }
                ApplyReport report = backend.apply(plan);
                List<String> diff = before.diff(mac.snapshot());
                if (report.succeeded() || !report.rolledBack() || !diff.isEmpty()) {
                    problems.add(name + ", write " + k + " " + how + ": succeeded=" + report.succeeded() + " rolledBack=" + report.rolledBack()
                            + " diff=" + diff);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void sweepTheFirstApplyOnAnExistingProject() {
        sweep("first apply", FakeMac::stock, mac -> {
            WorkspaceTest.anExistingProjectOfAlices(mac);
            return mac.snapshot();
        }, plan);
    }

    @Test
    void sweepTheFirstApplyOnAnExistingProjectWithTheGroupAndItsDenials() {
        sweep("first apply, group and denials", RepeatedApplyTest::projectWithGroupAndDenials, FakeMac::snapshot, withGroup);
    }

    @Test
    void sweepASecondApplyAfterDrift() {
        sweep("second apply", RepeatedApplyTest::projectWithGroupAndDenials, mac -> {
            ApplyReport first = backend(mac).apply(withGroup);
            assertTrue(first.succeeded(), first::toString);
            run(mac, HUMAN, "/bin/chmod", "-h", "0644", WS + "/README.md");
            run(mac, HUMAN, "/bin/chmod", "+a", "group:collabo deny write", WS + "/tools/nested/deep/data.csv");
            run(mac, "root", "/usr/sbin/chown", "-h", "root:wheel", WS + "/tools/deploy");
            run(mac, HUMAN, "/bin/chmod", "-h", "-a", WorkspaceTest.DIRECTORY_ENTRY, WS + "/tools/nested");
            mac.mkdir(WS + "/moved", HUMAN, "staff", 0755);
            mac.writeFile(WS + "/moved/in.txt", HUMAN, "staff", 0644, "moved in\n");
            mac.writeFile(WS + "/by-root.txt", "root", "wheel", 0600, "sudo\n");
            return mac.snapshot();
        }, withGroup);
    }

    /** A write as the admin-prompt script runs it: without the sudo that runs it as root outside the script. */
    private static String bare(RecordedCommand command) {
        return Command.write(WorkspaceTest.unwrapped(command).toArray(String[]::new)).toShellLine();
    }

    /**
     * Under the administrator prompt, each workspace write of the first apply on alice's project
     * (group and its deny entries there already) fails inside the script, by exit or timeout; the
     * second prompt takes back what the first did.
     */
    @Test
    void sweepTheAdministratorPromptOverAnExistingProject() {
        FakeMac clean = projectWithGroupAndDenials();
        int mark = clean.recorded().size();
        ApplyReport cleanReport = backend(clean).apply(withGroup);
        assertTrue(cleanReport.succeeded(), cleanReport::toString);
        List<RecordedCommand> writes = clean.recorded().subList(mark, clean.recorded().size()).stream().filter(RecordedCommand::isWrite).toList();
        List<String> problems = new ArrayList<>();
        int cases = 0;
        for (int k = 0; k < writes.size(); k++) {
            if (!WorkspaceTest.touchesTheWorkspace(writes.get(k))) {
                continue;
            }
            String line = bare(writes.get(k));
            long occurrence = writes.subList(0, k + 1).stream().filter(w -> bare(w).equals(line)).count();
            for (Fault fault : List.of(Fault.exit(1, "injected failure"), Fault.timeout())) {
                cases++;
                FakeMac mac = projectWithGroupAndDenials();
                MacSnapshot before = mac.snapshot();
                AtomicInteger seen = new AtomicInteger();
                mac.faults().failWhen(c -> c.toShellLine().endsWith(line) && seen.incrementAndGet() == occurrence, fault);
                ApplyReport report = MacOsBackend.on(mac).privilege(Privilege.adminPrompt()).readBack(3, Duration.ZERO).build().apply(withGroup);
                List<String> diff = before.diff(mac.snapshot());
                if (report.succeeded() || !diff.isEmpty()) {
                    problems.add("write " + (k + 1) + " " + fault + ": succeeded=" + report.succeeded() + " rolledBack=" + report.rolledBack()
                            + " diff=" + (diff.size() > 6 ? diff.subList(0, 6) + "... (" + diff.size() + " lines)" : diff) + (seen.get() == 0 ? " (never matched)" : ""));
                }
            }
        }
        assertTrue(cases >= 6, "cases: " + cases);
        assertEquals(List.of(), problems);
    }
}
