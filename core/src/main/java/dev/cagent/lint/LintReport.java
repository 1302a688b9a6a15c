package dev.cagent.lint;

import java.util.List;
import java.util.Set;

/** The findings of one lint run, and which of them refuse the plan. */
public record LintReport(List<Finding> findings, Set<String> acceptedRisks) {

    public LintReport {
        findings = List.copyOf(findings);
        acceptedRisks = Set.copyOf(acceptedRisks);
    }

    public List<Finding> errors() {
        return withSeverity(Severity.ERROR);
    }

    public List<Finding> warnings() {
        return withSeverity(Severity.WARNING);
    }

    /** Errors whose risk the plan did not accept: any of them refuses apply. */
    public List<Finding> blocking() {
        return findings.stream().filter(f -> f.severity() == Severity.ERROR && !acceptedRisks.contains(f.code())).toList();
    }

    public boolean isBlocking() {
        return !blocking().isEmpty();
    }

    public boolean has(Rule rule) {
        return findings.stream().anyMatch(f -> f.rule() == rule);
    }

    private List<Finding> withSeverity(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).toList();
    }

    @Override
    public String toString() {
        if (findings.isEmpty()) {
            return "no findings\n";
        }
        StringBuilder sb = new StringBuilder();
        // errors first, then warnings, then advice; within each, in the plan's order
        for (Finding f : findings.stream().sorted(java.util.Comparator.comparing(Finding::severity)).toList()) {
            sb.append(f).append(acceptedRisks.contains(f.code()) ? "\n    (risk accepted by the plan)" : "").append('\n');
        }
        return sb.toString();
    }
}
