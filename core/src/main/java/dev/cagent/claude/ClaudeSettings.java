package dev.cagent.claude;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Claude Code settings file ({@code settings.json}), parsed strictly, into which cagent merges
 * its hook and out of which it removes it again, leaving everything else as it was: every other
 * key and value in its order, numbers in their exact text ({@code 1.10}, {@code 1e5}), unicode
 * and {@code < > & = '} unescaped, the file's indentation (two spaces, four, or a tab), line
 * endings and final newline. Immutable; pure (no file access: the caller reads and writes).
 *
 * <p>cagent's hook is the hook object whose command {@link ClaudeHook#isCagentHook is cagent's},
 * in a matcher group of {@code hooks.PostToolUse}. Hooks in other groups or events are never
 * touched.
 */
public final class ClaudeSettings {

    private static final String HOOKS = "hooks";
    private static final String POST_TOOL_USE = "PostToolUse";
    private static final String DISABLE_ALL_HOOKS = "disableAllHooks";

    private final JsonValue.Obj root;
    private final SettingsJson.Format format;

    private ClaudeSettings(JsonValue.Obj root, SettingsJson.Format format) {
        this.root = root;
        this.format = format;
    }

    /**
     * Parses a settings file's text: strict JSON (no comments, no trailing commas), an object at
     * the top level, no name twice in one object, and {@code hooks} (when present) an object whose
     * {@code PostToolUse} (when present) is an array.
     *
     * @throws SettingsParseException with the line, column and a fix; the message never quotes
     *                                the file
     */
    public static ClaudeSettings parse(String json) {
        Objects.requireNonNull(json, "json");
        return new ClaudeSettings(SettingsJson.read(json), SettingsJson.Format.of(json));
    }

    /** No settings yet: {@code {}}, written in Claude Code's own style. */
    public static ClaudeSettings empty() {
        return new ClaudeSettings(new JsonValue.Obj(List.of()), SettingsJson.Format.DEFAULT);
    }

    /** True when {@code hooks.PostToolUse} holds cagent's hook, with whatever jq path. */
    public boolean hasCagentHook() {
        return postToolUse().stream().anyMatch(ClaudeSettings::holdsCagentHook);
    }

    /** True when these settings switch every hook off, cagent's included: {@code "disableAllHooks": true}. */
    public boolean disablesAllHooks() {
        return root.get(DISABLE_ALL_HOOKS).orElse(null) instanceof JsonValue.Bool disabled && disabled.value();
    }

    /**
     * These settings with cagent's hook in {@code hooks.PostToolUse}, and without a
     * {@code "disableAllHooks": true}, which would switch it off: a group
     * {@code {"matcher": MATCHER, "hooks": [{"type": "command", "command": ..., "timeout": 10}]}}.
     * <ul>
     *   <li>No cagent hook yet: the group is appended (creating {@code hooks} and
     *       {@code PostToolUse} at the end of their parents when missing).</li>
     *   <li>The first group holding a cagent hook is exactly that group, and no other cagent hook
     *       exists: the same settings are returned, so applying twice changes nothing.</li>
     *   <li>Otherwise (another jq path, another matcher or timeout, copies): every cagent hook is
     *       taken out of its group, and the group is put where the first one was; a group that
     *       also held hooks of others keeps them, and cagent's group follows it.</li>
     * </ul>
     *
     * @param jqPath absolute path of jq, see {@link ClaudeHook#command(String)}
     */
    public ClaudeSettings withCagentHook(String jqPath) {
        JsonValue.Obj group = cagentGroup(ClaudeHook.command(jqPath));
        List<JsonValue> groups = postToolUse();
        List<JsonValue> holders = groups.stream().filter(ClaudeSettings::holdsCagentHook).toList();
        boolean alreadyThere = holders.size() == 1 && holders.get(0).equals(group) && cagentHookCount(group) == 1;
        ClaudeSettings hooksOn = disablesAllHooks() ? new ClaudeSettings(root.without(DISABLE_ALL_HOOKS), format) : this;
        if (alreadyThere) {
            return hooksOn;
        }
        return hooksOn.withPostToolUse(replaceCagentHooks(groups, Optional.of(group)));
    }

