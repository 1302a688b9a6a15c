package dev.cagent.report;

import dev.cagent.Step;

/** Follows an apply as it runs, e.g. to show progress in an IDE. Every method has a no-op default. */
public interface ApplyListener {

    ApplyListener NONE = new ApplyListener() {
    };

    /** Before a step's writes run (only steps with something to change). */
    default void stepStarted(Step step) {
    }

    /** After each command, read or write. */
    default void commandFinished(ExecutedCommand command) {
    }

    /** After a step ends, whatever its outcome (also for steps a failure kept apply from reaching). */
    default void stepFinished(StepReport report) {
    }

    /** When a failure later in the run made apply take back this step's changes. */
    default void stepRolledBack(StepReport report) {
    }
}
