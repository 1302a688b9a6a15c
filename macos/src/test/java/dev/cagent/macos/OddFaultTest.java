package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.PlanRefusedException;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.StepOutcome;
import dev.cagent.report.UndoReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.cagent.macos.Cages.assertSameState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults in odd places: a read whose output is garbage (malformed plist, ls lines cut short, a
 * stat line in no known shape), the record truncated or deleted, a backup gone, and one plan
 * replaced by another before undo (two cages on one Mac: {@link SharedByCagesTest}).
 */
class OddFaultTest {

    private final CagePlan plan = Cages.correctedPlan();

    /**
     * The fake Mac, except that the {@code n}-th command {@code match} accepts prints what
     * {@code garble} makes of its real output (the command itself still runs).
     */
    private static CommandRunner garbling(FakeMac mac, Predicate<Command> match, int n, UnaryOperator<String> garble) {
        AtomicInteger seen = new AtomicInteger();
        return new CommandRunner() {
            @Override
            public CommandResult run(Command command) {
                CommandResult real = mac.run(command);
                if (match.test(command) && seen.incrementAndGet() == n) {
                    return CommandResult.of(real.exitCode(), garble.apply(real.stdout()), real.stderr());
                }
                return real;
            }

            @Override
            public Object machine() {
                return mac;
            }
        };
    }

    private static Predicate<Command> running(String program, String operand) {
        return c -> c.argv().contains(program) && c.argv().contains(operand);
    }

    private static String cutInHalf(String text) {
        return text.substring(0, text.length() / 2);
    }

    static Stream<Arguments> garbledFirstReads() {
        return Stream.of(
                Arguments.of("plist cut short", running("/usr/bin/dscl", "/Users/meeseeks"), (UnaryOperator<String>) OddFaultTest::cutInHalf),
                Arguments.of("plist of another shape", running("/usr/bin/dscl", "/Users/meeseeks"),
                        (UnaryOperator<String>) s -> "<?xml version=\"1.0\"?><plist><array/></plist>"),
                Arguments.of("user list without ids", running("/usr/bin/dscl", "UniqueID"), (UnaryOperator<String>) s -> s + "orphan\n"),
                Arguments.of("ls lines cut short", running("/bin/ls", "/Users/alice"), (UnaryOperator<String>) OddFaultTest::cutInHalf),
                Arguments.of("stat of an unknown shape", running("/usr/bin/stat", "/Users/meeseeks"),
                        (UnaryOperator<String>) s -> "weird 1 2 3\n" + s),
                Arguments.of("stat cut short", running("/usr/bin/stat", "/Users/meeseeks"), (UnaryOperator<String>) OddFaultTest::cutInHalf));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbledFirstReads")
    void garbageInTheFirstLookStopsEveryOperationWithTheCommandNamed(String what, Predicate<Command> match, UnaryOperator<String> garble) {
        FakeMac mac = FakeMac.stock();
        assertTrue(Cages.backend(mac).apply(plan).succeeded());
        MacSnapshot before = mac.snapshot();
        for (int n = 1; n <= 3; n++) {
            int attempt = n;
            MacOsBackend backend = MacOsBackend.on(garbling(mac, match, 1, garble)).readBack(3, Duration.ZERO).build();
            Runnable operation = List.<Runnable>of(() -> backend.apply(plan), () -> backend.preview(plan), () -> backend.verify(plan)).get(n - 1);
            MachineReadException stopped = assertThrows(MachineReadException.class, operation::run, () -> what + ", operation " + attempt);
            assertTrue(stopped.getMessage().startsWith("could not read the machine: `"), stopped.getMessage());
        }
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aStatOfAnUnexpectedTypeIsRefusedInWords() {
        FakeMac mac = FakeMac.stock();
        assertTrue(Cages.backend(mac).apply(plan).succeeded());
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = MacOsBackend.on(garbling(mac, running("/usr/bin/stat", "/Users/meeseeks"), 1,
                out -> out.replaceFirst("(?m)^40750 ", "20750 "))).readBack(3, Duration.ZERO).build();

        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> backend.apply(plan));

        assertEquals(List.of("home /Users/meeseeks exists but is a special file (a device, pipe or socket), not a directory: move it away or plan another home"),
                refused.reasons());
        assertSameState(before, mac.snapshot());
    }

    @Test
    void garbageInTheReadBackFailsTheStepAndRollsBack() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = MacOsBackend.on(garbling(mac, running("/usr/bin/dscl", "/Groups/collabo"), 2, OddFaultTest::cutInHalf))
                .readBack(3, Duration.ZERO).build();

        ApplyReport report = backend.apply(plan);

        assertFalse(report.succeeded());
        assertEquals(StepOutcome.FAILED, report.steps().get(1).outcome(), report::toString);
        assertTrue(report.steps().get(1).failure().startsWith("could not read the machine: `/usr/bin/dscl -plist . -read /Groups/collabo`"),
                report.steps().get(1).failure());
        assertTrue(report.rolledBack(), report::toString);
        assertSameState(before, mac.snapshot());
    }

