package dev.cagent.macos;

import dev.cagent.Secret;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandInterruptedException;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandStartException;
import dev.cagent.exec.CommandTimeoutException;
import dev.cagent.exec.RunningCommand;
import dev.cagent.exec.Stdin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecCommandRunnerTest {

    private static final Duration SHORT = Duration.ofMillis(400);

    private final ExecCommandRunner runner = new ExecCommandRunner();

    @TempDir
    Path temp;

    /** Each argument as the child received it: printf writes each followed by a NUL. */
    private List<String> received(String... args) {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/printf", "%s\\0"));
        argv.addAll(Arrays.asList(args));
        CommandResult result = runner.run(Command.read(argv));
        assertEquals(0, result.exitCode(), result.stderr());
        String out = result.stdout();
        assertTrue(out.endsWith("\0"), "printf prints a NUL after each argument: " + out);
        return Arrays.asList(out.substring(0, out.length() - 1).split("\0", -1));
    }

    @Test
    void argumentsArriveByteForByte() {
        assertEquals("UTF-8", System.getProperty("sun.jnu.encoding"),
                "the tests run with a UTF-8 locale (LC_ALL in the surefire configuration)");
        String[] args = {
                "two words", "'single'", "\"double\"", "$HOME", "${X}", "$(id)", "`id`", "back\\slash\\",
                "héllo wörld ☃ 𝄞", "tab\tinside", "line\nbreak", "*", "a;b|c&d", "-n", "--",
        };
        assertEquals(List.of(args), received(args));
    }

    @Test
    void anEmptyArgumentIsPassedAsAnArgument() {
        CommandResult result = runner.run(Command.read("/bin/sh", "-c", "printf '%s|' \"$#\" \"$@\"", "sh", "", "x", ""));
        assertEquals("3||x||", result.stdout());
    }

    @Test
    void argumentsTheLauncherWouldTrimAreRefusedBeforeAnythingRuns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runner.run(Command.read("/bin/echo", "\u0001x")));
        assertTrue(e.getMessage().contains("argument 1 '\\u0001x'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> runner.run(Command.read("/bin/echo", "x\u001f")));
    }

    @Test
    void aProgramPathWithABackslashIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runner.run(Command.read("/tmp/a\\b")));
        assertTrue(e.getMessage().contains("backslash"), e.getMessage());
    }

    @Test
    void textTheJvmCannotEncodeForAProcessIsRefusedWithTheFix() {
        ExecCommandRunner asciiOnly = new ExecCommandRunner(1024, StandardCharsets.US_ASCII);
        CommandStartException e = assertThrows(CommandStartException.class,
                () -> asciiOnly.run(Command.read("/bin/echo", "plain", "héllo")));
        assertTrue(e.getCause().getMessage().contains("argument 2 'héllo'"), e.getCause().getMessage());
        assertTrue(e.getCause().getMessage().contains("LANG=C.UTF-8"), e.getCause().getMessage());
        assertEquals("plain\n", asciiOnly.run(Command.read("/bin/echo", "plain")).stdout());
    }

    @Test
    void stdinBytesReachTheChild() {
        Stdin stdin = Stdin.builder().text("user line\n").secret("PW", Secret.of("s3cr€t")).text("\nend").build();
        CommandResult result = runner.run(Command.read("/bin/cat").withStdin(stdin));
        assertEquals("user line\ns3cr€t\nend", result.stdout());
    }

    @Test
    void withoutStdinTheChildReadsEndOfFileAtOnce() {
        CommandResult result = runner.run(Command.read("/bin/cat").withTimeout(Duration.ofSeconds(5)));
        assertEquals(0, result.exitCode());
        assertEquals("", result.stdout());
        assertTrue(result.duration().compareTo(Duration.ofSeconds(2)) < 0, "cat returned after " + result.duration());
    }

    @Test
    void environmentEntriesAreAddedToTheInheritedEnvironment() {
        CommandResult result = runner.run(Command.read("/usr/bin/env")
                .withEnvironment(Map.of("CAGENT_TEST_VALUE", "with spaces and $dollar")));
        List<String> lines = result.stdout().lines().toList();
        assertTrue(lines.contains("CAGENT_TEST_VALUE=with spaces and $dollar"), result.stdout());
        assertTrue(lines.contains("PATH=" + System.getenv("PATH")), "the inherited PATH is kept: " + result.stdout());
    }

    @Test
    void workingDirectoryIsHonoured() throws IOException {
        Path dir = Files.createDirectory(temp.resolve("work dir"));
        CommandResult result = runner.run(Command.read("/bin/pwd").withWorkingDirectory(dir.toString()));
        assertEquals(dir.toRealPath() + "\n", result.stdout());
    }

    @Test
    void aMissingWorkingDirectoryMeansTheCommandCannotStart() {
        assertThrows(CommandStartException.class,
                () -> runner.run(Command.read("/bin/pwd").withWorkingDirectory(temp.resolve("absent").toString())));
    }

    @Test
    void nonZeroExitIsReturnedWithBothStreams() {
        CommandResult result = runner.run(Command.read("/bin/sh", "-c", "echo out; echo err >&2; exit 56"));
        assertEquals(56, result.exitCode());
        assertEquals("out\n", result.stdout());
        assertEquals("err\n", result.stderr());
        assertFalse(result.succeeded());
    }

    @Test
    void largeOutputIsCapturedWhole() {
        CommandResult result = runner.run(Command.read("/bin/sh", "-c",
                "i=0; while [ $i -lt 10 ]; do /usr/bin/head -c 1048576 /dev/zero | /usr/bin/tr '\\0' x; i=$((i+1)); done; echo; echo done >&2")
                .withTimeout(Duration.ofSeconds(30)));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(10 * 1048576 + 1, result.stdout().length());
        assertEquals("done\n", result.stderr());
    }

    @Test
    void outputBeyondTheLimitIsCutAndSaysSo() {
        ExecCommandRunner small = new ExecCommandRunner(10);
        CommandResult result = small.run(Command.read("/usr/bin/printf", "0123456789abcdef"));
        assertEquals("0123456789\n[cagent: output truncated: kept the first 10 of 16 bytes]\n", result.stdout());
        assertEquals("", result.stderr());
    }

    @Test
    void outputIsDecodedAsUtf8() {
        assertEquals("ü☃\n", runner.run(Command.read("/usr/bin/printf", "\\303\\274\\342\\230\\203\\n")).stdout());
    }

    @Test
    void aTimeoutKillsTheWholeTreeAndThrowsQuickly() throws Exception {
        Path pids = temp.resolve("pids");
        Command command = Command.read("/bin/sh", "-c", "/bin/sleep 30 & echo $$ $! > \"$1\"; wait", "sh", pids.toString())
                .withTimeout(SHORT);
        long started = System.nanoTime();
        CommandTimeoutException e = assertThrows(CommandTimeoutException.class, () -> runner.run(command));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMillis < 3000, "threw after " + tookMillis + " ms");
        assertTrue(e.getMessage().contains("/bin/sleep 30"), e.getMessage());
        for (long pid : pids(pids)) {
            assertTrue(endsSoon(pid), "process " + pid + " still runs");
        }
    }

    @Test
    void anInterruptKillsTheChildKeepsTheFlagAndThrows() throws Exception {
        Path pids = temp.resolve("pids");
        Command command = Command.read("/bin/sh", "-c", "echo $$ > \"$1\"; exec /bin/sleep 30", "sh", pids.toString())
                .withTimeout(Duration.ofSeconds(30));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                runner.run(command);
            } catch (Throwable t) {
                thrown.set(t);
            }
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        worker.start();
        waitForFile(pids);
        worker.interrupt();
        worker.join(5000);
        assertFalse(worker.isAlive(), "run() did not return after the interrupt");
        assertInstanceOf(CommandInterruptedException.class, thrown.get());
        assertTrue(flagAfter.get(), "the interrupt flag is set again");
        for (long pid : pids(pids)) {
            assertTrue(endsSoon(pid), "process " + pid + " still runs");
        }
    }

    @Test
    void anAlreadyInterruptedThreadStartsNothing() {
        Thread.currentThread().interrupt();
        try {
            assertThrows(CommandInterruptedException.class, () -> runner.run(Command.write("/usr/bin/touch", temp.resolve("made").toString())));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertFalse(Files.exists(temp.resolve("made")));
    }

    @Test
    void aMissingProgramCannotStart() {
        CommandStartException e = assertThrows(CommandStartException.class,
                () -> runner.run(Command.read("/nonexistent/program", "arg")));
        assertTrue(e.getMessage().contains("/nonexistent/program"), e.getMessage());
    }

    @Test
    void nothingIsPrintedOnOurOwnStandardOutput() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            runner.run(Command.read("/bin/sh", "-c", "echo to-stdout; echo to-stderr >&2"));
            runner.run(Command.read("/bin/sh", "-c", "exit 3"));
        } finally {
            System.setOut(original);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void oneRunnerServesSeveralThreadsAtOnce() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<String> outputs = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 6; i++) {
            String word = "w" + i;
            Thread t = new Thread(() -> outputs.add(runner.run(Command.read("/bin/echo", word)).stdout()));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertEquals(List.of("w0\n", "w1\n", "w2\n", "w3\n", "w4\n", "w5\n"), outputs.stream().sorted().toList());
    }

    @Test
    void startedProcessesTalkThroughTheirStreams() throws Exception {
        try (RunningCommand cat = runner.start(Command.read("/bin/cat").withStdin(Stdin.text("first\n")))) {
            assertTrue(cat.isAlive());
            BufferedReader lines = new BufferedReader(new InputStreamReader(cat.stdout(), StandardCharsets.UTF_8));
            assertEquals("first", lines.readLine());
            OutputStream in = cat.stdin();
            in.write("second ☃\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertEquals("second ☃", lines.readLine());
            in.close();
            assertEquals(OptionalInt.of(0), cat.waitFor(Duration.ofSeconds(5)));
            assertEquals(0, cat.waitFor());
            assertFalse(cat.isAlive());
        }
    }

    @Test
    void startedProcessesHonourEnvironmentAndDirectoryAndReportStderr() throws Exception {
        Command command = Command.read("/bin/sh", "-c", "pwd; echo \"$CAGENT_TEST_VALUE\" >&2; exit 4")
                .withEnvironment(Map.of("CAGENT_TEST_VALUE", "seen"))
                .withWorkingDirectory(temp.toString());
        try (RunningCommand sh = runner.start(command)) {
            assertEquals(4, sh.waitFor());
            assertEquals(temp.toRealPath() + "\n", new String(sh.stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals("seen\n", new String(sh.stderr().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void destroyingAStartedProcessKillsItsDescendants() throws Exception {
        Path pids = temp.resolve("pids");
        RunningCommand sh = runner.start(Command.read("/bin/sh", "-c", "/bin/sleep 30 & echo $$ $! > \"$1\"; wait", "sh", pids.toString()));
        waitForFile(pids);
        assertEquals(OptionalInt.empty(), sh.waitFor(Duration.ofMillis(50)));
        sh.destroy();
        assertTrue(sh.waitFor(Duration.ofSeconds(5)).isPresent());
        for (long pid : pids(pids)) {
            assertTrue(endsSoon(pid), "process " + pid + " still runs");
        }
    }

    @Test
    void startingAMissingProgramFails() {
        assertThrows(CommandStartException.class, () -> runner.start(Command.read("/nonexistent/program")));
    }

    @Test
    void aTimeoutOfCenturiesMeansNoTimeout() throws Exception {
        Duration centuries = Duration.ofDays(365L * 1000);
        assertEquals("ok\n", runner.run(Command.read("/bin/echo", "ok").withTimeout(centuries)).stdout());
        try (RunningCommand echo = runner.start(Command.read("/bin/echo", "ok"))) {
            assertEquals(OptionalInt.of(0), echo.waitFor(centuries));
        }
    }

    @Test
    void theOutputLimitMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ExecCommandRunner(0));
    }

    private static void waitForFile(Path file) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!(Files.exists(file) && Files.readString(file).endsWith("\n"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(file + " was never written");
            }
            Thread.sleep(10);
        }
    }

    private static List<Long> pids(Path file) throws IOException {
        List<Long> pids = Arrays.stream(Files.readString(file).trim().split(" ")).map(Long::parseLong).toList();
        assertFalse(pids.isEmpty());
        return pids;
    }

    /** Whether the process is gone (or a zombie waiting for a parent that is not us) within two seconds. */
    private static boolean endsSoon(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!running(pid)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException gone) {
            return false;
        }
    }

    /** Guards the checks above: a helper that never saw a live process would let them pass. */
    @Test
    void theLivenessCheckSeesALiveProcess() {
        assertTrue(running(ProcessHandle.current().pid()));
    }
}
