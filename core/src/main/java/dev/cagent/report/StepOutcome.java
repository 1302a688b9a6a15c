package dev.cagent.report;

/** What happened to one step. */
public enum StepOutcome {
    /** The machine already matched: nothing written. */
    UNCHANGED,
    /** Writes ran and the read-back matched. */
    CHANGED,
    /** A write failed, or the read-back did not match. */
    FAILED,
    /** Changed in this run, then taken back because a later step failed. */
    ROLLED_BACK,
    /** Not attempted because an earlier step failed. */
    NOT_REACHED,
    /** Left out on purpose (e.g. a deny target that does not exist, with its risk accepted). */
    SKIPPED
}
