package dev.cagent.examples;

import dev.cagent.CagePlan;
import dev.cagent.InvalidPlanException;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.macos.MacOsBackend;
import dev.cagent.macos.MacStep;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.StepOutcome;
import dev.cagent.report.StepReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SudoersDropInTest {

    private static final String FILE = "/private/etc/sudoers.d/cagent-meeseeks";
    private static final String CONTENT = "# cagent: alice may start processes as the caged agent meeseeks without a password\n"
            + "alice ALL=(meeseeks) NOPASSWD: ALL\n";

    private final FakeMac mac = FakeMac.stock();
    private final MacOsBackend backend = MacOsBackend.on(mac).readBack(3, Duration.ZERO).build();
    private final SudoersDropIn dropIn = new SudoersDropIn("alice", "meeseeks");
    private final CagePlan plan = SeedCage.correctedPlan("alice").toBuilder().step(dropIn).build();
    private MacSnapshot beforeApply;

    @BeforeEach
    void aMacWithTheDropInDirectory() {
        mac.mkdir(SudoersDropIn.DIRECTORY, "root", "wheel", 0755);
        beforeApply = mac.snapshot();
    }

    private static StepReport last(ApplyReport report) {
        return report.steps().get(report.steps().size() - 1);
    }

    @Test
    void applyWritesTheDropInRootOwnedAndReadOnly() {
        ApplyReport report = backend.apply(plan);

        assertEquals(StepOutcome.CHANGED, last(report).outcome(), report.toString());
        FileInfo file = mac.fileInfo(FILE).orElseThrow();
        assertEquals(List.of("root", "wheel", "0440"), List.of(file.owner(), file.group(), file.octalMode()));
        assertEquals(CONTENT, mac.readFile(FILE));
        assertEquals(List.of("cagent-meeseeks"), mac.list(SudoersDropIn.DIRECTORY), "no temporary file left");
    }

    @Test
    void theContentReachesTheFileOnlyThroughATemporaryFileSudoIgnores() {
        backend.apply(plan);

        List<String> writes = new ArrayList<>();
        for (RecordedCommand c : mac.recorded()) {
            if (c.isWrite() && String.join(" ", c.argv()).contains("sudoers.d")) {
                writes.add(String.join(" ", c.argv()));
            }
        }
        assertEquals(List.of(
                "/usr/bin/sudo -n -- /usr/bin/tee " + FILE + ".tmp",
                "/usr/bin/sudo -n -- /usr/sbin/chown -h root:wheel " + FILE + ".tmp",
                "/usr/bin/sudo -n -- /bin/chmod 0440 " + FILE + ".tmp",
                "/usr/bin/sudo -n -- /bin/mv -f " + FILE + ".tmp " + FILE), writes);
    }

    @Test
    void aSecondApplyOnlyReads() {
        backend.apply(plan);

        ApplyReport again = backend.apply(plan);

        assertEquals(StepOutcome.UNCHANGED, last(again).outcome());
        assertEquals(0, again.writes(), again.toString());
    }

    @Test
    void applyPutsBackADropInChangedByHand() {
        backend.apply(plan);
        mac.writeFile(FILE, "root", "wheel", 0644, "alice ALL=(ALL) NOPASSWD: ALL\n");

        ApplyReport repair = backend.apply(plan);

        assertEquals(StepOutcome.CHANGED, last(repair).outcome());
        assertEquals(CONTENT, mac.readFile(FILE));
        assertEquals("0440", mac.fileInfo(FILE).orElseThrow().octalMode());
    }

    @Test
    void undoRemovesTheDropInAndLeavesTheMacAsItWas() {
        backend.apply(plan);

        assertTrue(backend.undo(plan).succeeded());

        assertFalse(mac.exists(FILE));
        assertEquals(beforeApply, mac.snapshot());
    }

    @Test
    void withoutTheDropInDirectoryApplyFailsAtTheFirstWriteAndRollsBack() {
        FakeMac bare = FakeMac.stock();
        MacSnapshot stock = bare.snapshot();

        ApplyReport report = MacOsBackend.on(bare).readBack(3, Duration.ZERO).build().apply(plan);

        assertFalse(report.succeeded());
        assertTrue(report.rolledBack());
        assertEquals(StepOutcome.FAILED, last(report).outcome());
        String why = last(report).failureReason().orElseThrow();
        assertTrue(why.contains("tee: " + FILE + ".tmp: No such file or directory"), why);
        assertEquals(stock, bare.snapshot());
    }

    @Test
    void aStepThatRunsAProgramTheMacLacksFailsNamingItAndLeavesNothingBehind() {
        CagePlan checked = SeedCage.correctedPlan("alice").toBuilder().step(new VisudoChecked(dropIn)).build();

        ApplyReport report = backend.apply(checked);

        assertEquals(StepOutcome.FAILED, last(report).outcome());
        String why = last(report).failureReason().orElseThrow();
        assertTrue(why.contains("/usr/sbin/visudo"), why);
        assertTrue(report.rolledBack());
        assertEquals(beforeApply, mac.snapshot());
    }

    /** The drop-in checked by visudo before it goes live, which the fake Mac does not have. */
    private record VisudoChecked(SudoersDropIn inner) implements MacStep {
        @Override
        public String describe() {
            return inner.describe() + ", checked by visudo";
        }

        @Override
        public List<Command> probe() {
            return inner.probe();
        }

        @Override
        public List<Command> changes(List<CommandResult> probed) {
            List<Command> writes = new ArrayList<>(inner.changes(probed));
            writes.add(1, Command.write("/usr/sbin/visudo", "-cf", inner.file() + ".tmp"));
            return writes;
        }

        @Override
        public List<Command> undo() {
            return inner.undo();
        }
    }

    @Test
    void namesAreCheckedWhenTheStepIsMade() {
        InvalidPlanException upper = assertThrows(InvalidPlanException.class, () -> new SudoersDropIn("Alice", "meeseeks"));
        assertTrue(upper.getMessage().contains("'Alice'") && upper.getMessage().contains("e.g. 'alice'"), upper.getMessage());

        InvalidPlanException injected = assertThrows(InvalidPlanException.class, () -> new SudoersDropIn("alice ALL=(ALL) ALL\n#", "meeseeks"));
        assertTrue(injected.getMessage().startsWith("sudoers drop-in human: "), injected.getMessage());

        InvalidPlanException dotted = assertThrows(InvalidPlanException.class, () -> new SudoersDropIn("alice", "mr.meeseeks"));
        assertTrue(dotted.getMessage().contains("'.'") && dotted.getMessage().contains("'mr-meeseeks'"), dotted.getMessage());

        InvalidPlanException same = assertThrows(InvalidPlanException.class, () -> new SudoersDropIn("meeseeks", "meeseeks"));
        assertTrue(same.getMessage().contains("the agent itself"), same.getMessage());
    }

    @Test
    void theRunnableExampleShowsApplyReApplyAndUndo() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        ExtensionStepExample.run(mac, new PrintStream(buffer, true, StandardCharsets.UTF_8));

        String out = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("CHANGED "), out);
        assertTrue(out.contains(FILE + " is root:wheel 0440 and reads:\n" + CONTENT), out);
        assertTrue(out.contains("apply again: UNCHANGED, 0 writes"), out);
        assertTrue(out.contains("drop-in still there after undo: no"), out);
        assertTrue(out.contains("the Mac is as before: yes"), out);
    }
}
