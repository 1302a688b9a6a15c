package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.Secret;
import dev.cagent.exec.Command;
import dev.cagent.report.ApplyReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Attacks on the agent launcher (argv, environment, real runs of the part after sudo) and on the
 * preview / administrator-prompt script (quoting, printf, secrets), the latter run with a real
 * /bin/sh whose absolute programs are replaced by a recorder.
 */
class LaunchAndScriptAttackTest {

    static final String AGENT = "meeseeks";
    static final String HUMAN = "alice";
    static final String GROUP = "collabo";
    static final String WORKSHOP = "/Users/meeseeks/workshop";
    static final String SETTINGS = "/Library/Application Support/cagent/meeseeks/claude-settings.json";

    final CoopFixture coop = new CoopFixture();
    final CagePlan plan = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).workspace(WORKSHOP)
            .claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED).build();
    final AgentLauncher launcher = coop.backend.launcher(plan);

    // ================================================================== scratch and processes

    /** A directory for real runs, below this module's target directory. */
    static Path scratch(String name) throws IOException {
        Path dir = Path.of("target", "launch-script-attack", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        open(dir);
        return dir;
    }

    static void open(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rwxr-xr-x"));
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    record Run(int exit, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    /** Runs argv directly (no shell), as nobody when this JVM is root (as the agent would be under sudo). */
    static Run exec(List<String> argv, Map<String, String> env, boolean dropRoot, File stdin) throws Exception {
        List<String> all = new ArrayList<>();
        if (dropRoot && isRoot()) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv to run as a non-root user");
            all.addAll(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        all.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(all);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(stdin == null ? new File("/dev/null") : stdin);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, err);
    }

    static List<String> afterSudo(Command command) {
        List<String> argv = command.argv();
        assertEquals(List.of("/usr/bin/sudo", "-n", "-u", AGENT, "-H", "--", "/usr/bin/env", "-i"), argv.subList(0, 8));
        return new ArrayList<>(argv.subList(6, argv.size()));
    }

    /** Host variables that must never reach the agent. */
    static final Map<String, String> HOST_ENV = Map.of(
            "PATH", "/usr/local/bin:/usr/bin:/bin",
            "TMPDIR", "/host/private/tmpdir",
            "GITHUB_TOKEN", "ghp_hostsecret",
            "ANTHROPIC_API_KEY", "sk-ant-hostsecret",
            "HOME", "/root",
            "BASH_ENV", "/nonexistent/bash_env");

    /** A program that prints pwd, umask, every argument and its environment, NUL-separated. */
    static Path printer(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        open(file.getParent());
        Files.writeString(file, "#!/bin/sh\n"
                + "printf 'pwd=%s\\000umask=%s\\000' \"$(pwd)\" \"$(umask)\"\n"
                + "for a in \"$@\"; do printf 'arg=%s\\000' \"$a\"; done\n"
                + "printf 'ENV\\000'\n"
                + "/usr/bin/env -0\n");
        open(file);
        return file;
    }

    record Printed(String pwd, String umask, List<String> args, Map<String, String> env) {
    }

    static Printed parse(Run run) {
        assertEquals(0, run.exit(), run.err());
        List<String> parts = new ArrayList<>(Arrays.asList(run.text().split("\0", -1)));
        parts.remove(parts.size() - 1);
        String pwd = parts.get(0).substring(4);
        String umask = parts.get(1).substring(6);
        List<String> args = new ArrayList<>();
        int i = 2;
        for (; !parts.get(i).equals("ENV"); i++) {
            args.add(parts.get(i).substring(4));
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (i++; i < parts.size(); i++) {
            int eq = parts.get(i).indexOf('=');
            env.put(parts.get(i).substring(0, eq), parts.get(i).substring(eq + 1));
        }
        return new Printed(pwd, umask, args, env);
    }

    /**
     * A plan whose home and workspace exist on this machine, writable by nobody. Skipped where
     * that cannot work: below /tmp, /var or /etc (a clone in /tmp, say) cagent reads the path as
     * macOS's /private/tmp..., which Linux lacks; and a root JVM runs the program as nobody, who
     * must be able to pass through every directory above it.
     */
    static CagePlan localPlan(Path root) throws IOException {
        assumeTrue(dev.cagent.MacPaths.canonical(root.toString()).equals(root.toString()), "the build directory lies below /tmp, /var or /etc");
        if (isRoot()) {
            for (Path p = root.getParent(); p != null; p = p.getParent()) {
                assumeTrue(Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE),
                        "nobody cannot pass through " + p);
            }
        }
        Path home = root.resolve("home");
        Path workspace = home.resolve("workshop");
        Files.createDirectories(workspace);
        open(home);
        open(workspace);
        return Cage.forUser(AGENT).home(home.toString()).collaborationGroup(GROUP).workspace(workspace.toString()).build();
    }

    // ================================================================== launcher: real runs

    static final List<String> NASTY_ARGS = List.of("-c", "--", "-i", "-u", "root", "-H", "--help", "-", "-n",
            "$(touch MARK)", "`touch MARK`", "; touch MARK", "| touch MARK", "&& touch MARK", "a b", "*", "'", "\"", "\\",
            "", "x\ny", "a\tb", "%s%n", "é😀", "NAME=value", "${HOME}", "$1", "$@");

    @Test
    void argumentsAndProgramPathArriveByteForByteAndNothingIsExpanded() throws Exception {
        Path root = scratch("args");
        CagePlan local = localPlan(root);
        Path marker = root.resolve("home/workshop/MARK");
        Path program = printer(root, "dir with 'single' \"double\" $(touch MARK) `x`/print args");
        List<String> args = NASTY_ARGS.stream().map(a -> a.replace("MARK", marker.toString())).toList();
        List<String> full = new ArrayList<>(List.of(program.toString()));
        full.addAll(args);
        AgentLauncher l = coop.backend.launcher(local);
        Printed printed = parse(exec(afterSudo(l.command(full)), HOST_ENV, true, null));
        assertEquals(args, printed.args());
        assertEquals(local.step(dev.cagent.SharedWorkspace.class).orElseThrow().path(), printed.pwd());
        assertEquals("0002", printed.umask());
        assertFalse(Files.exists(marker), "an argument or the program path was run as shell code");
    }

    @Test
    void theEnvironmentIsCleanAndValuesArriveLiterally() throws Exception {
        Path root = scratch("env");
        CagePlan local = localPlan(root);
        Path marker = root.resolve("MARK");
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("X_CMD", "$(touch " + marker + ")");
        extra.put("X_BACKTICK", "`touch " + marker + "`");
        extra.put("X_EQUALS", "a=b==c=");
        extra.put("X_PERCENT", "%s%n%%");
        extra.put("X_QUOTES", "it's \"q\" \\");
        extra.put("X_UNICODE", "é😀");
        extra.put("X_EMPTY", "");
        Path program = printer(root, "print");
        AgentLauncher l = coop.backend.launcher(local).withEnvironment(extra);
        Printed printed = parse(exec(afterSudo(l.command(List.of(program.toString()))), HOST_ENV, true, null));
        extra.forEach((k, v) -> assertEquals(v, printed.env().get(k), k));
        assertEquals(AgentLauncher.DEFAULT_PATH, printed.env().get("PATH"));
        assertEquals(local.user().home() + "/.cagent-tmp", printed.env().get("TMPDIR"));
        assertEquals(local.user().home(), printed.env().get("HOME"));
        for (String host : List.of("GITHUB_TOKEN", "ANTHROPIC_API_KEY", "BASH_ENV")) {
            assertFalse(printed.env().containsKey(host), host + " leaked: " + printed.env());
        }
        assertFalse(printed.env().containsValue("/host/private/tmpdir"));
        assertFalse(Files.exists(marker));
    }

    /**
     * On a Mac /bin/sh is bash in POSIX mode; bash imports SHELLOPTS from the environment and,
     * for a non-root user (the agent), PS4 too. withEnvironment accepts both, so the fixed wrapper
     * script ends up running text of a variable's value as shell code.
     */
    @Test
    void environmentValuesAreNeverRunAsShellCodeByTheWrapperBashAsSh() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/bash")) || Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        Path root = scratch("shellopts");
        CagePlan local = localPlan(root);
        Path marker = root.resolve("MARK");
        Path sh = root.resolve("sh");
        Files.createSymbolicLink(sh, Path.of(Files.isExecutable(Path.of("/usr/bin/bash")) ? "/usr/bin/bash" : "/bin/bash"));
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("SHELLOPTS", "xtrace");
        extra.put("PS4", "$(touch " + marker + ")");
        AgentLauncher l;
        try {
            l = coop.backend.launcher(local).withEnvironment(extra);
        } catch (IllegalArgumentException refused) {
            return; // refusing variables the wrapper shell reads is a fix
        }
        List<String> argv = afterSudo(l.command(List.of("/bin/true")));
        argv.set(argv.indexOf("/bin/sh"), sh.toString()); // the Mac's /bin/sh: bash invoked as sh
        Run run = exec(argv, Map.of(), true, null);
        assertFalse(Files.exists(marker), "the wrapper shell ran a variable's value as code; stderr: " + run.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHELLOPTS", "BASHOPTS", "PS4", "ENV", "BASH_ENV", "IFS", "CDPATH", "LD_PRELOAD", "DYLD_INSERT_LIBRARIES"})
    void variablesTheWrapperShellOrLoaderReadsAreRefused(String name) {
        assertThrows(IllegalArgumentException.class, () -> launcher.withEnvironment(Map.of(name, "/tmp/x")),
                name + " is read by /bin/sh or the dynamic loader before the program runs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GPG_PASSPHRASE", "SSH_PRIVATE_KEY", "AWS_ACCESS_KEY_ID", "OPENAI_KEY", "NPM_AUTH", "ANTHROPIC_AUTH_TOKEN",
            "github_token", "Db_Password", "MY_APIKEY"})
    void credentialLookingNamesAreRefused(String name) {
        assertThrows(IllegalArgumentException.class, () -> launcher.withEnvironment(Map.of(name, "value")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "=", "A=B", "A\nB", "A\u0000B", "$(id)", "`id`", "A B", "HOME", "PATH", "TMPDIR", "GIT_CONFIG_COUNT",
            "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "-i", "é"})
    void badOrReservedNamesAreRefused(String name) {
        assertThrows(IllegalArgumentException.class, () -> launcher.withEnvironment(Map.of(name, "v")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\u0000b", "a\rb", "a\u0085b", "a\u2028b", "a\u202eb"})
    void controlCharactersInValuesAreRefused(String value) {
        assertThrows(IllegalArgumentException.class, () -> launcher.withEnvironment(Map.of("TERM", value)));
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "", ":", "/usr/bin:.", ".:/usr/bin", "/usr/bin:", ":/usr/bin", "bin", "/usr/bin/", "/usr/./bin",
            "/usr//bin", "/usr/bin:/opt/../bin", "/usr/bin\n/x", "~/bin"})
    void pathEntriesThatMeanTheCurrentOrARelativeDirectoryAreRefused(String path) {
        assertThrows(IllegalArgumentException.class, () -> launcher.withPath(path));
    }

    @Test
    void setVariablesComeAfterEnvIAndTheProgramAfterTheWorkspaceOperand() {
        Command c = launcher.withEnvironment(Map.of("TERM", "-i")).withPath("/opt/homebrew/bin:/usr/bin").command(List.of("/usr/bin/git", "-c", "--", "-u"));
        List<String> argv = c.argv();
        assertEquals("--", argv.get(5), "sudo's options end before env");
        int sh = argv.indexOf("/bin/sh");
        assertTrue(argv.subList(8, sh).stream().allMatch(w -> w.matches("[A-Za-z_][A-Za-z0-9_]*=.*")), argv.toString());
        assertEquals(List.of("/bin/sh", "-c", AgentLauncher.LAUNCH_SCRIPT, "sh", WORKSHOP, "/usr/bin/git", "-c", "--", "-u"), argv.subList(sh, argv.size()));
        assertFalse(AgentLauncher.LAUNCH_SCRIPT.contains(WORKSHOP));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/opt/homebrew/bin/../../../Users/alice/bin/claude", "/opt/homebrew/bin/claude/", "//opt/homebrew/bin/claude",
            "/opt/homebrew/./bin/claude", "/opt/homebrew/bin/cl\naude", "/opt/homebrew/bin/claude\u0000"})
    void aProgramPathThatIsNotNormalisedIsRefused(String program) {
        assertThrows(IllegalArgumentException.class, () -> launcher.command(List.of(program)), program);
    }

    @Test
    void theSeatbeltReadabilityCheckCannotBeWalkedPastWithDotDot() {
        AgentLauncher sandboxed = coop.backend.launcher(plan.toBuilder().seatbelt().build());
        assertThrows(IllegalArgumentException.class, () -> sandboxed.claudeCode("/Users/alice/bin/claude"), "baseline: the human's home is closed");
        assertThrows(IllegalArgumentException.class, () -> sandboxed.claudeCode("/usr/bin/../../Users/alice/bin/claude"),
                "the same file spelled through /usr/bin/.. must be refused as well");
    }

    // ================================================================== the script under a real sh

    /** Inserts "$REC" before every command word that is an absolute path, outside quotes and comments. */
    static String instrument(String script) {
        return instrument(script, new ArrayList<>());
    }

    /** As {@link #instrument(String)}, collecting the script text where each command starts. */
    static String instrument(String script, List<String> commandStarts) {
        StringBuilder out = new StringBuilder();
        boolean commandStart = true;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (commandStart && (c == ' ' || c == '\t')) {
                out.append(c);
                continue;
            }
            if (commandStart && c == '#') {
                int end = script.indexOf('\n', i);
                end = end < 0 ? script.length() : end;
                out.append(script, i, end);
                i = end - 1;
                continue;
            }
            if (commandStart && c != '\n') {
                commandStarts.add(script.substring(i, Math.min(script.length(), i + 200)));
            }
            if (commandStart && c == '/') {
                out.append("\"$REC\" ");
            }
            if (c != '\n') {
                commandStart = false;
            }
            if (c == '\'') {
                int end = script.indexOf('\'', i + 1);
                out.append(script, i, end + 1);
                i = end;
            } else if (c == '"') {
                int j = i + 1;
                while (script.charAt(j) != '"') {
                    j += script.charAt(j) == '\\' ? 2 : 1;
                }
                out.append(script, i, j + 1);
                i = j;
            } else if (c == '\\') {
                out.append(c).append(script.charAt(++i));
            } else {
                out.append(c);
                if (c == '\n' || c == '|' || c == ';') {
                    commandStart = true;
                }
            }
        }
        return out.toString();
    }

    record Rec(List<String> argv, String stdin) {
        @Override
        public String toString() {
            return argv + (stdin.isEmpty() ? "" : " <<< " + stdin.replace("\n", "\\n"));
        }
    }

    record ShellRun(int exit, String err, List<Rec> records) {
    }

    /** Runs the script with a real sh ({@code shell}), every absolute program replaced by a recorder. */
    static ShellRun runScript(String shell, String script, Map<String, String> env) throws Exception {
        Path dir = scratch("script-" + Integer.toHexString(script.hashCode()) + "-" + Path.of(shell).getFileName());
        Path out = Files.createDirectories(dir.resolve("out"));
        Path rec = dir.resolve("rec");
        Files.writeString(rec, "#!/bin/sh\n"
                + "d=\"$OUTDIR\"\n"
                + "n=$(cat \"$d/count\" 2>/dev/null || echo 0)\n"
                + "n=$((n+1))\n"
                + "echo \"$n\" > \"$d/count\"\n"
                + "for a in \"$@\"; do printf '%s' \"$a\"; printf '\\000'; done > \"$d/$n.argv\"\n"
                + "cat > \"$d/$n.stdin\"\n");
        open(rec);
        Path file = dir.resolve("script.sh");
        Files.write(file, instrument(script).getBytes(StandardCharsets.UTF_8));
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("REC", rec.toString());
        all.put("OUTDIR", out.toString());
        all.put("PATH", "/usr/bin:/bin");
        Run run = exec(List.of(shell, file.toString()), all, false, null);
        List<Rec> records = new ArrayList<>();
        for (int n = 1; Files.exists(out.resolve(n + ".argv")); n++) {
            String argv = Files.readString(out.resolve(n + ".argv"));
            List<String> words = argv.isEmpty() ? List.of() : Arrays.asList(argv.substring(0, argv.length() - 1).split("\0", -1));
            records.add(new Rec(words, Files.readString(out.resolve(n + ".stdin"))));
        }
        return new ShellRun(run.exit(), run.err(), records);
    }

    /** bash invoked as sh, as /bin/sh is on a Mac. */
    static String bashAsSh() throws IOException {
        Path bash = Path.of("/usr/bin/bash");
        if (!Files.isExecutable(bash)) {
            bash = Path.of("/bin/bash");
        }
        assumeTrue(Files.isExecutable(bash), "needs bash");
        Path dir = Path.of("target", "launch-script-attack", "bash-as-sh").toAbsolutePath();
        Files.createDirectories(dir);
        Path sh = dir.resolve("sh");
        if (!Files.exists(sh, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(sh, bash);
        }
        return sh.toString();
    }

    static List<String> shells() throws IOException {
        return List.of("/bin/sh", bashAsSh());
    }

    /** argv without a leading {@code sudo ... --}. */
    static List<String> unwrapped(List<String> argv) {
        if (!argv.isEmpty() && argv.get(0).equals("/usr/bin/sudo")) {
            return argv.subList(argv.indexOf("--") + 1, argv.size());
        }
        return argv;
    }

    /** What the stepwise apply (argv handed over directly, no shell) wrote on an identical fake Mac. */
    static List<Rec> groundTruth(Consumer<FakeMac> seed, CagePlan plan) {
        FakeMac mac = FakeMac.stock();
        seed.accept(mac);
        mac.clearRecorded();
        ApplyReport report = SeedPlans.backend(mac, Privilege.sudoNonInteractive()).apply(plan);
        assertTrue(report.succeeded(), report::toString);
        return mac.recorded().stream().filter(RecordedCommand::isWrite).map(c -> new Rec(unwrapped(c.argv()), c.stdin())).toList();
    }

    static final String NASTY_ZSHRC = "# alice's zshrc\n"
            + "export A='x'\\''y' B=\"$HOME\" C=`id` D=$(id) # 100% done, %s %n %d %%\n"
            + "alias e='echo \\'\\'' \\\\n \\t \\\\\n"
            + "'\\''\n"
            + "printf '%s\\n' \"tab\there\" \r\n"
            + "é ü 😀 \u00a0nbsp\n"
            + "x".repeat(100_000) + "\n"
            + "'''''''\n"
            + "last line without newline ' $";

    static final String NASTY_SETTINGS = "{\"model\": \"op'us\", \"env\": {\"A\": \"$(touch /tmp/pwned) `id` %s %n \\\\ \\\" '\\\\'' \\n\"},"
            + " \"x\": \"é😀\"}";

    static void seedNasty(FakeMac mac) {
        mac.writeFileAs(HUMAN, "/Users/alice/.zshrc", NASTY_ZSHRC);
        mac.mkdir("/Library/Application Support/cagent", "root", "wheel", 0755);
        mac.mkdir("/Library/Application Support/cagent/meeseeks", "root", "wheel", 0755);
        mac.writeFile(SETTINGS, "root", "wheel", 0644, NASTY_SETTINGS);
    }

    static final String NASTY_REAL_NAME = "O'Brien '\\'' \"q\" $(touch /tmp/pwned) `id` %s %n \\ é😀 $HOME *";

    static CagePlan nastyPlan() {
        return Cages.corrected().realName(NASTY_REAL_NAME).build();
    }

    /** Each printf in the script (outside quoted text) uses a fixed format: '%s' for data, the progress format otherwise. */
    static void assertPrintfFormatsAreFixed(String script) {
        List<String> starts = new ArrayList<>();
        instrument(script, starts);
        List<String> printfs = starts.stream().filter(c -> c.startsWith("printf")).toList();
        assertFalse(printfs.isEmpty());
        for (String rest : printfs) {
            assertTrue(rest.startsWith("printf '%s' ") || rest.startsWith("printf 'cagent: done %d\\n' "),
                    () -> "printf with a data-bearing format: " + rest);
        }
        java.util.function.Predicate<String> allowed = c -> c.startsWith("printf ") || c.startsWith("/") || c.startsWith("set -eu")
                || c.matches("(?s): \"\\$\\{[A-Z_]+:\\?export [A-Z_]+ first}\"\n.*");
        assertTrue(starts.stream().allMatch(allowed),
                () -> "a command that is neither printf, a secret's check nor an absolute program: " + starts.stream().filter(allowed.negate()).toList());
    }

    @Test
    void theAdminPromptScriptWithNastyValuesRunsByteForByteUnderARealSh() throws Exception {
        FakeMac mac = FakeMac.stock();
        seedNasty(mac);
        CagePlan plan = nastyPlan();
        String script = SeedPlans.backend(mac, Privilege.adminPrompt()).preview(plan).script();
        assertPrintfFormatsAreFixed(script);
        List<Rec> expected = groundTruth(LaunchAndScriptAttackTest::seedNasty, plan);
        for (String shell : shells()) {
            ShellRun run = runScript(shell, script, Map.of());
            assertEquals(0, run.exit(), shell + ": " + run.err());
            assertEquals(expected.size(), run.records().size(), shell + ": " + run.records());
            for (int i = 0; i < expected.size(); i++) {
                Rec want = expected.get(i);
                Rec got = new Rec(unwrapped(run.records().get(i).argv()), run.records().get(i).stdin());
                if (want.argv().contains("GeneratedUID")) {
                    continue;
                }
                assertEquals(want, got, shell + ": write " + (i + 1));
            }
            assertTrue(run.records().stream().anyMatch(r -> r.stdin().startsWith(NASTY_ZSHRC)), "the backup holds the zshrc byte for byte");
            assertTrue(run.records().stream().anyMatch(r -> r.stdin().equals(NASTY_SETTINGS)), "the settings backup byte for byte");
            assertTrue(run.records().stream().anyMatch(r -> r.argv().contains(NASTY_REAL_NAME)), "the real name byte for byte");
        }
        assertFalse(Files.exists(Path.of("/tmp/pwned")));
    }

    @Test
    void theAdminPromptAppliesTheNastyPlanOnTheFakeAndKeepsTheFilesExact() {
        FakeMac mac = FakeMac.stock();
        seedNasty(mac);
        MacOsBackend backend = SeedPlans.backend(mac, Privilege.adminPrompt());
        ApplyReport report = backend.apply(nastyPlan());
        assertTrue(report.succeeded(), report::toString);
        assertTrue(mac.readFile("/Users/alice/.zshrc").startsWith(NASTY_ZSHRC), mac.readFile("/Users/alice/.zshrc"));
        assertEquals(List.of(NASTY_REAL_NAME), mac.record("/Users/meeseeks").get("RealName"));
        assertTrue(backend.verify(nastyPlan()).isClean(), () -> backend.verify(nastyPlan()).toString());
        assertTrue(backend.undo(nastyPlan()).succeeded());
        assertEquals(NASTY_ZSHRC, mac.readFile("/Users/alice/.zshrc"));
        assertEquals(NASTY_SETTINGS, mac.readFile(SETTINGS));
    }

    @Test
    void thePreviewForSudoNRunsByteForByteUnderARealSh() throws Exception {
        FakeMac mac = FakeMac.stock();
        seedNasty(mac);
        CagePlan plan = nastyPlan();
        String script = SeedPlans.backend(mac, Privilege.sudoNonInteractive()).preview(plan).script();
        assertPrintfFormatsAreFixed(script);
        List<Rec> expected = groundTruth(LaunchAndScriptAttackTest::seedNasty, plan);
        for (String shell : shells()) {
            ShellRun run = runScript(shell, script, Map.of());
            assertEquals(0, run.exit(), shell + ": " + run.err());
            List<Rec> got = run.records().stream().map(r -> new Rec(unwrapped(r.argv()), r.stdin())).toList();
            assertEquals(expected.stream().filter(r -> !r.argv().contains("GeneratedUID")).toList(),
                    got.stream().filter(r -> !r.argv().contains("GeneratedUID")).toList(), shell);
        }
    }

    /** A NUL byte in an edited file cannot travel inside a single-quoted sh word: sh drops or cuts it. */
    @Test
    void aNulByteInTheZshrcEitherIsRefusedOrArrivesExactly() throws Exception {
        String zshrc = "before\u0000after\n";
        Consumer<FakeMac> seed = mac -> mac.writeFileAs(HUMAN, "/Users/alice/.zshrc", zshrc);
        FakeMac mac = FakeMac.stock();
        seed.accept(mac);
        CagePlan plan = Cages.corrected().build();
        String script;
        try {
            script = SeedPlans.backend(mac, Privilege.adminPrompt()).preview(plan).script();
        } catch (RuntimeException refused) {
            return;
        }
        if (!script.contains("\u0000")) {
            return; // not written into the script: fine
        }
        for (String shell : shells()) {
            ShellRun run = runScript(shell, script, Map.of());
            assertTrue(run.exit() != 0 || run.records().stream().anyMatch(r -> r.stdin().startsWith(zshrc)),
                    shell + " lost the NUL byte but the script succeeded; backup/new-file inputs: "
                            + run.records().stream().filter(r -> r.stdin().contains("before")).map(Rec::toString).toList());
        }
    }

    @Test
    void secretsComeOnlyFromTheEnvironmentAndArriveExactly() throws Exception {
        String sudoPassword = "p'a$(touch /tmp/pwned)`id`%s\\ é";
        String agentPassword = "Agent-Pass 1 $HOME 'x' %n";
        FakeMac mac = FakeMac.builder().sudoTicket(false).sudoPassword(Secret.of(sudoPassword)).build();
        CagePlan plan = Cages.corrected().password(Secret.of(agentPassword)).build();
        String script = SeedPlans.backend(mac, Privilege.sudoWithPassword(Secret.of(sudoPassword))).preview(plan).script();
        assertFalse(script.contains(sudoPassword) || script.contains(agentPassword), script);
        assertPrintfFormatsAreFixed(script);
        for (String shell : shells()) {
            ShellRun run = runScript(shell, script, Map.of("CAGENT_SUDO_PASSWORD", sudoPassword, "CAGENT_PASSWORD", agentPassword));
            assertEquals(0, run.exit(), run.err());
            List<Rec> viaSudo = run.records().stream().filter(r -> r.argv().get(0).equals("/usr/bin/sudo")).toList();
            assertFalse(viaSudo.isEmpty());
            viaSudo.forEach(r -> assertTrue(r.stdin().startsWith(sudoPassword + "\n"), r.toString()));
            assertTrue(run.records().stream().anyMatch(r -> r.stdin().equals(sudoPassword + "\npasswd /Users/meeseeks \"" + agentPassword + "\"\n")),
                    run.records().toString());
        }
        assertFalse(Files.exists(Path.of("/tmp/pwned")));
    }

    /**
     * The script says "export them before running"; with the agent's password not exported, the
     * ${CAGENT_PASSWORD:?...} guard must stop the script before dscl gets an empty input. In a
     * pipeline, the guard only ends the printf side; dscl -q always exits 0.
     */
    @Test
    void aSecretNotExportedStopsTheScriptBeforeTheCommandThatNeedsIt() throws Exception {
        FakeMac mac = FakeMac.stock();
        CagePlan plan = Cages.corrected().password(Secret.of("Agent-Pass-1")).build();
        String script = SeedPlans.backend(mac, Privilege.sudoNonInteractive()).preview(plan).script();
        for (String shell : shells()) {
            ShellRun run = runScript(shell, script, Map.of());
            List<Rec> passwd = run.records().stream().filter(r -> unwrapped(r.argv()).equals(List.of("/usr/bin/dscl", "-q", "."))).toList();
            assertEquals(List.of(), passwd, shell + ": dscl ran without its password; exit " + run.exit() + ", records " + run.records().size()
                    + ", stderr: " + run.err());
            assertTrue(run.exit() != 0, shell + ": the script went on without the password");
        }
    }

    /**
     * A change's summary goes into the script as a comment. When it holds a value read from the
     * machine (here an existing account's RealName with line breaks), every line of it must stay
     * a comment, or the administrator prompt runs it as root.
     */
    @Test
    void aValueReadFromTheMachineCannotBreakOutOfAScriptComment() throws Exception {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = SeedPlans.backend(mac, Privilege.adminPrompt());
        CagePlan plan = Cages.minimal().build();
        assertTrue(backend.apply(plan).succeeded());
        String injected = "Mr. M\n/usr/sbin/dseditgroup -o edit -a meeseeks -t user admin\n#";
        var set = mac.as("root").run(Command.write("/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "RealName", injected));
        assertEquals(0, set.exitCode(), set.stderr());
        assertEquals(List.of(injected), mac.record("/Users/meeseeks").get("RealName"));
        assertFalse(mac.isMember(AGENT, "admin"));

        String script = backend.preview(plan).script();
        ApplyReport report = backend.apply(plan);
        boolean fakeEscalated = mac.isMember(AGENT, "admin");
        List<String> shellsThatRanIt = new ArrayList<>();
        for (String shell : shells()) {
            if (runScript(shell, script, Map.of()).records().stream().anyMatch(r -> r.argv().contains("admin"))) {
                shellsThatRanIt.add(shell);
            }
        }
        assertEquals("fake: no escalation; real shells that ran it: []",
                "fake: " + (fakeEscalated ? "meeseeks is now in admin" : "no escalation") + "; real shells that ran it: " + shellsThatRanIt,
                "a value read from the machine broke out of a comment:\n" + script + "\n" + report);
    }
}
