package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.MacPaths;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.RunningCommand;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.cagent.macos.CoopFixture.AGENT;
import static dev.cagent.macos.CoopFixture.GROUP;
import static dev.cagent.macos.CoopFixture.HUMAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Starting a program as the caged agent: the exact command, a clean environment, and refusals. */
class LauncherTest {

    static final String WORKSHOP = "/Users/meeseeks/workshop";
    static final String ROOT_SETTINGS = "/Library/Application Support/cagent/meeseeks/claude-settings.json";
    static final String CLAUDE = "/opt/homebrew/bin/claude";

    final CoopFixture coop = new CoopFixture();
    final CagePlan plan = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).workspace(WORKSHOP)
            .claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED).build();
    final AgentLauncher launcher = coop.backend.launcher(plan);

    /** The words before the program: sudo, the clean environment, the wrapper that sets umask and directory. */
    static List<String> prefix(String... extraEnvironment) {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/sudo", "-n", "-u", "meeseeks", "-H", "--", "/usr/bin/env", "-i",
                "HOME=/Users/meeseeks", "USER=meeseeks", "LOGNAME=meeseeks", "SHELL=/bin/zsh", "PATH=/usr/bin:/bin:/usr/sbin:/sbin",
                "TMPDIR=/Users/meeseeks/.cagent-tmp", "LANG=en_US.UTF-8",
                "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=safe.directory", "GIT_CONFIG_VALUE_0=" + WORKSHOP));
        argv.addAll(List.of(extraEnvironment));
        argv.addAll(List.of("/bin/sh", "-c", "umask 002; mkdir -p -m 700 \"$TMPDIR\" && cd \"$1\" && shift && exec \"$@\"", "sh", WORKSHOP));
        return argv;
    }

    static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    @Test
    void theCommandIsExactlyWhatAMacRuns() {
        Command command = launcher.command(List.of("/usr/bin/git", "status", "--short"));
        assertEquals(concat(prefix(), "/usr/bin/git", "status", "--short"), command.argv());
        assertEquals(Map.of(), command.environment(), "nothing of the host's environment is handed on");
        assertEquals(Command.Effect.WRITE, command.effect());
        assertEquals("/usr/bin/sudo -n -u meeseeks -H -- /usr/bin/env -i HOME=/Users/meeseeks USER=meeseeks LOGNAME=meeseeks SHELL=/bin/zsh"
                        + " PATH=/usr/bin:/bin:/usr/sbin:/sbin TMPDIR=/Users/meeseeks/.cagent-tmp LANG=en_US.UTF-8 GIT_CONFIG_COUNT=1"
                        + " GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0=/Users/meeseeks/workshop"
                        + " /bin/sh -c 'umask 002; mkdir -p -m 700 \"$TMPDIR\" && cd \"$1\" && shift && exec \"$@\"' sh /Users/meeseeks/workshop"
                        + " /usr/bin/git status --short",
                command.toShellLine());
    }

    @Test
    void claudeCodeGetsTheRootOwnedSettingsFile() {
        assertEquals(concat(prefix(), CLAUDE, "--settings", ROOT_SETTINGS, "--continue"), launcher.claudeCode(CLAUDE, "--continue").argv());
    }

    @Test
    void claudeCodeWithTheHookInItsOwnSettingsNeedsNoSettingsArgument() {
        CagePlan userHook = plan.toBuilder().claudeCodeHook().build();
        assertEquals(concat(prefix(), CLAUDE), coop.backend.launcher(userHook).claudeCode(CLAUDE).argv());
    }

    static final String PROFILE = "/Library/Application Support/cagent/meeseeks/seatbelt.sb";

    /** The words that put a program under the plan's Seatbelt profile, each path a parameter. */
    static List<String> sandboxExec() {
        return List.of("/usr/bin/sandbox-exec", "-f", PROFILE,
                "-D", "WRITABLE_ROOT_0=/Users/meeseeks", "-D", "WRITABLE_ROOT_1=" + WORKSHOP,
                "-D", "WRITABLE_ROOT_2=/private/tmp", "-D", "WRITABLE_ROOT_3=/private/var/folders",
                "-D", "READABLE_0=/opt/homebrew", "-D", "READABLE_1=/Library/Application Support/ClaudeCode", "-D", "READABLE_2=" + ROOT_SETTINGS);
    }

    @Test
    void withASeatbeltProfileTheWrapperExecsSandboxExecWithEveryPathAsAParameter() {
        AgentLauncher sandboxed = coop.backend.launcher(plan.toBuilder().seatbelt().build());
        List<String> expected = new ArrayList<>(prefix());
        expected.addAll(sandboxExec());
        expected.addAll(List.of("/usr/bin/git", "status"));
        assertEquals(expected, sandboxed.command(List.of("/usr/bin/git", "status")).argv());
        assertTrue(sandboxed.command(List.of("/usr/bin/git")).toShellLine().contains(" sh /Users/meeseeks/workshop /usr/bin/sandbox-exec -f '" + PROFILE
                + "' -D WRITABLE_ROOT_0=/Users/meeseeks"), "umask and directory are set before sandbox-exec runs the program");
    }

    @Test
    void claudeCodeRunsInTheSeatbeltProfileWithItsRootOwnedSettings() {
        AgentLauncher sandboxed = coop.backend.launcher(plan.toBuilder().seatbelt().build());
        List<String> expected = new ArrayList<>(prefix());
        expected.addAll(sandboxExec());
        expected.addAll(List.of(CLAUDE, "--settings", ROOT_SETTINGS, "--continue"));
        assertEquals(expected, sandboxed.claudeCode(CLAUDE, "--continue").argv());
        List<String> configured = sandboxed.withEnvironment(Map.of("TERM", "xterm-256color")).withPath("/opt/homebrew/bin:/usr/bin:/bin").claudeCode(CLAUDE).argv();
        assertEquals(sandboxExec(), configured.subList(configured.indexOf("/usr/bin/sandbox-exec"), configured.indexOf(CLAUDE)), "every launcher keeps the profile");
    }

    @Test
    void aProgramTheProfileCannotReadIsRefusedNeverStartedWithoutIt() {
        AgentLauncher sandboxed = coop.backend.launcher(plan.toBuilder().seatbelt().build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sandboxed.command(List.of("/Applications/Tool.app/Contents/MacOS/tool")));
        assertEquals("the Seatbelt profile " + PROFILE + " does not let the agent read /Applications/Tool.app/Contents/MacOS/tool, so it could not start it:"
                + " add its directory with seatbeltReadable(...) to the plan and apply it, e.g. seatbeltReadable(\"/Applications/Tool.app/Contents/MacOS\")",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sandboxed.claudeCode("/Users/alice/bin/claude"), "the human's home is closed to the agent");
        assertEquals(0, coop.mac.recorded().stream().filter(RecordedCommand::started).count());
        AgentLauncher readable = coop.backend.launcher(plan.toBuilder().seatbeltReadable("/Applications/Tool.app").build());
        assertTrue(readable.command(List.of("/Applications/Tool.app/Contents/MacOS/tool")).argv().contains("READABLE_2=/Applications/Tool.app"));
    }

    @Test
    void theFakeMacRecordsTheSandboxedLaunchWithoutRunningIt() throws Exception {
        AgentLauncher sandboxed = coop.backend.launcher(plan.toBuilder().seatbelt().build());
        RunningCommand process = sandboxed.start(List.of(CLAUDE));
        assertEquals(0, process.waitFor());
        List<RecordedCommand> started = coop.mac.recorded().stream().filter(RecordedCommand::started).toList();
        assertEquals(List.of(sandboxed.command(List.of(CLAUDE)).argv()), started.stream().map(RecordedCommand::argv).toList());
    }

    @Test
    void withoutAWorkspaceTheAgentStartsInItsHomeAndGitIsNotTold() {
        CagePlan noWorkspace = Cage.forUser(AGENT).collaborationGroup(GROUP).build();
        AgentLauncher home = coop.backend.launcher(noWorkspace);
        List<String> argv = home.command(List.of("/usr/bin/true")).argv();
        assertEquals("/Users/meeseeks", home.workingDirectory());
        assertEquals(List.of("sh", "/Users/meeseeks", "/usr/bin/true"), argv.subList(argv.size() - 3, argv.size()));
        assertFalse(argv.stream().anyMatch(a -> a.startsWith("GIT_CONFIG")), argv.toString());
    }

    @Test
    void startRecordsTheCommandOnTheFakeMacAndHandsBackItsStreams() throws Exception {
        RunningCommand process = launcher.start(List.of(CLAUDE, "--continue"));
        assertEquals(0, process.waitFor());
        List<RecordedCommand> started = coop.mac.recorded().stream().filter(RecordedCommand::started).toList();
        assertEquals(1, started.size());
        assertEquals(concat(prefix(), CLAUDE, "--continue"), started.get(0).argv());
        assertEquals(HUMAN, started.get(0).caller());
        assertEquals(Map.of(), started.get(0).environment());
        process.stdin().write("hello\n".getBytes());
        assertEquals(-1, process.stdout().read());
    }

    @Test
    void startClaudeCodeStartsItWithTheRootOwnedSettingsThatHoldTheHook() throws Exception {
        RunningCommand process = launcher.startClaudeCode(CLAUDE, "--continue");
        assertEquals(0, process.waitFor());
        List<RecordedCommand> started = coop.mac.recorded().stream().filter(RecordedCommand::started).toList();
        assertEquals(List.of(concat(prefix(), CLAUDE, "--settings", ROOT_SETTINGS, "--continue")), started.stream().map(RecordedCommand::argv).toList());
    }

    @Test
    void noHostVariableReachesTheAgentUnlessGiven() {
        List<String> variables = environmentOf(launcher.command(List.of(CLAUDE)).argv());
        assertEquals(List.of("HOME", "USER", "LOGNAME", "SHELL", "PATH", "TMPDIR", "LANG", "GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"),
                variables.stream().map(v -> v.substring(0, v.indexOf('='))).toList());
        String hostTemporary = System.getenv("TMPDIR");
        assertFalse(hostTemporary != null && variables.contains("TMPDIR=" + hostTemporary));
        assertTrue(variables.contains("TMPDIR=/Users/meeseeks/.cagent-tmp"), "the agent's own, never the human's /var/folders one");
        assertEquals("/Users/meeseeks/.cagent-tmp", launcher.temporaryDirectory());
    }

    @Test
    void addedVariablesAndPathComeInTheOrderGivenAndTheOriginalLauncherStaysAsItWas() {
        Map<String, String> added = new LinkedHashMap<>();
        added.put("TERM", "xterm-256color");
        added.put("COLORTERM", "truecolor");
        added.put("NO_COLOR", "");
        added.put("LANG", "de_DE.UTF-8");
        AgentLauncher more = launcher.withEnvironment(added).withPath("/opt/homebrew/bin:/usr/bin:/bin");
        List<String> variables = environmentOf(more.command(List.of(CLAUDE)).argv());
        assertEquals(List.of("HOME=/Users/meeseeks", "USER=meeseeks", "LOGNAME=meeseeks", "SHELL=/bin/zsh", "PATH=/opt/homebrew/bin:/usr/bin:/bin",
                "TMPDIR=/Users/meeseeks/.cagent-tmp", "LANG=de_DE.UTF-8", "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=safe.directory",
                "GIT_CONFIG_VALUE_0=" + WORKSHOP, "TERM=xterm-256color", "COLORTERM=truecolor", "NO_COLOR="), variables);
        assertEquals(concat(prefix(), CLAUDE), launcher.command(List.of(CLAUDE)).argv());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1TERM", "MY-VAR", "A=B", "", "HOME", "USER", "LOGNAME", "SHELL", "PATH", "TMPDIR", "GIT_CONFIG_COUNT",
            "GIT_CONFIG_KEY_1", "ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN", "GITHUB_TOKEN", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY"})
    void refusedVariableNames(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> launcher.withEnvironment(Map.of(name, "s3cr3t-value")));
        assertTrue(e.getMessage().contains(name.isEmpty() ? "''" : name), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t-value"), "the value is never quoted: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "tab\there", "nul\u0000", "del\u007f", "esc\u001b[31m", " leading", "trailing "})
    void refusedVariableValues(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> launcher.withEnvironment(Map.of("TERM", value)));
        assertTrue(e.getMessage().startsWith("environment variable TERM has"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bin:/usr/bin", "/usr/bin::/bin", "/usr/bin:", "~/bin:/usr/bin", "/usr/bin:/opt/../bin"})
    void refusedPaths(String path) {
        assertThrows(IllegalArgumentException.class, () -> launcher.withPath(path));
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "./claude", "~/bin/claude", "bin/claude"})
    void aProgramNotGivenByAbsolutePathIsRefused(String program) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> launcher.command(List.of(program, "--help")));
        assertTrue(e.getMessage().contains("'" + program + "' is not an absolute path"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> launcher.claudeCode(program));
    }

    @Test
    void anEmptyProgramIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> launcher.command(List.of()));
    }

    /**
     * The part after sudo, run for real with this machine's sh: umask 002, the workspace as the
     * working directory, a private TMPDIR made on the way, nothing of this process's environment,
     * and every argument arriving unaltered (no shell expansion of what the host passes).
     */
    @Test
    void theWrapperSetsUmaskDirectoryAndTemporaryDirectoryAndPassesArgumentsUnaltered() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/env")) && Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX sh and env");
        Path root = realDirectoryMacPathsKeep();
        Path home = root.resolve("home");
        Path workspace = home.resolve("workshop");
        Files.createDirectories(workspace);
        Files.deleteIfExists(home.resolve(".cagent-tmp"));
        Path marker = root.resolve("expanded");
        Files.deleteIfExists(marker);
        CagePlan local = Cage.forUser(AGENT).home(home.toString()).collaborationGroup(GROUP).workspace(workspace.toString()).build();
        String report = "printf 'umask=%s\\n' \"$(umask)\"; printf 'pwd=%s\\n' \"$(pwd)\"; ls -ld \"$TMPDIR\" | cut -c1-10;"
                + " /usr/bin/env | sort | grep -v -e '^PWD=' -e '^OLDPWD=' -e '^SHLVL=' -e '^_='; for a in \"$@\"; do printf 'arg=[%s]\\n' \"$a\"; done";
        Command command = coop.backend.launcher(local).command(List.of("/bin/sh", "-c", report, "report", "two words", "$(touch " + marker + ")", "it's", "*"));
        List<String> afterSudo = command.argv().subList(command.argv().indexOf("--") + 1, command.argv().size());
        CommandResult result = new ExecCommandRunner().run(Command.write(afterSudo));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(String.join("\n",
                "umask=0002",
                "pwd=" + workspace,
                "drwx------",
                "GIT_CONFIG_COUNT=1",
                "GIT_CONFIG_KEY_0=safe.directory",
                "GIT_CONFIG_VALUE_0=" + workspace,
                "HOME=" + home,
                "LANG=en_US.UTF-8",
                "LOGNAME=meeseeks",
                "PATH=/usr/bin:/bin:/usr/sbin:/sbin",
                "SHELL=/bin/zsh",
                "TMPDIR=" + home + "/.cagent-tmp",
                "USER=meeseeks",
                "arg=[two words]",
                "arg=[$(touch " + marker + ")]",
                "arg=[it's]",
                "arg=[*]") + "\n", result.stdout());
        assertFalse(Files.exists(marker), "an argument was expanded by a shell");
    }

    /**
     * A scratch directory on this machine whose path a plan keeps as it is: a checkout below
     * {@code /tmp} or {@code /var} would be spelled {@code /private/...}, as on a Mac, and such a
     * path does not exist on Linux. Falls back to the user's home.
     */
    private static Path realDirectoryMacPathsKeep() throws IOException {
        for (Path base : List.of(Path.of("target").toAbsolutePath(), Path.of(System.getProperty("user.home")).toAbsolutePath())) {
            Path candidate = base.resolve("cagent-launcher-test");
            if (MacPaths.canonical(candidate.toString()).equals(candidate.toString())) {
                Files.createDirectories(candidate);
                return candidate;
            }
        }
        assumeTrue(false, "no scratch directory outside /tmp, /var and /etc");
        return null;
    }

    /** The NAME=VALUE words between {@code env -i} and the wrapper. */
    private static List<String> environmentOf(List<String> argv) {
        return argv.subList(argv.indexOf("-i") + 1, argv.indexOf("/bin/sh"));
    }
}