    @Test
    void garbageWhileUndoReadsIsReportedAndTheNextUndoFinishes() {
        FakeMac mac = FakeMac.stock();
        String project = "/Users/Shared/project";
        mac.mkdir(project, "alice", "staff", 0755);
        mac.writeFile(project + "/notes.md", "alice", "staff", 0644, "notes\n");
        MacSnapshot before = mac.snapshot();
        CagePlan shared = Cages.corrected().workspace(project).build();
        assertTrue(Cages.backend(mac).apply(shared).succeeded());
        MacOsBackend garbled = MacOsBackend.on(garbling(mac, running("/usr/bin/find", project), 1, s -> s + "garbage line\n"))
                .readBack(3, Duration.ZERO).build();

        UndoReport failed = garbled.undo(shared);

        assertFalse(failed.succeeded(), failed::toString);
        assertTrue(failed.toString().contains("FAILED: /usr/bin/sudo -n -- /usr/bin/find -x /Users/Shared/project '!' -type l '!' -path '*\n*' -exec /bin/ls -led '{}' +"
                + "  => printed what cagent cannot read safely: ls output line 'garbage line' is neither an entry nor an ACL line"), failed::toString);
        UndoReport finished = Cages.backend(mac).undo(shared);
        assertTrue(finished.succeeded(), finished::toString);
        assertSameState(before, mac.snapshot());
    }

    /** Replaces a root-owned file's content, as a crash or a full disk would leave it. */
    private static void rewriteAsRoot(FakeMac mac, String path, String content) {
        mac.writeFile(path, "root", "wheel", 0644, content);
    }

    @Test
    void aRecordCutShortInItsLastLineIsAppendedToCleanlyAndUndoneToTheEnd() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = Cages.backend(mac);
        CagePlan small = Cages.minimal().build();
        assertTrue(backend.apply(small).succeeded());
        String journal = mac.readFile(Cages.JOURNAL);
        rewriteAsRoot(mac, Cages.JOURNAL, journal + "{\"kind\":\"deny.added\",\"fields\":{\"pa");

        ApplyReport more = backend.apply(small.toBuilder().denyListing("/Users").build());

