package dev.cagent;

import java.util.List;
import java.util.Objects;

/**
 * A Claude Code {@code PostToolUse} hook that makes every file the agent writes group-editable,
 * merged into one settings file.
 *
 * @param settingsFile the settings file to merge into
 * @param location     which kind of settings file it is
 * @param owner        the account that owns the file ({@code root} for {@link Location#ROOT_OWNED})
 * @param jqCandidates absolute paths where jq is looked for, in order; the first present is used
 */
public record ClaudeCodeHook(String settingsFile, Location location, String owner, List<String> jqCandidates) implements Step {

    /** Where the hook lives; the choice decides who can switch it off. */
    public enum Location {
        /** The agent's {@code ~/.claude/settings.json}: the default; the agent can edit it. */
        USER,
        /** The workspace's {@code .claude/settings.json}: shared with the project. */
        PROJECT,
        /** A root-owned file passed with {@code --settings} at launch: the agent cannot edit it. */
        ROOT_OWNED
    }

    /** Where jq is found on stock and Homebrew Macs. {@code /usr/bin/jq} ships from macOS 15. */
    public static final List<String> DEFAULT_JQ_CANDIDATES = List.of("/usr/bin/jq", "/opt/homebrew/bin/jq", "/usr/local/bin/jq");

    public ClaudeCodeHook {
        MacPaths.check("claude settings file", settingsFile);
        Objects.requireNonNull(location, "location");
        Names.checkShortName("claude settings owner", owner);
        jqCandidates = List.copyOf(jqCandidates);
        if (jqCandidates.isEmpty()) {
            throw new InvalidPlanException("jq", "no place to look for jq: give at least one absolute path, e.g. /usr/bin/jq");
        }
        jqCandidates.forEach(ClaudeCodeHook::checkJqPath);
    }

    /**
     * Checks a path where jq may be found: absolute and normalised like every path, and without
     * quotes or backslashes, because it is written into the hook's shell command inside a JSON
     * string, where such characters would need two layers of escaping to survive.
     *
     * @return the path, in NFC
     */
    public static String checkJqPath(String path) {
        String checked = MacPaths.check("jq", path);
        for (char c : new char[] {'\'', '"', '\\'}) {
            if (checked.indexOf(c) >= 0) {
                throw new InvalidPlanException("jq", "path " + Texts.visible(checked) + " contains " + (c == '\\' ? "a backslash" : "the quote " + c)
                        + ", which the hook command cannot carry unaltered: install or link jq at a path without quotes or backslashes, e.g. /usr/local/bin/jq");
            }
        }
        return checked;
    }

    @Override
    public String describe() {
        return "Claude Code hook in " + settingsFile;
    }
}
