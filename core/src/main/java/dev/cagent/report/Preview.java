package dev.cagent.report;

import dev.cagent.lint.LintReport;

import java.util.List;

/**
 * What apply would do now: a POSIX shell script of the writes (every argument quoted, no secret
 * shown), the changes in words per step, and the lint findings.
 */
public record Preview(String script, List<String> plannedChanges, LintReport lint, int writes) {

    public Preview {
        plannedChanges = List.copyOf(plannedChanges);
    }

    @Override
    public String toString() {
        return script;
    }
}
