package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.InvalidPlanException;
import dev.cagent.Password;
import dev.cagent.PlanRefusedException;
import dev.cagent.Secret;
import dev.cagent.Step;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandTimeoutException;
import dev.cagent.exec.Stdin;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.Drift;
import dev.cagent.report.ExecutedCommand;
import dev.cagent.report.Preview;
import dev.cagent.report.StepReport;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.Fault;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's password and the human's sudo password go to the processes that need them on
 * standard input, and nowhere else: not into argv, previews, reports, exceptions, recorded
 * commands, the journal, any file on the Mac, nor the log (captured at debug level). Each test
 * collects every text a run produced and looks for the passwords, plain, base64 and hex.
 *
 * <p>Runs in a JVM of its own where {@code dev.cagent} logs at debug to {@code System.err}
 * (the {@code secret-scan} execution in this module's pom).
 */
class SecretScanTest {

    static {
        // alone in its JVM (mvn test, or -Dtest=SecretScanTest), slf4j-simple has not read its settings yet
        System.setProperty("org.slf4j.simpleLogger.log.dev.cagent", "debug");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }

    private static final Secret AGENT_PASSWORD = Secret.of(SeedPlans.AGENT_PASSWORD);
    private static final Secret SUDO_PASSWORD = Secret.of("alices-Own-Login-9");
    private static final String PASSWD_LINE = "passwd /Users/meeseeks \"****\"\n";

    private final List<String> texts = new ArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureTheLog() {
        assertTrue(LoggerFactory.getLogger(MacOsBackend.class).isDebugEnabled(),
                "the scan reads debug logs: run it in the secret-scan execution, or alone (-Dtest=SecretScanTest)");
        originalErr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreTheLog() {
        System.setErr(originalErr);
    }

    // --- the runs --------------------------------------------------------------------------------

    @Test
    void previewApplyVerifyAndUndoWithSudoNonInteractive() {
        FakeMac mac = FakeMac.stock();
        lifecycle(mac, SeedPlans.backend(mac), PASSWD_LINE);
        scan();
    }

    @Test
    void previewApplyVerifyAndUndoWithSudoAndAPassword() {
        FakeMac mac = FakeMac.builder().sudoTicket(false).sudoPassword(SUDO_PASSWORD).build();
        lifecycle(mac, SeedPlans.backend(mac, Privilege.sudoWithPassword(SUDO_PASSWORD)), "****\n" + PASSWD_LINE);
        assertTrue(mac.recorded().stream().filter(c -> c.argv().get(0).equals("/usr/bin/sudo")).allMatch(c -> c.stdin().startsWith("****\n")));
        scan();
    }

    @Test
    void failedAppliesWhoseFaultHitsThePasswordWriteOrAnother() {
        CagePlan plan = SeedPlans.correctedWithPassword(AGENT_PASSWORD);
        Predicate<Command> passwordWrite = c -> c.argv().contains("-q");
        Predicate<Command> otherWrite = c -> c.isWrite() && c.argv().contains("/Library/Keychains");
        for (Fault fault : List.of(Fault.exit(1, "passwd: DS Error: -14165 (eDSAuthPasswordQualityCheckFailed)"),
                Fault.operationNotPermitted(), Fault.timeout())) {
            for (Predicate<Command> where : List.of(passwordWrite, otherWrite)) {
                for (boolean withSudoPassword : List.of(false, true)) {
                    FakeMac mac = withSudoPassword ? FakeMac.builder().sudoTicket(false).sudoPassword(SUDO_PASSWORD).build() : FakeMac.stock();
                    MacOsBackend backend = withSudoPassword ? SeedPlans.backend(mac, Privilege.sudoWithPassword(SUDO_PASSWORD)) : SeedPlans.backend(mac);
                    MacSnapshot before = mac.snapshot();
                    mac.faults().failWhen(where, fault);
                    ApplyReport report = backend.apply(plan);
                    assertFalse(report.succeeded(), report::toString);
                    assertEquals(List.of(), before.diff(mac.snapshot()), report::toString);
                    collect(report);
                    collect(mac);
                }
            }
        }
        scan();
    }

    @Test
    void aWrongSudoPasswordAndRefusedPlans() {
        CagePlan plan = SeedPlans.correctedWithPassword(AGENT_PASSWORD);
        FakeMac sudoMac = FakeMac.builder().sudoTicket(false).sudoPassword(SUDO_PASSWORD).build();
        collect(assertThrows(PrivilegeException.class,
                () -> SeedPlans.backend(sudoMac, Privilege.sudoWithPassword(Secret.of("not-" + SUDO_PASSWORD.reveal()))).apply(plan)));
        collect(sudoMac);

        CagePlan unsafe = Cage.forUser(SeedPlans.AGENT).uid(69).primaryGroupId(20).password(AGENT_PASSWORD).human(SeedPlans.HUMAN)
                .deny("/Users").deny("/private/var").collaborationGroup("collabo").collaborationGroupId(69)
                .workspace(SeedPlans.WORKSHOP).workspaceModes(02770, 02770).build();
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = SeedPlans.backend(mac);
        collect(unsafe);
        collect(unsafe.lint().toString());
        collect(backend.preview(unsafe));
        collect(assertThrows(PlanRefusedException.class, () -> backend.apply(unsafe)));

        mac.addUser("squatter", 650, 20, "/Users/squatter");
        CagePlan taken = plan.toBuilder().uid(650).build();
        collect(backend.preview(taken));
        collect(assertThrows(PlanRefusedException.class, () -> backend.apply(taken)));
        collect(assertThrows(PlanRefusedException.class, () -> SeedPlans.backend(mac, Privilege.adminPrompt()).apply(plan)));
        collect(mac);

        Secret unusable = Secret.of("comeUp\"WithYourOwnPassword");
        InvalidPlanException invalid = assertThrows(InvalidPlanException.class, () -> Password.of(unusable));
        collect(invalid);
        assertFalse(invalid.getMessage().contains("WithYourOwn"), invalid.getMessage());
        scan();
    }

    @Test
    void theProcessRunnerLogsAndReportsNoSecretOnStdin() {
        ExecCommandRunner runner = new ExecCommandRunner();
        Stdin secret = Stdin.builder().text("password: ").secret("CAGENT_PASSWORD", AGENT_PASSWORD).text("\n").build();

        CommandResult counted = runner.run(Command.read("/usr/bin/wc", "-c").withStdin(secret));
        assertEquals(Integer.toString(("password: " + AGENT_PASSWORD.reveal() + "\n").length()), counted.stdout().strip(),
                "the whole secret reached the process");
        collect(counted.toString());

        Command failing = Command.write("/bin/sh", "-c", "read line; echo refused >&2; exit 3").withStdin(secret);
        collect(new ExecutedCommand(failing, runner.run(failing), null));

        Command hanging = Command.write("/bin/sleep", "5").withStdin(secret).withTimeout(Duration.ofMillis(200));
        collect(assertThrows(CommandTimeoutException.class, () -> runner.run(hanging)));
        collect(hanging.toString());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("/usr/bin/wc -c <<< 'password: ****"), "the runner logged the command");
        scan();
    }

    /** Preview, apply, verify, undo of the plan with a password, collecting every text; the password reached dscl. */
    private void lifecycle(FakeMac mac, MacOsBackend backend, String expectedPasswdStdin) {
        CagePlan plan = SeedPlans.correctedWithPassword(AGENT_PASSWORD);
        collect(plan);
        collect(backend.preview(plan));

        ApplyReport applied = backend.apply(plan);
        assertTrue(applied.succeeded(), applied::toString);
        collect(applied);
        assertTrue(mac.passwordMatches(SeedPlans.AGENT, AGENT_PASSWORD), "the password reached dscl on its standard input");
        List<RecordedCommand> passwd = mac.recorded().stream().filter(c -> c.argv().contains("-q")).toList();
        assertEquals(1, passwd.size());
        assertEquals(expectedPasswdStdin, passwd.get(0).stdin());
        collect(mac.readFile("/private/var/db/cagent/meeseeks/journal.jsonl"));
        collect(mac);

        mac.writeFileAs(SeedPlans.HUMAN, "/Users/alice/.zshrc", "# edited since\n");
        VerifyReport drift = backend.verify(plan);
        assertFalse(drift.isClean());
        collect(drift);
        collect(backend.apply(plan));

        UndoReport undone = backend.undo(plan);
        assertTrue(undone.succeeded(), undone::toString);
        collect(undone);
        collect(mac);
    }

    // --- collecting --------------------------------------------------------------------------------

    private void collect(String text) {
        texts.add(text);
    }

    private void collect(CagePlan plan) {
        collect(plan.toString());
        collect(plan.user().password().toString());
        for (Step step : plan.steps()) {
            collect(step.toString());
            collect(step.describe());
        }
    }

    private void collect(Preview preview) {
        collect(preview.toString());
        collect(preview.script());
        preview.plannedChanges().forEach(this::collect);
        preview.refusals().forEach(this::collect);
        collect(preview.lint().toString());
    }

    private void collect(ApplyReport report) {
        collect(report.toString());
        for (StepReport step : report.steps()) {
            collect(step.toString());
            step.failureReason().ifPresent(this::collect);
            step.changes().forEach(this::collect);
            step.commands().forEach(this::collect);
        }
    }

    private void collect(ExecutedCommand command) {
        collect(command.toString());
        collect(command.command().toString());
        collect(command.command().toShellLine());
        collect(command.command().stdin().redacted());
        collect(command.command().environment().toString());
        command.resultIfFinished().ifPresent(r -> {
            collect(r.stdout());
            collect(r.stderr());
        });
        if (command.failure() != null) {
            collect(command.failure());
        }
    }

    private void collect(VerifyReport report) {
        collect(report.toString());
        report.drifts().stream().map(Drift::toString).forEach(this::collect);
    }

    private void collect(UndoReport report) {
        collect(report.toString());
        report.failures().forEach(this::collect);
    }

    private void collect(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            collect(String.valueOf(t.getMessage()));
            collect(t.toString());
        }
        if (thrown instanceof PlanRefusedException refused) {
            refused.reasons().forEach(this::collect);
        }
    }

    /** Everything the fake Mac saw and holds: every command with its input and output, every file, every record. */
    private void collect(FakeMac mac) {
        for (RecordedCommand c : mac.recorded()) {
            collect(c.toString());
            collect(String.join("\0", c.argv()));
            collect(c.stdin());
            collect(c.stdout());
            collect(c.stderr());
            c.environment().values().forEach(this::collect);
        }
        MacSnapshot snapshot = mac.snapshot();
        collect(snapshot.toString());
        snapshot.files().forEach((path, entry) -> collect(path + "\n" + entry.content()));
        snapshot.users().forEach((name, record) -> collect(name + record));
        snapshot.groups().forEach((name, record) -> collect(name + record));
        snapshot.passwordHashes().values().forEach(this::collect);
    }

    // --- scanning --------------------------------------------------------------------------------

    private void scan() {
        String logged = log.toString(StandardCharsets.UTF_8);
        assertFalse(logged.isBlank(), "the run logged something to scan");
        texts.add(logged);
        assertTrue(texts.size() >= 10, "collected " + texts.size() + " texts");
        for (Map.Entry<String, Secret> secret : Map.of("the agent's password", AGENT_PASSWORD, "the sudo password", SUDO_PASSWORD).entrySet()) {
            for (String form : forms(secret.getValue())) {
                for (String text : texts) {
                    assertFalse(text.contains(form), () -> secret.getKey() + " (as '" + form.charAt(0) + "...') appears in:\n" + text);
                }
            }
        }
    }

    /** The secret as it could leak: plain, base64 (standard, URL-safe, unpadded) and hex. */
    private static List<String> forms(Secret secret) {
        byte[] bytes = secret.reveal().getBytes(StandardCharsets.UTF_8);
        return List.of(secret.reveal(),
                Base64.getEncoder().encodeToString(bytes),
                Base64.getEncoder().withoutPadding().encodeToString(bytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                HexFormat.of().formatHex(bytes),
                HexFormat.of().withUpperCase().formatHex(bytes));
    }
}
