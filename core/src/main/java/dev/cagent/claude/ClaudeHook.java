package dev.cagent.claude;

import dev.cagent.ClaudeCodeHook;
import dev.cagent.exec.ShellQuoting;

/**
 * The command of cagent's Claude Code {@code PostToolUse} hook: after the agent writes a file, make
 * it readable and writable by its group, so that the human in the collaboration group can edit it.
 *
 * <p>It corrects the hook of the setup cagent automates: the matcher also covers
 * {@code MultiEdit} and {@code NotebookEdit} (whose path is {@code tool_input.notebook_path});
 * {@code chmod g+rw} adds the group's rights and leaves execute bits alone where {@code chmod 664}
 * stripped them; a missing path means no action instead of {@code chmod} on the word
 * {@code null}; jq is called by absolute path, since a hook's PATH may not hold it.
 *
 * <p>The command only acts on an absolute path naming an existing regular file that is not a
 * symbolic link, and always exits 0 without output: a hook that fails or prints would disturb
 * the agent's session for a file-mode convenience. It runs as the agent, so a file swapped for a
 * link between the test and {@code chmod} can only lead to a file the agent could change anyway;
 * the same holds for a linked directory earlier in the path, which the test does not look at
 * ({@code chmod} needs the file's owner, and the agent owns only its own files).
 */
public final class ClaudeHook {

    /** The tools that write files; a matcher of names and {@code |} is an exact list, not a regex. */
    public static final String MATCHER = "Write|Edit|MultiEdit|NotebookEdit";

    /** Seconds Claude Code waits for the hook. */
    public static final int TIMEOUT_SECONDS = 10;

    /**
     * The first words of every cagent hook command: {@code :} is the shell's null command, so the
     * marker does nothing but lets cagent find its own hook again whatever jq path it names.
     */
    public static final String MARKER = ": cagent-share-hook;";

    /**
     * The jq program, run with {@code -n} on the first JSON text only (two texts would print two
     * paths run together, naming a third file): the first path field present, only when it is an
     * absolute path without NUL (a shell would silently drop it and name another file) or U+FFFD
     * (what jq makes of bytes that are not UTF-8: another file's name), followed by a '.' so that
     * the command substitution cannot strip a trailing newline that belongs to the name.
     */
    private static final String JQ_FILTER = "input | (.tool_input.file_path // .tool_input.notebook_path // .tool_response.filePath // empty)"
            + " | strings | select(startswith(\"/\") and (explode | all(. != 0 and . != 65533))) | . + \".\"";

    private ClaudeHook() {
    }

    /**
     * The hook's POSIX {@code sh} command line, reading Claude Code's hook input on stdin.
     *
     * @param jqPath absolute path of jq on the machine (checked: no quotes, backslashes or
     *               control characters)
     * @throws dev.cagent.InvalidPlanException naming the path when it is unusable
     */
    public static String command(String jqPath) {
        String jq = ShellQuoting.quote(ClaudeCodeHook.checkJqPath(jqPath));
        return MARKER
                + " f=$(" + jq + " -n -j '" + JQ_FILTER + "' 2>/dev/null) || exit 0;"
                + " f=${f%.};"
                + " [ -n \"$f\" ] && [ -f \"$f\" ] && [ ! -L \"$f\" ] && /bin/chmod g+rw -- \"$f\" 2>/dev/null;"
                + " exit 0";
    }

    /** True when {@code command} is a cagent hook command, whichever jq path it names. */
    public static boolean isCagentHook(String command) {
        return command != null && command.startsWith(MARKER);
    }
}
