package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.CustomStep;
import dev.cagent.PlanRefusedException;
import dev.cagent.Secret;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandException;
import dev.cagent.exec.CommandInterruptedException;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.exec.CommandStartException;
import dev.cagent.exec.CommandTimeoutException;
import dev.cagent.exec.RunningCommand;
import dev.cagent.exec.Stdin;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.StepOutcome;
import dev.cagent.report.StepReport;
import dev.cagent.report.UndoReport;
import dev.cagent.testkit.Fault;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attacks on ExecCommandRunner, the CustomStep/MacStep extension point and the testkit's FakeMac. */
class RunnerAndExtensionAttackTest {

    // =================================================================== ExecCommandRunner


    private final ExecCommandRunner runner = new ExecCommandRunner();

    @TempDir
    Path temp;

    @Test
    void aProcessIgnoringSigtermIsStillKilledAtTheTimeout() throws Exception {
        Path pids = temp.resolve("pids");
        Command command = Command.read("/bin/sh", "-c", "trap '' TERM; /bin/sleep 30 & echo $$ $! > \"$1\"; wait; wait", "sh", pids.toString())
                .withTimeout(Duration.ofMillis(500));
        long t0 = System.nanoTime();
        assertThrows(CommandTimeoutException.class, () -> runner.run(command));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 3000, "took " + ms + " ms");
        for (long pid : pids(pids)) {
            assertTrue(endsSoon(pid), "process " + pid + " still runs");
        }
    }

    @Test
    void aTimeoutOfOneNanosecondKillsWhateverStartedAndSaysTimeout() throws Exception {
        Path pids = temp.resolve("pids");
        Command command = Command.read("/bin/sh", "-c", "echo $$ > \"$1\"; exec /bin/sleep 30", "sh", pids.toString())
                .withTimeout(Duration.ofNanos(1));
        assertThrows(CommandTimeoutException.class, () -> runner.run(command));
        Thread.sleep(300);
        if (Files.exists(pids) && Files.readString(pids).endsWith("\n")) {
            for (long pid : pids(pids)) {
                assertTrue(endsSoon(pid), "process " + pid + " still runs");
            }
        }
    }

    @Test
    void anInterruptKillsATreeThatIgnoresSigterm() throws Exception {
        Path pids = temp.resolve("pids");
        Command command = Command.read("/bin/sh", "-c", "trap '' TERM; /bin/sleep 30 & echo $$ $! > \"$1\"; wait; wait", "sh", pids.toString())
                .withTimeout(Duration.ofSeconds(30));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                runner.run(command);
            } catch (Throwable t) {
                thrown.set(t);
            }
            flag.set(Thread.currentThread().isInterrupted());
        });
        worker.start();
        waitForFile(pids);
        worker.interrupt();
        worker.join(4000);
        assertFalse(worker.isAlive());
        assertInstanceOf(CommandInterruptedException.class, thrown.get());
        assertTrue(flag.get());
        for (long pid : pids(pids)) {
            assertTrue(endsSoon(pid), "process " + pid + " still runs");
        }
    }

    @Test
    void largeStdinToAProgramThatNeverReadsItDoesNotDeadlock() {
        String big = "x".repeat(8 * 1024 * 1024);
        long t0 = System.nanoTime();
        CommandResult r = runner.run(Command.read("/bin/sh", "-c", "/bin/sleep 0.3; echo done")
                .withStdin(Stdin.text(big)).withTimeout(Duration.ofSeconds(5)));
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("done\n", r.stdout());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 4000);
    }

    @Test
    void largeStdinToAProgramThatExitsAtOnceDoesNotDeadlock() {
        CommandResult r = runner.run(Command.read("/bin/true").withStdin(Stdin.text("y".repeat(8 * 1024 * 1024)))
                .withTimeout(Duration.ofSeconds(5)));
        assertEquals(0, r.exitCode());
    }

    @Test
    void largeStdinWithSecretArrivesByteForByteAndWhole() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            sb.append("héllo ☃ 𝄞 line ").append(i).append('\n');
        }
        String text = sb.toString();
        Secret secret = Secret.of("s3cr3t-Pa55");
        Stdin stdin = Stdin.builder().text(text).secret("PW", secret).text("\n").build();
        byte[] expected = (text + "s3cr3t-Pa55\n").getBytes(StandardCharsets.UTF_8);
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected));
        CommandResult r = runner.run(Command.read("/usr/bin/sha256sum").withStdin(stdin).withTimeout(Duration.ofSeconds(10)));
        assertEquals(digest + "  -\n", r.stdout());
        Command c = Command.read("/usr/bin/sha256sum").withStdin(stdin);
        assertFalse(c.toString().contains("s3cr3t"), "toString redacts");
    }

    @Test
    void secretsOnStdinAppearInNoExceptionMessage() {
        Stdin stdin = Stdin.builder().text("user: x\npassword: ").secret("PW", Secret.of("hunter2-XYZ")).build();
        CommandTimeoutException t = assertThrows(CommandTimeoutException.class,
                () -> runner.run(Command.read("/bin/sleep", "5").withStdin(stdin).withTimeout(Duration.ofMillis(200))));
        CommandStartException s = assertThrows(CommandStartException.class,
                () -> runner.run(Command.read("/nonexistent/prog").withStdin(stdin)));
        for (Throwable e : List.of(t, s)) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                assertFalse(String.valueOf(c.getMessage()).contains("hunter2"), c.toString());
                assertFalse(c.toString().contains("hunter2"), c.toString());
            }
        }
    }

    @Test
    void hugeStdoutAndStderrAreCutNotDeadlocked() {
        Runtime rt = Runtime.getRuntime();
        long t0 = System.nanoTime();
        CommandResult r = runner.run(Command.read("/bin/sh", "-c",
                "/usr/bin/yes | /usr/bin/head -c 100000000 & /usr/bin/yes e | /usr/bin/head -c 100000000 >&2; wait")
                .withTimeout(Duration.ofSeconds(30)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.exitCode());
        assertTrue(r.stdout().endsWith("[cagent: output truncated: kept the first 67108864 of 100000000 bytes]\n"),
                r.stdout().substring(r.stdout().length() - 200));
        assertTrue(r.stderr().contains("of 100000000 bytes]"));
        assertTrue(ms < 15_000, "took " + ms + " ms");
        System.err.println("100 MB x 2: " + ms + " ms, heap used now " + (rt.totalMemory() - rt.freeMemory()) / 1_000_000 + " MB");
    }

    @Test
    void hugeOutputWithASmallLimitIsFastAndSmall() {
        ExecCommandRunner small = new ExecCommandRunner(1024);
        CommandResult r = small.run(Command.read("/bin/sh", "-c", "/usr/bin/yes | /usr/bin/head -c 100000000")
                .withTimeout(Duration.ofSeconds(20)));
        assertEquals(0, r.exitCode());
        assertTrue(r.stdout().length() < 1200, "kept " + r.stdout().length());
    }

    /** Documented: output is decoded as UTF-8, so bytes that are not UTF-8 are replaced; NUL survives. */
    @Test
    void binaryOutputIsDecodedLossilyAsDocumented() {
        CommandResult r = runner.run(Command.read("/usr/bin/printf", "\\377\\376\\000A\\303"));
        assertEquals("\uFFFD\uFFFD\u0000A\uFFFD", r.stdout());
    }

    @Test
    void aProgramThatClosesStdoutEarlyStillReportsExitAndStderr() {
        CommandResult r = runner.run(Command.read("/bin/sh", "-c", "echo before; exec 1>&-; /bin/sleep 0.2; echo late-err >&2; exit 7")
                .withTimeout(Duration.ofSeconds(5)));
        assertEquals(7, r.exitCode());
        assertEquals("before\n", r.stdout());
        assertEquals("late-err\n", r.stderr());
    }

    @Test
    void aReaderThatStopsEarlyDoesNotHangTheWriter() {
        CommandResult r = runner.run(Command.read("/bin/sh", "-c", "/usr/bin/yes | /usr/bin/head -n 2")
                .withTimeout(Duration.ofSeconds(5)));
        assertEquals("y\ny\n", r.stdout());
    }

    @Test
    void exitCodesAboveOneHundredTwentyEightAreReturnedNotThrown() {
        assertEquals(255, runner.run(Command.read("/bin/sh", "-c", "exit 255")).exitCode());
        assertEquals(137, runner.run(Command.read("/bin/sh", "-c", "kill -KILL $$")).exitCode());
        assertEquals(143, runner.run(Command.read("/bin/sh", "-c", "kill -TERM $$")).exitCode());
    }

    @Test
    void programsThatCannotRunGiveAClearStartError() throws IOException {
        Path notExecutable = temp.resolve("plain.txt");
        Files.writeString(notExecutable, "#!/bin/sh\necho hi\n");
        for (String program : List.of("/nonexistent/prog", notExecutable.toString(), temp.toString())) {
            CommandStartException e = assertThrows(CommandStartException.class, () -> runner.run(Command.read(program, "x")), program);
            assertTrue(e.getMessage().contains(program), e.getMessage());
            assertTrue(e.getCause() != null && e.getCause().getMessage() != null, "a cause says why: " + e.getCause());
        }
        Path file = temp.resolve("f");
        Files.writeString(file, "");
        assertThrows(CommandStartException.class, () -> runner.run(Command.read("/bin/true").withWorkingDirectory(file.toString())));
    }

    @Test
    void programPathsWithBlanksAndQuotesArePassedUnaltered() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("a dir with \"quotes\" and 'single' $HOME"));
        Path script = dir.resolve("my prog ${X}");
        Files.writeString(script, "#!/bin/sh\nprintf '%s|' \"$0\" \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        CommandResult r = runner.run(Command.read(script.toString(), "\"", "'", "\"a b\"", "", "\u00a0nbsp\u00a0", "x y"));
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(script + "|\"|'|\"a b\"||\u00a0nbsp\u00a0|x y|", r.stdout());
    }

    @Test
    void argumentsWithLeadingOrTrailingBlanksAreRefusedBeforeAnythingRuns() {
        for (String bad : List.of(" a", "a ", "\ta", "a\n", "\u2003a", "a\u3000")) {
            assertThrows(IllegalArgumentException.class, () -> runner.run(Command.read("/bin/echo", bad)), Arrays.toString(bad.toCharArray()));
        }
    }

    @Test
    void anEmptyEnvironmentValueIsSetNotDropped() {
        CommandResult r = runner.run(Command.read("/bin/sh", "-c", "echo \"${CAGENT_EMPTY+set}:$CAGENT_EMPTY:${HOME:+home}\"")
                .withEnvironment(Map.of("CAGENT_EMPTY", "")));
        assertEquals("set::home\n", r.stdout());
    }

    @Test
    void startedProcessIgnoringSigtermIsKilledByDestroy() throws Exception {
        Path pids = temp.resolve("pids");
        RunningCommand p = runner.start(Command.read("/bin/sh", "-c", "trap '' TERM; echo $$ > \"$1\"; while :; do /bin/sleep 1; done", "sh", pids.toString()));
        waitForFile(pids);
        p.destroy();
        assertTrue(p.waitFor(Duration.ofSeconds(3)).isPresent());
        assertFalse(p.isAlive());
    }

    @Test
    void startedProcessStreamsCarryBinaryAndLargeData() throws Exception {
        try (RunningCommand cat = runner.start(Command.read("/bin/cat"))) {
            byte[] data = new byte[3 * 1024 * 1024];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31);
            }
            Thread writer = new Thread(() -> {
                try {
                    cat.stdin().write(data);
                    cat.stdin().close();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            byte[] back = cat.stdout().readAllBytes();
            writer.join(5000);
            assertTrue(Arrays.equals(data, back), "bytes differ: " + back.length);
            assertEquals(0, cat.waitFor());
        }
    }

    // =================================================================== CustomStep / MacStep

    static final String DIR = "/usr/local/attack";
    static final String FILE = DIR + "/a.conf";
    static final String JOURNAL = "/private/var/db/cagent/meeseeks/journal.jsonl";

    /** A MacStep whose parts the tests replace. */
    static final class TestStep implements MacStep {
        String describe = "test step " + FILE;
        List<Command> probe = List.of(Command.read("/bin/cat", FILE));
        Function<List<CommandResult>, List<Command>> changes = probed -> probed.get(0).exitCode() == 0 && probed.get(0).stdout().equals("content\n")
                ? List.of() : List.of(Command.write("/usr/bin/tee", FILE).withStdin(Stdin.text("content\n")));
        List<Command> undo = List.of(Command.write("/bin/rm", "-f", FILE));
        int changesCalls;

        @Override
        public String describe() {
            return describe;
        }

        @Override
        public List<Command> probe() {
            return probe;
        }

        @Override
        public List<Command> changes(List<CommandResult> probed) {
            changesCalls++;
            return changes.apply(probed);
        }

        @Override
        public List<Command> undo() {
            return undo;
        }
    }


    private final FakeMac mac = FakeMac.stock();
    private final MacOsBackend backend = MacOsBackend.on(mac).readBack(2, Duration.ZERO).build();
    private final MacSnapshot before;

    RunnerAndExtensionAttackTest() {
        mac.mkdir(DIR, "root", "wheel", 0755);
        before = mac.snapshot();
    }

    private CagePlan plan(CustomStep... steps) {
        CagePlan.Builder b = Cages.minimal();
        for (CustomStep s : steps) {
            b.step(s);
        }
        return b.build();
    }

    private StepReport last(ApplyReport report) {
        return report.steps().get(report.steps().size() - 1);
    }

    @Test
    void baselineApplyReapplyUndo() {
        TestStep step = new TestStep();
        CagePlan plan = plan(step);
        ApplyReport first = backend.apply(plan);
        assertTrue(first.succeeded(), first.toString());
        assertEquals(StepOutcome.CHANGED, last(first).outcome());
        assertEquals("content\n", mac.readFile(FILE));
        assertEquals(StepOutcome.UNCHANGED, last(backend.apply(plan)).outcome());
        assertTrue(backend.undo(plan).succeeded());
        Cages.assertSameState(before, mac.snapshot());
    }

    @Test
    void aStepThatThrowsInChangesBeforeAnyWriteChangesNothing() {
        TestStep step = new TestStep();
        step.changes = probed -> {
            throw new IllegalStateException("boom from the step");
        };
        mac.clearRecorded();
        RuntimeException e = assertThrows(RuntimeException.class, () -> backend.apply(plan(step)));
        assertEquals(List.of(), Cages.lines(Cages.writes(mac)), "no write ran");
        Cages.assertSameState(before, mac.snapshot());
        assertTrue(e.getMessage().contains("boom"), e.toString());
    }

    @Test
    void anExceptionFromACustomStepNamesTheStep() {
        TestStep step = new TestStep();
        step.changes = probed -> {
            throw new IllegalStateException("boom");
        };
        RuntimeException e = assertThrows(RuntimeException.class, () -> backend.apply(plan(step)));
        assertTrue(String.valueOf(e.getMessage()).contains(step.describe()), "which step failed? " + e);
    }

    /** A step whose changes are computed normally the first time and throw when read back. */
    private static TestStep throwingOnReadBack() {
        TestStep step = new TestStep();
        Function<List<CommandResult>, List<Command>> normal = step.changes;
        step.changes = probed -> {
            if (step.changesCalls > 1) {
                throw new IllegalStateException("boom on read-back");
            }
            return normal.apply(probed);
        };
        return step;
    }

    /** The step's writes ran, then its read-back diff throws: the run must still be reported and rolled back. */
    @Test
    void aStepThatThrowsWhenReadBackIsRolledBackAndReported() {
        TestStep step = throwingOnReadBack();
        CagePlan plan = plan(step);
        ApplyReport report;
        try {
            report = backend.apply(plan);
        } catch (RuntimeException e) {
            boolean journalKept = mac.exists(JOURNAL);
            List<String> diff = before.diff(mac.snapshot());
            throw new AssertionError("apply threw " + e + " instead of reporting; journal kept: " + journalKept
                    + "; machine differs from before in " + diff.size() + " ways, e.g. " + diff.subList(0, Math.min(3, diff.size())), e);
        }
        assertFalse(report.succeeded());
        assertEquals(StepOutcome.FAILED, last(report).outcome());
        assertTrue(report.rolledBack());
        Cages.assertSameState(before, mac.snapshot());
    }

    /** The same under the administrator prompt: reported, and taken back by the second prompt. */
    @Test
    void underThePromptAStepThatThrowsWhenReadBackIsRolledBackAndReported() {
        FakeMac prompted = FakeMac.builder().caller("alice").build();
        prompted.mkdir(DIR, "root", "wheel", 0755);
        MacSnapshot stock = prompted.snapshot();
        TestStep step = throwingOnReadBack();
        ApplyReport report = SeedPlans.backend(prompted, Privilege.adminPrompt()).apply(plan(step));
        assertFalse(report.succeeded());
        assertTrue(report.toString().contains("failed while reading back"), report::toString);
        assertTrue(report.rolledBack(), report::toString);
        Cages.assertSameState(stock, prompted.snapshot());
    }

    /** After such a throw, the record on the machine still lets undo take everything back. */
    @Test
    void afterAThrowOnReadBackUndoStillTakesEverythingBack() {
        TestStep step = throwingOnReadBack();
        CagePlan plan = plan(step);
        try {
            backend.apply(plan);
        } catch (RuntimeException expected) {
            // see the test above
        }
        UndoReport undo = backend.undo(plan);
        assertTrue(undo.succeeded(), undo.toString());
        Cages.assertSameState(before, mac.snapshot());
    }

    @Test
    void aStepThatNeverConvergesFailsAndIsRolledBack() {
        TestStep step = new TestStep();
        step.changes = probed -> List.of(Command.write("/usr/bin/tee", FILE).withStdin(Stdin.text("again\n")));
        ApplyReport report = backend.apply(plan(step));
        assertEquals(StepOutcome.FAILED, last(report).outcome(), report.toString());
        assertTrue(last(report).failure().contains("still differs"), last(report).failure());
        assertTrue(report.rolledBack());
        Cages.assertSameState(before, mac.snapshot());
    }

    @Test
    void aFailingOrHangingCustomWriteIsRolledBack() {
        for (Fault fault : List.of(Fault.operationNotPermitted(), Fault.timeout())) {
            FakeMac m = FakeMac.stock();
            m.mkdir(DIR, "root", "wheel", 0755);
            MacSnapshot b = m.snapshot();
            m.faults().failWhen(c -> c.argv().contains("/usr/bin/tee") && c.argv().contains(FILE), fault);
            ApplyReport report = MacOsBackend.on(m).readBack(2, Duration.ZERO).build().apply(plan(new TestStep()));
            assertEquals(StepOutcome.FAILED, last(report).outcome(), report.toString());
            assertTrue(report.rolledBack());
            Cages.assertSameState(b, m.snapshot());
        }
    }

    @Test
    void aProbeThatWritesOrAnUndoWithStdinIsRefusedBeforeAnyWrite() {
        TestStep writesInProbe = new TestStep();
        writesInProbe.probe = List.of(Command.write("/bin/rm", "-f", "/etc/passwd"));
        TestStep stdinInUndo = new TestStep();
        stdinInUndo.undo = List.of(Command.write("/usr/bin/tee", FILE).withStdin(Stdin.text("x")));
        TestStep readInChanges = new TestStep();
        readInChanges.changes = p -> List.of(Command.read("/bin/cat", FILE));
        for (TestStep step : List.of(writesInProbe, stdinInUndo, readInChanges)) {
            mac.clearRecorded();
            RuntimeException e = assertThrows(RuntimeException.class, () -> backend.apply(plan(step)));
            assertTrue(e.getMessage().contains(step.describe()), e.getMessage());
            assertEquals(List.of(), Cages.lines(Cages.writes(mac)));
        }
    }

    @Test
    void aCustomStepTheBackendCannotRunIsRefusedClearly() {
        CustomStep foreign = () -> "foreign thing";
        PlanRefusedException e = assertThrows(PlanRefusedException.class, () -> backend.apply(plan(foreign)));
        assertTrue(e.getMessage().contains("foreign thing") && e.getMessage().contains("MacStep"), e.getMessage());
        assertFalse(backend.preview(plan(foreign)).wouldApply());
    }

    /** A describe() that tries to forge journal lines or kinds changes nothing in what undo does. */
    @Test
    void aDescriptionForgingJournalEntriesIsHarmless() {
        TestStep step = new TestStep();
        step.describe = "x\"}\n{\"kind\":\"user.created\",\"name\":\"alice\"}\n\u2028custom.applied";
        CagePlan plan = plan(step);
        assertTrue(backend.apply(plan).succeeded());
        UndoReport undo = backend.undo(plan);
        assertTrue(undo.succeeded(), undo.toString());
        Cages.assertSameState(before, mac.snapshot());
    }

    @Test
    void twoCustomStepsWithTheSameDescriptionAreBothUndone() {
        TestStep a = new TestStep();
        TestStep b = new TestStep();
        String other = DIR + "/b.conf";
        b.probe = List.of(Command.read("/bin/cat", other));
        b.changes = p -> p.get(0).exitCode() == 0 ? List.of() : List.of(Command.write("/usr/bin/tee", other).withStdin(Stdin.text("b\n")));
        b.undo = List.of(Command.write("/bin/rm", "-f", other));
        CagePlan plan = plan(a, b);
        assertTrue(backend.apply(plan).succeeded());
        assertTrue(mac.exists(other) && mac.exists(FILE));
        assertTrue(backend.undo(plan).succeeded());
        Cages.assertSameState(before, mac.snapshot());
    }

    /** MacStep's Javadoc promises the undo commands are kept; a working directory is part of a command. */
    @Test
    void anUndoCommandWithAWorkingDirectoryIsRefusedBeforeAnyWrite() {
        TestStep step = new TestStep();
        step.undo = List.of(Command.write("/bin/rm", "-f", "a.conf").withWorkingDirectory(DIR));
        CagePlan plan = plan(step);
        mac.clearRecorded();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> backend.apply(plan));
        assertTrue(refused.getMessage().contains("has an undo command with a working directory"), refused.getMessage());
        assertTrue(mac.recorded().stream().noneMatch(RecordedCommand::isWrite), () -> mac.recorded().toString());
    }

    /** A change's environment must reach the command, or be refused; under sudo -n it silently vanishes. */
    @Test
    void aCustomWritesEnvironmentReachesTheCommandOrIsRefused() {
        TestStep step = new TestStep();
        step.changes = probed -> probed.get(0).exitCode() == 0 ? List.of()
                : List.of(Command.write("/usr/bin/env").withEnvironment(Map.of("CAGENT_STEP_SETTING", "on")),
                Command.write("/usr/bin/tee", FILE).withStdin(Stdin.text("content\n")));
        ApplyReport report;
        try {
            report = backend.apply(plan(step));
        } catch (IllegalArgumentException refused) {
            return; // refusing is fine
        }
        RecordedCommand env = mac.recorded().stream().filter(c -> c.argv().contains("/usr/bin/env") && c.isWrite()).findFirst().orElseThrow();
        assertTrue(env.stdout().contains("CAGENT_STEP_SETTING=on"),
                "the command `" + env + "` ran with environment " + env.environment() + " but printed:\n" + env.stdout() + report);
    }

    /** Documents: the engine has no way to see that a step's changes are not covered by its undo. */
    @Test
    void changesWithoutUndoAreLeftBehindSilently() {
        TestStep step = new TestStep();
        step.undo = List.of();
        CagePlan plan = plan(step);
        assertTrue(backend.apply(plan).succeeded());
        UndoReport undo = backend.undo(plan);
        assertTrue(undo.succeeded());
        assertTrue(mac.exists(FILE), "left behind, with a successful undo report: " + undo);
    }

    // =================================================================== FakeMac as a consumer sees it



    @Test
    void unknownArgumentsFailLoudlyAndAreRecorded() {
        CommandRunner runner = mac; // as a consumer uses it: through the port
        List<Command> commands = List.of(
                Command.read("/usr/bin/id", "-G"),
                Command.read("/bin/ls", "--bogus", "/"),
                Command.write("/bin/chmod", "u+s,g=rwx", "/Users"),
                Command.write("/usr/bin/sudo", "-E", "--", "/usr/bin/id", "-u"),
                Command.read("/bin/sh", "-c", "for i in 1 2; do echo $i; done"),
                Command.read("/bin/cat", "-v", "/etc/hosts"));
        for (Command c : commands) {
            CommandResult r = runner.run(c);
            assertEquals(127, r.exitCode(), c + " => " + r);
            assertTrue(r.stderr().contains("fake-mac: unsupported:"), c + " => " + r.stderr());
        }
        assertEquals(commands.stream().map(Command::argv).toList(), mac.recorded().stream().map(RecordedCommand::argv).toList());
        assertTrue(mac.recorded().stream().allMatch(rc -> rc.exitCode() == 127));
    }

    @Test
    void aMissingProgramCannotStartAndIsRecorded() {
        assertThrows(CommandStartException.class, () -> mac.run(Command.read("/usr/local/bin/nothing-here")));
        assertEquals(1, mac.recorded().size());
        assertEquals(127, mac.recorded().get(0).exitCode());
    }

    @Test
    void theRecordingIsImmutable() {
        mac.run(Command.read("/usr/bin/id", "-u"));
        List<RecordedCommand> rec = mac.recorded();
        assertThrows(UnsupportedOperationException.class, () -> rec.add(rec.get(0)));
        assertThrows(UnsupportedOperationException.class, () -> rec.get(0).argv().add("x"));
    }

    /** RecordedCommand: "Secrets never appear". A program that echoes its input puts it in stdout. */
    @Test
    void aSecretOnStdinNeverAppearsInTheRecording() {
        Secret secret = Secret.of("hunter2-Secret");
        Stdin stdin = Stdin.builder().secret("PW", secret).text("\n").build();
        mac.as("root").run(Command.write("/usr/bin/tee", "/private/tmp/x").withStdin(stdin));
        mac.run(Command.read("/bin/cat").withStdin(stdin));
        for (RecordedCommand rc : mac.recorded()) {
            assertFalse((rc.toString() + rc.stdout() + rc.stderr() + rc.environment()).contains("hunter2"),
                    "recorded: " + rc + " stdout=" + rc.stdout());
        }
    }

    /** Every public member of every public testkit type uses only types another project can name. */
    @Test
    void thePublicApiExposesOnlyPublicTypes() throws Exception {
        List<String> problems = new ArrayList<>();
        List<Class<?>> types = List.of(FakeMac.class, FakeMac.Builder.class, RecordedCommand.class, MacSnapshot.class,
                Class.forName("dev.cagent.testkit.Faults"), Fault.class, Class.forName("dev.cagent.testkit.FileInfo"),
                Class.forName("dev.cagent.testkit.Access"), Class.forName("dev.cagent.testkit.AdminPromptAnswer"));
        List<Class<?>> all = new ArrayList<>(types);
        for (Class<?> t : types) {
            for (Class<?> inner : t.getDeclaredClasses()) {
                if (Modifier.isPublic(inner.getModifiers()) || t.isInterface()) {
                    all.add(inner);
                }
            }
        }
        for (Class<?> t : all) {
            for (Method m : t.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()) {
                    check(problems, t.getSimpleName() + "." + m.getName(), m.getGenericReturnType());
                    for (Type p : m.getGenericParameterTypes()) {
                        check(problems, t.getSimpleName() + "." + m.getName(), p);
                    }
                }
            }
            for (Constructor<?> c : t.getDeclaredConstructors()) {
                if (Modifier.isPublic(c.getModifiers())) {
                    for (Type p : c.getGenericParameterTypes()) {
                        check(problems, t.getSimpleName() + ".<init>", p);
                    }
                }
            }
            for (Field f : t.getDeclaredFields()) {
                if (Modifier.isPublic(f.getModifiers())) {
                    check(problems, t.getSimpleName() + "." + f.getName(), f.getGenericType());
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    private void check(List<String> problems, String where, Type type) {
        if (type instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (!c.isPrimitive() && !isAccessible(c)) {
                problems.add(where + " uses non-public " + c.getName());
            }
        } else if (type instanceof ParameterizedType p) {
            check(problems, where, p.getRawType());
            for (Type a : p.getActualTypeArguments()) {
                check(problems, where, a);
            }
        } else if (type instanceof GenericArrayType g) {
            check(problems, where, g.getGenericComponentType());
        } else if (type instanceof WildcardType w) {
            for (Type u : w.getUpperBounds()) {
                check(problems, where, u);
            }
            for (Type l : w.getLowerBounds()) {
                check(problems, where, l);
            }
        }
    }

    private boolean isAccessible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    // =================================================================== helpers

    private static void waitForFile(Path file) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!(Files.exists(file) && Files.readString(file).endsWith("\n"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(file + " was never written");
            }
            Thread.sleep(10);
        }
    }

    private static List<Long> pids(Path file) throws IOException, InterruptedException {
        waitForFile(file);
        return Arrays.stream(Files.readString(file).trim().split(" ")).map(Long::parseLong).toList();
    }

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

    @SuppressWarnings("unused")
    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
