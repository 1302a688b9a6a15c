package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.Step;
import dev.cagent.report.ApplyListener;
import dev.cagent.report.ApplyOptions;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.ExecutedCommand;
import dev.cagent.report.StepOutcome;
import dev.cagent.report.StepReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.Fault;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.cagent.macos.Cages.backend;
import static dev.cagent.macos.Cages.correctedPlan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an ApplyListener hears: every step's end, every command, and the rollback of earlier steps. */
class ListenerTest {

    private static final class Recording implements ApplyListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void stepStarted(Step step) {
            events.add("started " + step.describe());
        }

        @Override
        public void commandFinished(ExecutedCommand command) {
            events.add("command");
        }

        @Override
        public void stepFinished(StepReport report) {
            events.add(report.outcome() + " " + report.step().describe());
        }

        @Override
        public void stepRolledBack(StepReport report) {
            events.add("rolled back " + report.step().describe());
        }
    }

    @Test
    void everyStepEndsOnceAndAFailureReportsTheRollbackOfEarlierSteps() {
        FakeMac mac = FakeMac.stock();
        CagePlan plan = correctedPlan();
        mac.faults().failWhen(c -> c.argv().contains("/usr/sbin/createhomedir"), Fault.exit(1, "createhomedir: failed"));
        Recording listener = new Recording();

        ApplyReport report = backend(mac).apply(plan, ApplyOptions.defaults(), listener);

        assertFalse(report.succeeded());
        List<String> ends = listener.events.stream().filter(e -> !e.equals("command") && !e.startsWith("started") && !e.startsWith("rolled back")).toList();
        assertEquals(plan.steps().size(), ends.size(), "one end per step: " + ends);
        assertTrue(ends.contains("FAILED home /Users/meeseeks"), ends::toString);
        assertEquals(plan.steps().size() - 3, ends.stream().filter(e -> e.startsWith("NOT_REACHED")).count(), ends::toString);
        assertEquals(List.of("rolled back user meeseeks", "rolled back group collabo with alice, meeseeks"),
                listener.events.stream().filter(e -> e.startsWith("rolled back")).toList());
        assertEquals(report.processes(), listener.events.stream().filter(e -> e.equals("command")).count());
        assertEquals(StepOutcome.ROLLED_BACK, report.steps().get(0).outcome());
    }
}
