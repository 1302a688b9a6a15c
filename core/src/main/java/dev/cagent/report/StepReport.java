package dev.cagent.report;

import dev.cagent.Step;

import java.util.List;
import java.util.Optional;

/**
 * What happened to one step: its outcome, the changes made (in words), the commands that ran,
 * and, when it failed, why (command, exit code, stderr).
 */
public record StepReport(Step step, StepOutcome outcome, List<String> changes, List<ExecutedCommand> commands, String failure) {

    public StepReport {
        changes = List.copyOf(changes);
        commands = List.copyOf(commands);
    }

    public Optional<String> failureReason() {
        return Optional.ofNullable(failure);
    }

    public long writes() {
        return commands.stream().filter(c -> c.command().isWrite()).count();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format("%-12s %s", outcome, step.describe()));
        changes.forEach(c -> sb.append("\n               - ").append(c));
        if (failure != null) {
            sb.append("\n               ! ").append(failure.replace("\n", "\n                 "));
        }
        return sb.toString();
    }
}
