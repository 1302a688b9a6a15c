package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.MacPaths;
import dev.cagent.SharedWorkspace;
import dev.cagent.UserAccount;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandRunner;
import dev.cagent.exec.RunningCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Starts a program as the caged agent: through {@code sudo -n -u AGENT -H}, with a clean
 * environment (never the human's TMPDIR, tokens or PATH), umask 002, the workspace as working
 * directory, and git told that the workspace is safe although another account owns it.
 *
 * <pre>{@code
 * RunningCommand claude = backend.launcher(plan).start(List.of("/opt/homebrew/bin/claude"));
 * }</pre>
 */
public final class AgentLauncher {

    /** The PATH the agent starts with: the system's, like a fresh login's before path_helper. */
    public static final String DEFAULT_PATH = "/usr/bin:/bin:/usr/sbin:/sbin";

    /** Fixed shell text: operands arrive as positional parameters, never pasted into it. */
    static final String LAUNCH_SCRIPT = "umask 002; mkdir -p -m 700 \"$TMPDIR\" && cd \"$1\" && shift && exec \"$@\"";

    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final CommandRunner runner;
    private final CagePlan plan;
    private final String path;
    private final Map<String, String> extraEnvironment;

    AgentLauncher(CommandRunner runner, CagePlan plan) {
        this(runner, plan, DEFAULT_PATH, Map.of());
    }

    private AgentLauncher(CommandRunner runner, CagePlan plan, String path, Map<String, String> extraEnvironment) {
        this.runner = runner;
        this.plan = plan;
        this.path = path;
        this.extraEnvironment = Map.copyOf(extraEnvironment);
    }

    /** The agent's PATH, e.g. to add {@code /opt/homebrew/bin}: absolute directories separated by ':'. */
    public AgentLauncher withPath(String newPath) {
        for (String dir : newPath.split(":", -1)) {
            MacPaths.check("PATH entry", dir);
        }
        return new AgentLauncher(runner, plan, newPath, extraEnvironment);
    }

    /** More variables for the agent (not secrets: the values are visible in the process list). */
    public AgentLauncher withEnvironment(Map<String, String> variables) {
        Map<String, String> all = new LinkedHashMap<>(extraEnvironment);
        variables.forEach((k, v) -> {
            if (!VARIABLE.matcher(k).matches()) {
                throw new IllegalArgumentException("environment variable name '" + k + "' is invalid: use letters, digits and _");
            }
            Objects.requireNonNull(v, "value of " + k);
            if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("environment variable " + k + " has a control character in its value: remove it");
            }
            all.put(k, v);
        });
        return new AgentLauncher(runner, plan, path, all);
    }

    /** The directory the agent starts in: the workspace, or its home when the plan has none. */
    public String workingDirectory() {
        return plan.step(SharedWorkspace.class).map(SharedWorkspace::path).orElse(plan.user().home());
    }

    /** The agent's own temporary directory, inside its home (the human's TMPDIR is closed to it). */
    public String temporaryDirectory() {
        return plan.user().home() + "/.cagent-tmp";
    }

    /** The exact command that runs {@code program} (absolute path first) as the agent. */
    public Command command(List<String> program) {
        if (program.isEmpty() || !program.get(0).startsWith("/")) {
            throw new IllegalArgumentException("give the program by absolute path, e.g. /opt/homebrew/bin/claude, so that no PATH lookup decides what runs");
        }
        UserAccount user = plan.user();
        List<String> argv = new ArrayList<>(List.of(MacCommands.SUDO, "-n", "-u", user.name(), "-H", "--", MacCommands.ENV, "-i"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", user.home());
        env.put("USER", user.name());
        env.put("LOGNAME", user.name());
        env.put("SHELL", user.shell());
        env.put("PATH", path);
        env.put("TMPDIR", temporaryDirectory());
        env.put("LANG", "en_US.UTF-8");
        plan.step(SharedWorkspace.class).ifPresent(ws -> {
            env.put("GIT_CONFIG_COUNT", "1");
            env.put("GIT_CONFIG_KEY_0", "safe.directory");
            env.put("GIT_CONFIG_VALUE_0", ws.path());
        });
        env.putAll(extraEnvironment);
        env.forEach((k, v) -> argv.add(k + "=" + v));
        argv.addAll(List.of(MacCommands.SH, "-c", LAUNCH_SCRIPT, "sh", workingDirectory()));
        argv.addAll(program);
        return new Command(argv, dev.cagent.exec.Stdin.none(), Map.of(), null, Duration.ofDays(365), Command.Effect.WRITE);
    }

    /**
     * The command for Claude Code at {@code claudePath}: with {@code --settings} naming the
     * root-owned settings file when the plan keeps the hook there, so the agent cannot drop it.
     */
    public Command claudeCode(String claudePath, String... arguments) {
        List<String> program = new ArrayList<>();
        program.add(claudePath);
        plan.step(ClaudeCodeHook.class)
                .filter(h -> h.location() == ClaudeCodeHook.Location.ROOT_OWNED)
                .ifPresent(h -> program.addAll(List.of("--settings", h.settingsFile())));
        program.addAll(List.of(arguments));
        return command(program);
    }

    /** Starts {@code program} as the agent; the host reads and writes its streams. */
    public RunningCommand start(List<String> program) {
        return runner.start(command(program));
    }
}
