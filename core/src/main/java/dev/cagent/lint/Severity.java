package dev.cagent.lint;

/** How much a finding matters. */
public enum Severity {
    /** Refuses to apply unless the plan accepts the risk by code. */
    ERROR,
    /** Reported; does not stop apply. */
    WARNING,
    /** Advice. */
    INFO
}