    /**
     * These settings without cagent's hook: every hook object in {@code hooks.PostToolUse} whose
     * command is cagent's is removed, and so is a matcher group that this leaves with no hooks.
     * When that leaves {@code PostToolUse} empty it is removed, and then {@code hooks} when that
     * leaves it empty; containers that were empty before are kept. So a file cagent extended gets
     * its original content back, except that a {@code "hooks": {}} or {@code "PostToolUse": []}
     * that was empty before cagent's hook went in goes too (Claude Code reads both the same as
     * absent). Returns these same settings when there is no cagent hook.
     */
    public ClaudeSettings withoutCagentHook() {
        if (!hasCagentHook()) {
            return this;
        }
        return withPostToolUse(replaceCagentHooks(postToolUse(), Optional.empty()));
    }

    /** The settings as JSON text, in the layout of the parsed file. */
    public String toJson() {
        return SettingsJson.write(root, format);
    }

    private List<JsonValue> postToolUse() {
        return root.get(HOOKS).flatMap(h -> ((JsonValue.Obj) h).get(POST_TOOL_USE))
                .map(p -> ((JsonValue.Arr) p).elements()).orElse(List.of());
    }

    /** The groups with every cagent hook taken out; {@code replacement} goes where the first one was. */
    private static List<JsonValue> replaceCagentHooks(List<JsonValue> groups, Optional<JsonValue.Obj> replacement) {
        List<JsonValue> result = new ArrayList<>();
        boolean replaced = false;
        for (JsonValue group : groups) {
            if (!holdsCagentHook(group)) {
                result.add(group);
                continue;
            }
            JsonValue.Obj obj = (JsonValue.Obj) group;
            List<JsonValue> othersHooks = hookObjects(obj).stream().filter(h -> !isCagentHookObject(h)).toList();
            if (!othersHooks.isEmpty()) {
                result.add(obj.with(HOOKS, new JsonValue.Arr(othersHooks)));
            }
            if (!replaced) {
                replacement.ifPresent(result::add);
                replaced = true;
            }
        }
        if (!replaced) {
            replacement.ifPresent(result::add);
        }
        return result;
    }

    private ClaudeSettings withPostToolUse(List<JsonValue> groups) {
        JsonValue.Obj hooks = root.get(HOOKS).map(JsonValue.Obj.class::cast).orElse(new JsonValue.Obj(List.of()));
        hooks = groups.isEmpty() ? hooks.without(POST_TOOL_USE) : hooks.with(POST_TOOL_USE, new JsonValue.Arr(groups));
        JsonValue.Obj changed = hooks.members().isEmpty() ? root.without(HOOKS) : root.with(HOOKS, hooks);
        return new ClaudeSettings(changed, format);
    }

    private static JsonValue.Obj cagentGroup(String command) {
        JsonValue.Obj hook = new JsonValue.Obj(List.of(
                new JsonValue.Member("type", new JsonValue.Str("command")),
                new JsonValue.Member("command", new JsonValue.Str(command)),
                new JsonValue.Member("timeout", new JsonValue.Num(Integer.toString(ClaudeHook.TIMEOUT_SECONDS)))));
        return new JsonValue.Obj(List.of(
                new JsonValue.Member("matcher", new JsonValue.Str(ClaudeHook.MATCHER)),
                new JsonValue.Member(HOOKS, new JsonValue.Arr(List.of(hook)))));
    }

    /** A group's hook list; empty when the group is not an object or has no {@code hooks} array. */
    private static List<JsonValue> hookObjects(JsonValue group) {
        if (group instanceof JsonValue.Obj obj && obj.get(HOOKS).orElse(null) instanceof JsonValue.Arr hooks) {
            return hooks.elements();
        }
        return List.of();
    }

    private static boolean holdsCagentHook(JsonValue group) {
        return cagentHookCount(group) > 0;
    }

    private static long cagentHookCount(JsonValue group) {
        return hookObjects(group).stream().filter(ClaudeSettings::isCagentHookObject).count();
    }

    private static boolean isCagentHookObject(JsonValue hook) {
        return hook instanceof JsonValue.Obj obj && obj.get("command").orElse(null) instanceof JsonValue.Str command
                && ClaudeHook.isCagentHook(command.value());
    }

    /** Same JSON: the same names in the same order with equal values (numbers by value); layout does not count. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ClaudeSettings that && root.equals(that.root);
    }

    @Override
    public int hashCode() {
        return root.hashCode();
    }

    /** A summary; never the content, which may hold tokens in {@code env}. */
    @Override
    public String toString() {
        return "ClaudeSettings[" + root.members().size() + " top-level keys, cagent hook " + (hasCagentHook() ? "present" : "absent") + "]";
    }
}