        assertTrue(more.succeeded(), more::toString);
        UndoReport undo = backend.undo(small);
        assertTrue(undo.succeeded(), undo::toString);
        assertSameState(before, mac.snapshot());
    }

    @ParameterizedTest(name = "record: \"{0}\"")
    @ValueSource(strings = {"", "{\"format\":\"cagent-jou"})
    void aRecordCutShortInItsHeaderMeansNothingWasDone(String cut) {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = Cages.backend(mac);
        CagePlan small = Cages.minimal().build();
        mac.mkdir("/private/var/db/cagent", "root", "wheel", 0755);
        mac.mkdir("/private/var/db/cagent/meeseeks", "root", "wheel", 0755);
        rewriteAsRoot(mac, Cages.JOURNAL, cut);

        assertEquals(List.of("nothing recorded for meeseeks in " + Cages.JOURNAL + ": nothing to undo"), backend.undo(small).kept());
        ApplyReport applied = backend.apply(small);

        assertTrue(applied.succeeded(), applied::toString);
        UndoReport undo = backend.undo(small);
        assertTrue(undo.succeeded(), undo::toString);
        // that cagent made the state root was in the lost first line: the empty directory stays
        assertEquals(List.of("/private/var/db/cagent: added (directory 0:0 0755)"), before.diff(mac.snapshot()));
    }

    @Test
    void aRecordDeletedBetweenApplyAndUndoLeavesTheCageAndSaysSo() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = Cages.backend(mac);
        assertTrue(backend.apply(plan).succeeded());
        Cages.byHand(mac, "/bin/rm", "-rf", "/private/var/db/cagent/meeseeks");
        MacSnapshot caged = mac.snapshot();

        UndoReport undo = backend.undo(plan);

        assertEquals(List.of("nothing recorded for meeseeks in " + Cages.JOURNAL + ": nothing to undo"), undo.kept(), undo::toString);
        assertSameState(caged, mac.snapshot());
    }

    @Test
    void aBackupDeletedBeforeUndoStillTakesCagentsBlockOut() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = Cages.backend(mac);
        assertTrue(backend.apply(plan).succeeded());
        Cages.byHand(mac, "/bin/rm", "-rf", "/private/var/db/cagent/meeseeks/backups");

        UndoReport undo = backend.undo(plan);

        assertTrue(undo.succeeded(), undo::toString);
        assertTrue(undo.undone().contains("took cagent's part out of /Users/alice/.zshrc (its backup is gone, so the rest is kept as it is)"),
                undo::toString);
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aPlanReplacedByAnotherBeforeUndo() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = Cages.backend(mac);
        assertTrue(backend.apply(plan).succeeded());
        CagePlan changed = Cages.corrected().workspace("/Users/Shared/together").humanUmask("007")
                .claudeCodeHook(ClaudeCodeHook.Location.USER).realName("Meeseeks II").homeMode(0700).build();
        mac.createFileAs("alice", "/Users/Shared/together-notes.md", "notes\n", 022);
        MacSnapshot withNotes = mac.snapshot();

        ApplyReport replaced = backend.apply(changed);

        assertTrue(replaced.succeeded(), replaced::toString);
        assertTrue(backend.verify(changed).isClean());
        UndoReport undo = backend.undo(changed);
        assertTrue(undo.succeeded(), undo::toString);
        List<String> left = stock.diff(mac.snapshot());
        assertEquals(List.of("/Users/Shared/together-notes.md: added (file 501:0 0644)"), left);
    }

    @Test
    void underTheAdministratorPromptGarbageInTheReadBackFailsTheStepAndRollsBack() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = MacOsBackend.on(garbling(mac, running("/usr/bin/dscl", "/Groups/collabo"), 2, OddFaultTest::cutInHalf))
                .privilege(Privilege.adminPrompt()).readBack(3, Duration.ZERO).build();

        ApplyReport report = backend.apply(plan);

        assertFalse(report.succeeded());
        assertEquals(StepOutcome.FAILED, report.steps().get(1).outcome(), report::toString);
        assertTrue(report.steps().get(1).failure().startsWith("could not read the machine: `/usr/bin/dscl -plist . -read /Groups/collabo`"),
                report.steps().get(1).failure());
        assertTrue(report.rolledBack(), report::toString);
        assertSameState(before, mac.snapshot());
    }

    @Test
    void theAdministratorPromptRefusesAHookInTheAgentsOwnSettingsBeforeAnyWrite() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = SeedPlans.backend(mac, Privilege.adminPrompt());
        CagePlan userHook = Cages.corrected().claudeCodeHook(ClaudeCodeHook.Location.USER).build();

        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> backend.apply(userHook));

        assertTrue(refused.getMessage().contains("under the administrator prompt cagent reads the machine with alice's own rights and cannot read"
                + " /Users/meeseeks/.claude/settings.json in the agent's private settings directory: choose claudeCodeHook(Location.ROOT_OWNED)"
                + " (recommended) or a sudo strategy"), refused.getMessage());
        assertSameState(before, mac.snapshot());
    }
}
