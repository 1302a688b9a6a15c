package dev.cagent.lint;

/**
 * The catalogue of what lint looks for. The code of a finding is the rule's name; its severity is
 * fixed here so that a reader sees every rule and its weight in one place.
 */
public enum Rule {
    DENY_BLOCKS_HOME(Severity.ERROR, "a deny cuts the agent off from its own home"),
    DENY_BLOCKS_WORKSPACE(Severity.ERROR, "a deny cuts the agent off from the shared workspace"),
    DENY_CRITICAL_PATH(Severity.ERROR, "a deny on a path every process needs"),
    DENY_PRIVATE_VAR(Severity.WARNING, "a deny on /private/var or below breaks temp files, DNS or the time zone"),
    DENY_PRIVATE_ETC(Severity.WARNING, "a deny on /private/etc or below breaks the shell's startup, PATH or TLS"),
    DENY_TARGET_MISSING(Severity.ERROR, "a deny target does not exist on the machine"),
    DENY_INSIDE_AGENTS_REACH(Severity.ERROR, "a deny target lies in the agent's home or the workspace, where the agent can replace it"),
    AGENT_IS_ADMINISTRATOR(Severity.ERROR, "the agent's group is admin or wheel: it could become root"),
    PRIMARY_GROUP_STAFF(Severity.WARNING, "the agent's primary group is staff"),
    ID_IN_SYSTEM_RANGE(Severity.WARNING, "a UID or GID below 500, where Apple adds system accounts"),
    WORKSPACE_FILES_EXECUTABLE(Severity.ERROR, "the workspace's file mode makes every file executable or setuid/setgid"),
    WORKSPACE_NOT_GROUP_EDITABLE(Severity.WARNING, "the workspace's modes do not let the group edit"),
    WORKSPACE_NO_INHERITED_ACCESS(Severity.WARNING, "new workspace files depend on each creator's umask"),
    WORKSPACE_DEEP_IN_AGENTS_HOME(Severity.ERROR, "a directory the agent may rename lies on the workspace's path"),
    HOME_CLOSED_TO_GROUP(Severity.WARNING, "the human cannot reach a workspace inside the agent's home"),
    UMASK_MASKS_GROUP_WRITE(Severity.WARNING, "the human's umask keeps the group from editing new files"),
    UMASK_ONLY_INTERACTIVE(Severity.INFO, "a umask in a shell startup file reaches only that shell"),
    HOOK_EDITABLE_BY_AGENT(Severity.WARNING, "the agent can switch the hook off"),
    SEATBELT_NO_WORKSPACE_WRITE(Severity.ERROR, "the Seatbelt profile keeps the agent from writing the workspace"),
    SEATBELT_NO_HOME_WRITE(Severity.WARNING, "the Seatbelt profile keeps the agent from writing its home"),
    SEATBELT_NO_TEMP_WRITE(Severity.WARNING, "the Seatbelt profile keeps the agent from writing the temporary directories"),
    SEATBELT_NETWORK_OFF(Severity.INFO, "programs in the Seatbelt profile have no network"),
    SEATBELT_NESTED_SANDBOX(Severity.INFO, "tools that sandbox themselves fail inside the Seatbelt profile"),
    PASSWORD_SET(Severity.INFO, "the agent account has a password");

    private final Severity severity;
    private final String title;

    Rule(Severity severity, String title) {
        this.severity = severity;
        this.title = title;
    }

    public Severity severity() {
        return severity;
    }

    public String title() {
        return title;
    }
}
