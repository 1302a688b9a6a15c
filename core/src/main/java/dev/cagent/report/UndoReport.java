package dev.cagent.report;

import java.util.List;

/**
 * What undo removed or restored, what it kept on purpose (with why), and what failed.
 */
public record UndoReport(List<String> undone, List<String> kept, List<ExecutedCommand> failures, int processes) {

    public UndoReport {
        undone = List.copyOf(undone);
        kept = List.copyOf(kept);
        failures = List.copyOf(failures);
    }

    public boolean succeeded() {
        return failures.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        undone.forEach(u -> sb.append("undone: ").append(u).append('\n'));
        kept.forEach(k -> sb.append("kept:   ").append(k).append('\n'));
        failures.forEach(f -> sb.append("FAILED: ").append(f).append('\n'));
        sb.append(processes).append(" processes");
        return sb.toString();
    }
}
