package dev.cagent.report;

import java.util.List;

/** The differences verify found; empty when the machine matches the plan. */
public record VerifyReport(List<Drift> drifts, int processes) {

    public VerifyReport {
        drifts = List.copyOf(drifts);
    }

    public boolean isClean() {
        return drifts.isEmpty();
    }

    @Override
    public String toString() {
        if (drifts.isEmpty()) {
            return "no drift (" + processes + " read-only processes)";
        }
        StringBuilder sb = new StringBuilder(drifts.size() + " drift(s):\n");
        drifts.forEach(d -> sb.append("  - ").append(d).append('\n'));
        return sb.toString();
    }
}
