package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.Secret;
import dev.cagent.exec.Command;
import dev.cagent.report.ApplyOptions;
import dev.cagent.report.ApplyListener;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.ExecutedCommand;
import dev.cagent.report.StepOutcome;
import dev.cagent.report.StepReport;
import dev.cagent.report.VerifyReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.Fault;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every write of the seed's corrected plan, failed in turn in each way a Mac fails a command: an
 * exit code with a message, SIP's "Operation not permitted", and a timeout. Apply must stop at
 * that write, say exactly what failed and what had been done, and take back what it changed; with
 * rollback off it must leave the machine for a later apply to converge. Under the administrator
 * prompt, every write of the stock apply fails in turn inside the prompted script. Each case has
 * a Mac of its own, so the cases run in parallel (the class itself runs alone: other classes
 * capture System.err, where the cases log).
 */
class FaultSweepTest {

    /** A machine to apply on, arranged the same way every time, and the plan to apply. */
    enum Scenario {
        /** The corrected plan on a stock Mac. */
        STOCK(SeedPlans::corrected, FakeMac::stock),
        /** The same with a password for the agent, so that the password write is failed too. */
        WITH_PASSWORD(() -> SeedPlans.correctedWithPassword(Secret.of(SeedPlans.AGENT_PASSWORD)), FakeMac::stock),
        /** A Mac where an earlier apply built part of the cage and the human added things: rollback must keep them. */
        PARTLY_CAGED(SeedPlans::corrected, SeedPlans::partlyCaged),
        /** The corrected plan with the Seatbelt profile, which shares its directory with the root-owned hook settings. */
        SEATBELT(() -> SeedPlans.corrected().toBuilder().seatbelt().build(), FakeMac::stock);

        final Supplier<CagePlan> plan;
        final Supplier<FakeMac> machine;

        Scenario(Supplier<CagePlan> plan, Supplier<FakeMac> machine) {
            this.plan = plan;
            this.machine = machine;
        }
    }

    enum Kind {
        EXIT, NOT_PERMITTED, TIMEOUT;

        Fault fault() {
            return switch (this) {
                case EXIT -> Fault.exit(1, "injected failure");
                case NOT_PERMITTED -> Fault.operationNotPermitted();
                case TIMEOUT -> Fault.timeout();
            };
        }
    }

    /** The writes of a clean apply, in order, with the index of the step each belongs to. */
    private record Write(int step, ExecutedCommand command) {
    }

