package dev.cagent.testkit;

/** What the person at the Mac answers when {@code osascript} asks for an administrator's password. */
public enum AdminPromptAnswer {
    /** Types the password: the script runs as root. */
    APPROVE,
    /** Clicks Cancel: {@code osascript} fails with {@code User canceled. (-128)}. */
    CANCEL
}
