package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.MacPaths;
import dev.cagent.SeatbeltProfile;
import dev.cagent.SharedWorkspace;
import dev.cagent.Texts;
import dev.cagent.UserAccount;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandRunner;
import dev.cagent.exec.RunningCommand;
import dev.cagent.seatbelt.SeatbeltPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Starts a program as the caged agent: through {@code sudo -n -u AGENT -H}, with a clean
 * environment (never the human's TMPDIR, tokens or PATH), umask 002, the workspace as working
 * directory, and git told that the workspace is safe although another account owns it. When the
 * plan has a {@link SeatbeltProfile}, the wrapper execs {@code /usr/bin/sandbox-exec -f PROFILE
 * -D NAME=PATH... PROGRAM ARGS...}, so that umask and directory are set first and the program
 * and everything it starts run under the profile; if sandbox-exec cannot apply it, nothing runs:
 * there is no path that starts the program without it. The environment holds only what the
 * launcher sets and what {@link #withEnvironment} adds, in that order, so the same launcher
 * always gives the same command.
 *
 * <pre>{@code
 * RunningCommand claude = backend.launcher(plan).startClaudeCode("/opt/homebrew/bin/claude");
 * }</pre>
 */
public final class AgentLauncher {

    /** The PATH the agent starts with: the system's, like a fresh login's before path_helper. */
    public static final String DEFAULT_PATH = "/usr/bin:/bin:/usr/sbin:/sbin";

    /** Fixed shell text: operands arrive as positional parameters, never pasted into it. */
    static final String LAUNCH_SCRIPT = "umask 002; mkdir -p -m 700 \"$TMPDIR\" && cd \"$1\" && shift && exec \"$@\"";

    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Names whose values would be credentials: they would stand in argv, which every process can read. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL).*|.*_KEY|.*_AUTH|AUTH_.*");

    /**
     * Names the wrapper shell or the dynamic loader act on before the program runs: bash started
     * as sh imports SHELLOPTS and PS4 (xtrace with a command substitution runs code), reads ENV
     * or BASH_ENV as a startup file, splits on IFS; the loader injects libraries.
     */
    private static final Pattern STARTUP_NAME = Pattern.compile("SHELLOPTS|BASHOPTS|PS4|ENV|BASH_ENV|IFS|CDPATH|BASH_FUNC_.*|LD_.*|DYLD_.*");

    /** What the launcher sets itself: the cage's identity, its own TMPDIR, and (GIT_CONFIG_*) git's view of the workspace. */
    private static final Set<String> RESERVED = Set.of("HOME", "USER", "LOGNAME", "SHELL", "PATH", "TMPDIR");

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
        this.extraEnvironment = Collections.unmodifiableMap(new LinkedHashMap<>(extraEnvironment));
    }

    /** The agent's PATH, e.g. to add {@code /opt/homebrew/bin}: absolute directories separated by ':'. */
    public AgentLauncher withPath(String newPath) {
        if (newPath == null) {
            throw new IllegalArgumentException("PATH is missing (null): give absolute directories separated by ':', e.g. " + DEFAULT_PATH);
        }
        for (String dir : newPath.split(":", -1)) {
            MacPaths.check("PATH entry", dir);
        }
        return new AgentLauncher(runner, plan, newPath, extraEnvironment);
    }

    /**
     * More variables for the agent, e.g. {@code TERM} for an interactive tool (none of the host's
     * variables reach the agent unless given here). Refused: names that are not letters, digits
     * and {@code _}; values with control characters or leading or trailing blanks (the process
     * launcher would strip them); the variables the launcher sets itself; and names of
     * credentials ({@code ..._TOKEN}, {@code ..._API_KEY}...), since every value stands in argv,
     * which any process on the Mac can read: let the agent keep its own login instead
     * ({@code claude setup-token} run as the agent).
     */
    public AgentLauncher withEnvironment(Map<String, String> variables) {
        Map<String, String> all = new LinkedHashMap<>(extraEnvironment);
        variables.forEach((k, v) -> {
            if (k == null || !VARIABLE.matcher(k).matches()) {
                throw new IllegalArgumentException("environment variable name " + Texts.visible(k) + " is invalid: use letters, digits and _, not starting with a digit, e.g. TERM");
            }
            if (RESERVED.contains(k) || k.startsWith("GIT_CONFIG_")) {
                throw new IllegalArgumentException("environment variable " + k + " is set by the launcher for the cage"
                        + (k.equals("PATH") ? ": use withPath(...) to change it" : ": it cannot be replaced"));
            }
            if (STARTUP_NAME.matcher(k).matches()) {
                throw new IllegalArgumentException("environment variable " + k + " is read by the launch wrapper's shell or the dynamic loader before the"
                        + " program starts, where it could run code as the agent: set it inside the program's own configuration instead");
            }
            if (SECRET_NAME.matcher(k).matches()) {
                throw new IllegalArgumentException("environment variable " + k + " looks like a credential, and the launcher passes values in argv, which every process can read:"
                        + " let the agent keep its own login (run claude setup-token as the agent) instead");
            }
            if (v == null) {
                throw new IllegalArgumentException("environment variable " + k + " has no value (null): give a value, or leave it out");
            }
            if (Texts.firstControl(v) >= 0) {
                throw new IllegalArgumentException("environment variable " + k + " has a control character in its value " + Texts.visible(v) + ": remove it");
            }
            if (!v.strip().equals(v)) {
                throw new IllegalArgumentException("environment variable " + k + " has a leading or trailing blank in its value " + Texts.visible(v)
                        + ", which the process launcher would strip: remove it");
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
        if (program.isEmpty()) {
            throw new IllegalArgumentException("no program given: name it by absolute path, e.g. /opt/homebrew/bin/claude");
        }
        if (program.get(0) == null || !program.get(0).startsWith("/")) {
            throw new IllegalArgumentException("program " + Texts.visible(program.get(0)) + " is not an absolute path: give it as one, e.g. /opt/homebrew/bin/claude,"
                    + " so that no PATH lookup decides what runs as the agent");
        }
        // normalised (no "..", ".", "//" or trailing "/"; composed), so that what the Seatbelt check reads is what runs
        String programPath = MacPaths.check("program", program.get(0));
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
        plan.step(SeatbeltProfile.class).ifPresent(profile -> argv.addAll(sandboxed(profile, programPath)));
        argv.add(programPath);
        argv.addAll(program.subList(1, program.size()));
        return new Command(argv, dev.cagent.exec.Stdin.none(), Map.of(), null, Duration.ofDays(365), Command.Effect.WRITE);
    }

    /**
     * {@code sandbox-exec -f PROFILE -D NAME=PATH...}, the words that put the program under the
     * profile; refused when the profile would not let the agent read the program itself, which
     * sandbox-exec could then not start.
     */
    private static List<String> sandboxed(SeatbeltProfile profile, String programPath) {
        if (!SeatbeltPolicy.allowsReading(profile, programPath)) {
            throw new IllegalArgumentException("the Seatbelt profile " + profile.profileFile() + " does not let the agent read " + programPath
                    + ", so it could not start it: add its directory with seatbeltReadable(...) to the plan and apply it, e.g. seatbeltReadable(\""
                    + MacPaths.parent(programPath) + "\")");
        }
        List<String> words = new ArrayList<>(List.of(MacCommands.SANDBOX_EXEC, "-f", profile.profileFile()));
        SeatbeltPolicy.parameters(profile).forEach((name, path) -> words.addAll(List.of("-D", name + "=" + path)));
        return words;
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

    /**
     * Starts {@code program} as the agent; the host reads and writes its streams. For Claude Code
     * use {@link #startClaudeCode}: this starts exactly the argv given, without the settings file
     * that holds the hook when the plan keeps it root-owned.
     */
    public RunningCommand start(List<String> program) {
        return runner.start(command(program));
    }

    /** Starts Claude Code as the agent, as {@link #claudeCode} gives it; the host reads and writes its streams. */
    public RunningCommand startClaudeCode(String claudePath, String... arguments) {
        return runner.start(claudeCode(claudePath, arguments));
    }
}
