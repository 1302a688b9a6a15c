package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.exec.Command;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.StepOutcome;
import dev.cagent.report.StepReport;
import dev.cagent.report.UndoReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.Fault;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults outside the writes of apply: a read that times out or fails while cagent first looks at
 * the machine, during the read-back, a write of undo, and the administrator prompt itself.
 */
class ReadFaultTest {

    private static final String LIST_USERS = "/usr/bin/dscl . -list /Users UniqueID";

    private final CagePlan plan = SeedPlans.corrected();

    private static Predicate<Command> line(String shellLine) {
        return c -> c.toShellLine().equals(shellLine) || c.toShellLine().endsWith(" -- " + shellLine);
    }

    /** Matches only the {@code n}-th command {@code match} accepts. */
    private static Predicate<Command> nth(int n, Predicate<Command> match) {
        AtomicInteger seen = new AtomicInteger();
        return c -> match.test(c) && seen.incrementAndGet() == n;
    }

    private static long writes(FakeMac mac) {
        return mac.recorded().stream().filter(c -> c.isWrite()).count();
    }

    @Test
    void aReadThatTimesOutInTheFirstLookStopsEveryOperationBeforeAnyWrite() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = SeedPlans.backend(mac);
        mac.faults().failWhen(line(LIST_USERS), Fault.timeout());

        for (Runnable operation : List.<Runnable>of(() -> backend.apply(plan), () -> backend.preview(plan), () -> backend.verify(plan))) {
            MachineReadException stopped = assertThrows(MachineReadException.class, operation::run);
            assertTrue(stopped.getMessage().startsWith("could not read the machine: `" + LIST_USERS + "` timed out after 60000 ms and was killed"),
                    stopped.getMessage());
        }
        assertEquals(0, writes(mac));
    }

    @Test
    void aReadThatFailsInAnUnexpectedWayStopsApplyBeforeAnyWrite() {
        FakeMac mac = FakeMac.stock();
        mac.faults().failWhen(c -> c.argv().contains("/bin/ls"), Fault.exit(1, "ls: /Users: Operation not permitted"));

        MachineReadException stopped = assertThrows(MachineReadException.class, () -> SeedPlans.backend(mac).apply(plan));

        assertTrue(stopped.getMessage().contains("exited 1: ls: /Users: Operation not permitted"), stopped.getMessage());
        assertEquals(0, writes(mac));
    }

    @Test
    void aReadBackThatTimesOutFailsItsStepAndApplyRollsBack() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        mac.faults().failWhen(nth(2, line("/usr/bin/dscl -plist . -read /Groups/collabo")), Fault.timeout());

        ApplyReport report = SeedPlans.backend(mac).apply(plan);

        StepReport group = report.steps().get(1);
        assertEquals(StepOutcome.FAILED, group.outcome(), report::toString);
        assertTrue(group.failure().startsWith("could not read the machine: `/usr/bin/dscl -plist . -read /Groups/collabo` timed out"), group.failure());
        assertEquals(StepOutcome.ROLLED_BACK, report.steps().get(0).outcome(), report::toString);
        assertTrue(report.rolledBack());
        assertEquals(List.of(), before.diff(mac.snapshot()));
    }

    @Test
    void aWriteOfUndoThatTimesOutIsReportedAndAnotherUndoFinishes() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = SeedPlans.backend(mac);
        assertTrue(backend.apply(plan).succeeded());
        mac.faults().failWhen(nth(1, c -> c.isWrite() && c.argv().contains("/Library/Keychains")), Fault.timeout());

        UndoReport interrupted = backend.undo(plan);

        assertFalse(interrupted.succeeded(), interrupted::toString);
        assertEquals(1, interrupted.failures().size(), interrupted::toString);
        assertTrue(interrupted.failures().get(0).toString().contains("/Library/Keychains  => timed out after"), interrupted::toString);
        UndoReport finished = backend.undo(plan);
        assertTrue(finished.succeeded(), finished::toString);
        assertEquals(List.of(), stock.diff(mac.snapshot()));
    }

    @Test
    void anAdministratorPromptThatTimesOutIsReportedAndRolledBack() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        mac.faults().failWhen(nth(1, c -> c.argv().get(0).equals("/usr/bin/osascript")), Fault.timeout());

        ApplyReport report = SeedPlans.backend(mac, Privilege.adminPrompt()).apply(plan);

        assertFalse(report.succeeded());
        StepReport failed = report.steps().stream().filter(r -> r.outcome() == StepOutcome.FAILED).findFirst().orElseThrow();
        assertTrue(failed.failure().contains("timed out"), failed.failure());
        assertTrue(report.rolledBack(), report::toString);
        assertEquals(List.of(), before.diff(mac.snapshot()));
    }
}
