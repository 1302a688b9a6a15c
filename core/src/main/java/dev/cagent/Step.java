package dev.cagent;

/**
 * One part of a cage. The built-in steps are records; third parties add their own through
 * {@link CustomStep}. A backend decides, per step, what to read, what to change and how to undo it.
 */
public sealed interface Step
        permits UserAccount, CollaborationGroup, HomeDirectory, AccessDenial, SharedWorkspace, ShellUmask, ClaudeCodeHook, SeatbeltProfile,
        CustomStep {

    /** A short description for reports and previews, e.g. {@code "user meeseeks"}. */
    String describe();
}
