package dev.cagent.report;

import dev.cagent.lint.LintReport;

import java.util.List;

/**
 * What apply would do now: a POSIX shell script of the writes (every argument quoted, no secret
 * shown), the changes in words per step, the lint findings, and the conflicts that would make
 * apply refuse the plan (when there are any, the script is not meant to be run).
 */
public record Preview(String script, List<String> plannedChanges, LintReport lint, List<String> refusals, int writes) {

    public Preview {
        plannedChanges = List.copyOf(plannedChanges);
        refusals = List.copyOf(refusals);
    }

    /** True when apply would go ahead: no unaccepted lint error and no conflict with the machine. */
    public boolean wouldApply() {
        return refusals.isEmpty() && !lint.isBlocking();
    }

    @Override
    public String toString() {
        return script;
    }
}
