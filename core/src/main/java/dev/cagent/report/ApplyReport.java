package dev.cagent.report;

import dev.cagent.lint.LintReport;

import java.util.List;

/**
 * The result of one apply: a report per step, the lint findings, and how many processes ran and
 * how many of them were writes.
 *
 * @param rolledBack true when a failure made apply take back what this run had changed
 */
public record ApplyReport(List<StepReport> steps, LintReport lint, int processes, int writes, boolean rolledBack) {

    public ApplyReport {
        steps = List.copyOf(steps);
    }

    /** True when no step failed. */
    public boolean succeeded() {
        return steps.stream().noneMatch(s -> s.outcome() == StepOutcome.FAILED);
    }

    public long count(StepOutcome outcome) {
        return steps.stream().filter(s -> s.outcome() == outcome).count();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        steps.forEach(s -> sb.append(s).append('\n'));
        sb.append(String.format("%d changed, %d unchanged, %d failed%s; %d processes, %d writes",
                count(StepOutcome.CHANGED), count(StepOutcome.UNCHANGED), count(StepOutcome.FAILED),
                rolledBack ? ", rolled back" : "", processes, writes));
        return sb.toString();
    }
}