    private static List<Write> cleanWrites(Scenario scenario) {
        FakeMac mac = scenario.machine.get();
        ApplyReport report = SeedPlans.backend(mac).apply(scenario.plan.get());
        if (!report.succeeded()) {
            throw new IllegalStateException("the clean apply of " + scenario + " failed:\n" + report);
        }
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < report.steps().size(); i++) {
            for (ExecutedCommand c : report.steps().get(i).commands()) {
                if (c.command().isWrite()) {
                    writes.add(new Write(i, c));
                }
            }
        }
        if (writes.size() != report.writes()) {
            throw new IllegalStateException("writes outside any step: " + report.writes() + " in all, " + writes.size() + " in steps");
        }
        return writes;
    }

    static Stream<Arguments> everyWriteAndFault() {
        List<Arguments> cases = new ArrayList<>();
        for (Scenario scenario : Scenario.values()) {
            List<Write> writes = cleanWrites(scenario);
            for (int k = 1; k <= writes.size(); k++) {
                for (Kind kind : Kind.values()) {
                    cases.add(Arguments.of(scenario, k, kind, writes.get(k - 1)));
                }
            }
        }
        return cases.stream();
    }

    /**
     * With rollback (the default) the machine ends as it was; then, on that same machine, the
     * same fault without rollback leaves the failed state, and an apply after it converges.
     */
    @ParameterizedTest(name = "{0}: write {1} fails ({2})")
    @Execution(ExecutionMode.CONCURRENT)
    @MethodSource("everyWriteAndFault")
    void applyStopsAtTheFailedWriteReportsItAndRollsBack(Scenario scenario, int k, Kind kind, Write expected) {
        FakeMac mac = scenario.machine.get();
        MacOsBackend backend = SeedPlans.backend(mac);
        CagePlan plan = scenario.plan.get();
        MacSnapshot before = mac.snapshot();
        mac.faults().failWrite(k, kind.fault());

        ApplyReport report = backend.apply(plan);

        assertFailedAt(expected, kind, report);
        for (int i = 0; i < expected.step(); i++) {
            StepOutcome outcome = report.steps().get(i).outcome();
            assertTrue(outcome == StepOutcome.ROLLED_BACK || outcome == StepOutcome.UNCHANGED || outcome == StepOutcome.SKIPPED,
                    () -> "an earlier step is " + outcome + ":\n" + report);
            if (outcome == StepOutcome.ROLLED_BACK) {
                assertFalse(report.steps().get(i).changes().isEmpty(), () -> "a rolled back step says what it had done:\n" + report);
            }
        }
        assertTrue(report.rolledBack(), report::toString);
        assertTrue(report.steps().get(expected.step()).failure().endsWith("\nrolled back: the machine is as it was before this apply"), report::toString);
        assertSameMachine(before, mac.snapshot(), report);

        mac.faults().failWrite(k, kind.fault());
        ApplyReport kept = backend.apply(plan, ApplyOptions.defaults().withoutRollback(), ApplyListener.NONE);
        assertFailedAt(expected, kind, kept);
        assertFalse(kept.rolledBack(), kept::toString);
        for (int i = 0; i < expected.step(); i++) {
            assertTrue(kept.steps().get(i).outcome() != StepOutcome.ROLLED_BACK, kept::toString);
        }
        if (k > 1) {
            assertNotEquals(before, mac.snapshot(), () -> "without rollback the writes before the failure stay:\n" + kept);
        }

        // a faulted command changes nothing whatever the fault, so each kind leaves this same machine: converge once
        if (kind == Kind.EXIT) {
            ApplyReport again = backend.apply(plan);
            assertTrue(again.succeeded(), again::toString);
            VerifyReport verify = backend.verify(plan);
            assertTrue(verify.isClean(), verify::toString);
        }
    }

    static Stream<Arguments> everyWriteOfTheStockPlan() {
        List<Write> writes = cleanWrites(Scenario.STOCK);
        return IntStream.rangeClosed(1, writes.size()).mapToObj(k -> Arguments.of(k, writes.get(k - 1), writes));
    }

    /** A write as the script runs it: without the sudo that runs it as root outside the script. */
    private static String bare(Command command) {
        return command.toShellLine().replaceFirst("^/usr/bin/sudo -n -- ", "");
    }

    /**
     * Under the administrator prompt the writes run inside one script: a failure of any of them
     * ends the script there, and a second prompt takes back what the first one did.
     */
    @ParameterizedTest(name = "administrator prompt: write {0} fails")
    @Execution(ExecutionMode.CONCURRENT)
    @MethodSource("everyWriteOfTheStockPlan")
    void underTheAdministratorPromptAFailedWriteIsTakenBackByASecondPrompt(int k, Write expected, List<Write> writes) {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        String line = bare(expected.command().command());
        long occurrence = writes.subList(0, k).stream().filter(w -> bare(w.command().command()).equals(line)).count();
        AtomicInteger seen = new AtomicInteger();
        mac.faults().failWhen(c -> c.isWrite() && c.toShellLine().endsWith(line) && seen.incrementAndGet() == occurrence,
                Fault.exit(1, "injected failure"));

        ApplyReport report = SeedPlans.backend(mac, Privilege.adminPrompt()).apply(Scenario.STOCK.plan.get());

        assertFalse(report.succeeded(), report::toString);
        assertEquals(1, report.count(StepOutcome.FAILED), report::toString);
        StepReport failed = report.steps().get(expected.step());
        assertEquals(StepOutcome.FAILED, failed.outcome(), report::toString);
        assertTrue(failed.failure().contains("injected failure") && failed.failure().endsWith("rolled back: the machine is as it was before this apply"),
                report::toString);
        assertTrue(report.rolledBack(), report::toString);
        assertEquals(2, mac.recorded().stream().filter(c -> c.argv().get(0).equals("/usr/bin/osascript")).count());
        assertSameMachine(before, mac.snapshot(), report);
    }

    private static void assertSameMachine(MacSnapshot before, MacSnapshot after, ApplyReport report) {
        if (!before.equals(after)) {
            fail("the machine differs from before the apply: " + before.diff(after) + "\n" + report);
        }
    }

    /** Exactly one step failed, the one holding write k; its failure names the command and how it failed; later steps were not reached. */
    private static void assertFailedAt(Write expected, Kind kind, ApplyReport report) {
        assertFalse(report.succeeded(), report::toString);
        assertEquals(1, report.count(StepOutcome.FAILED), report::toString);
        StepReport failed = report.steps().get(expected.step());
        assertEquals(StepOutcome.FAILED, failed.outcome(), report::toString);
        String failure = failed.failure();
        String shellLine = expected.command().command().toShellLine();
        assertTrue(failure.contains("`" + shellLine + "`"), () -> "the failure should name `" + shellLine + "`:\n" + failure);
        switch (kind) {
            case EXIT -> assertTrue(failure.contains("exited 1: injected failure"), failure);
            case NOT_PERMITTED -> assertTrue(failure.contains("exited 1: ") && failure.contains("Operation not permitted"), failure);
            case TIMEOUT -> assertTrue(failure.contains("timed out"), failure);
        }
        assertTrue(failed.commands().stream().anyMatch(c -> c.command().toShellLine().equals(shellLine) && !c.succeeded()),
                () -> "the failed step lists the failed command:\n" + failed.commands());
        for (int i = expected.step() + 1; i < report.steps().size(); i++) {
            assertEquals(StepOutcome.NOT_REACHED, report.steps().get(i).outcome(), report::toString);
        }
    }
}
