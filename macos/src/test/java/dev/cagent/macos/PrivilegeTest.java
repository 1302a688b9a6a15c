package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.PlanRefusedException;
import dev.cagent.Secret;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.Preview;
import dev.cagent.report.StepOutcome;
import dev.cagent.testkit.AdminPromptAnswer;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.Fault;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How cagent gets root: already root, sudo -n, sudo with a password on stdin, the administrator prompt. */
class PrivilegeTest {

    private static final String SUDO = "/usr/bin/sudo";
    private static final Secret SUDO_PASSWORD = Secret.of("alices-own-login");
    private static final String DSCL_CREATE = "/usr/bin/dscl . -create /Users/meeseeks";

    private final CagePlan plan = SeedPlans.corrected();

    private static List<RecordedCommand> writes(FakeMac mac) {
        return mac.recorded().stream().filter(RecordedCommand::isWrite).toList();
    }

    /** The preview's line that creates the agent's record. */
    private static String createLine(Preview preview) {
        return preview.script().lines().filter(l -> l.endsWith(DSCL_CREATE)).findFirst()
                .orElseThrow(() -> new AssertionError("no line creates the record:\n" + preview.script()));
    }

    @Test
    void autoRunsRootWritesDirectlyWhenAlreadyRoot() {
        FakeMac mac = FakeMac.builder().caller("root").build();
        MacOsBackend backend = SeedPlans.backend(mac);

        assertEquals(DSCL_CREATE, createLine(backend.preview(plan)));
        ApplyReport report = backend.apply(plan);

        assertTrue(report.succeeded(), report::toString);
        assertTrue(writes(mac).stream().anyMatch(c -> String.join(" ", c.argv()).equals(DSCL_CREATE)));
        for (RecordedCommand write : writes(mac)) {
            assertTrue(!write.argv().get(0).equals(SUDO) || write.argv().subList(0, 4).equals(List.of(SUDO, "-n", "-u", "alice")),
                    () -> "as root, only the human's own files go through sudo -u: " + write);
        }
    }

    @Test
    void autoUsesSudoNonInteractiveForAnAdministrator() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = SeedPlans.backend(mac);

        Preview preview = backend.preview(plan);
        assertEquals("/usr/bin/sudo -n -- " + DSCL_CREATE, createLine(preview));
        assertTrue(preview.script().contains("' | /usr/bin/tee /Users/alice/.zshrc.cagent-new >/dev/null\n"),
                () -> "alice's own file needs no sudo: " + preview.script());
        ApplyReport report = backend.apply(plan);

        assertTrue(report.succeeded(), report::toString);
        assertTrue(backend.verify(plan).isClean());
        for (RecordedCommand write : writes(mac)) {
            boolean asAlice = !write.argv().get(0).equals(SUDO);
            assertTrue(asAlice ? write.argv().stream().anyMatch(a -> a.startsWith("/Users/alice/.zshrc"))
                            : write.argv().get(1).equals("-n"),
                    () -> "every write runs through sudo -n, except alice's own file: " + write);
        }
    }

    @Test
    void sudoNonInteractiveWithoutATicketStopsBeforeAnyWriteAndSaysToRunSudoV() {
        FakeMac mac = FakeMac.builder().sudoTicket(false).build();
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = SeedPlans.backend(mac);

        PrivilegeException refused = assertThrows(PrivilegeException.class, () -> backend.apply(plan));

        assertTrue(refused.getMessage().contains("run `sudo -v`"), refused.getMessage());
        assertTrue(refused.getMessage().contains("sudo: a password is required"), refused.getMessage());
        assertEquals(List.of(), writes(mac));
        assertEquals(before, mac.snapshot());
        RecordedCommand check = mac.recorded().get(mac.recorded().size() - 1);
        assertEquals(List.of(SUDO, "-n", "--", "/usr/bin/id", "-u"), check.argv(), "the last command is the harmless check");
        assertTrue(mac.recorded().stream().filter(c -> c.argv().get(0).equals(SUDO)).allMatch(c -> c.argv().get(1).equals("-n")),
                "sudo never asks for a password it cannot get");
        assertThrows(PrivilegeException.class, () -> backend.preview(plan));
        assertThrows(PrivilegeException.class, () -> backend.verify(plan));
        assertThrows(PrivilegeException.class, () -> backend.undo(plan));
        assertEquals(List.of(), writes(mac));
    }

    @Test
    void alreadyRootChosenByMistakeIsRefusedBeforeAnyWrite() {
        FakeMac mac = FakeMac.stock();
        PrivilegeException refused = assertThrows(PrivilegeException.class,
                () -> SeedPlans.backend(mac, Privilege.alreadyRoot()).apply(plan));
        assertTrue(refused.getMessage().contains("cagent runs as alice"), refused.getMessage());
        assertEquals(List.of(), writes(mac));
    }

    @Test
    void aCallerSudoDoesNotAllowIsToldSo() {
        FakeMac mac = FakeMac.builder().caller("_www").build();
        PrivilegeException refused = assertThrows(PrivilegeException.class, () -> SeedPlans.backend(mac).apply(plan));
        assertTrue(refused.getMessage().startsWith("_www may not use sudo (_www is not in the sudoers file.)"), refused.getMessage());
        assertEquals(List.of(), writes(mac));
    }

    @Test
    void sudoWithPasswordFeedsThePasswordOnStdinToEveryRootCommand() {
        FakeMac mac = FakeMac.builder().sudoTicket(false).sudoPassword(SUDO_PASSWORD).build();
        MacOsBackend backend = SeedPlans.backend(mac, Privilege.sudoWithPassword(SUDO_PASSWORD));

        String expected = "\nprintf '%s' \"${CAGENT_SUDO_PASSWORD:?export CAGENT_SUDO_PASSWORD first}\"'\n' | /usr/bin/sudo -k -S -p '' -- " + DSCL_CREATE + "\n";
        Preview preview = backend.preview(plan);
        assertTrue(preview.script().contains(expected), preview::script);
        ApplyReport report = backend.apply(plan);

        assertTrue(report.succeeded(), report::toString);
        assertTrue(backend.verify(plan).isClean());
        List<RecordedCommand> viaSudo = mac.recorded().stream().filter(c -> c.argv().get(0).equals(SUDO)).toList();
        assertFalse(viaSudo.isEmpty());
        for (RecordedCommand c : viaSudo) {
            assertEquals(List.of(SUDO, "-k", "-S", "-p", ""), c.argv().subList(0, 5), c::toString);
            assertTrue(c.stdin().startsWith("****\n"), () -> "the password goes first on stdin, masked in the record: " + c);
        }
    }

    @Test
    void sudoWithAWrongPasswordStopsBeforeAnyWrite() {
        FakeMac mac = FakeMac.builder().sudoTicket(false).sudoPassword(SUDO_PASSWORD).build();
        MacSnapshot before = mac.snapshot();

        PrivilegeException refused = assertThrows(PrivilegeException.class,
                () -> SeedPlans.backend(mac, Privilege.sudoWithPassword(Secret.of("not-her-password"))).apply(plan));

        assertTrue(refused.getMessage().contains("sudo refused the password"), refused.getMessage());
        assertTrue(refused.getMessage().contains("1 incorrect password attempt"), refused.getMessage());
        assertEquals(List.of(), writes(mac));
        assertEquals(before, mac.snapshot());
    }

    @Test
    void aSudoPasswordHoldingALineBreakIsRefusedBeforeSudoCouldFeedTheRestToACommand() {
        // sudo -S reads one line: the rest would be the command's input, e.g. appended to the journal everyone may read
        for (String text : List.of("right\nhunter2", "right\r\nhunter2", "right\n", "right\u0000hunter2")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Privilege.sudoWithPassword(Secret.of(text)));
            assertTrue(refused.getMessage().startsWith("the sudo password holds a line break or NUL at position 6"), refused.getMessage());
            assertFalse(refused.getMessage().contains("right") || refused.getMessage().contains("hunter2"), refused.getMessage());
        }
    }

    @Test
    void sudoWithPasswordAsRootRunsAsRoot() {
        FakeMac mac = FakeMac.builder().caller("root").build();
        ApplyReport report = SeedPlans.backend(mac, Privilege.sudoWithPassword(SUDO_PASSWORD)).apply(plan);
        assertTrue(report.succeeded(), report::toString);
        assertTrue(mac.recorded().stream().noneMatch(c -> c.argv().contains("-S")), "root needs no password: none is sent");
    }

    @Test
    void theAdministratorPromptRunsThePreviewedScriptOnceForTheWholeWritePhase() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = SeedPlans.backend(mac, Privilege.adminPrompt());
        Preview preview = backend.preview(plan);
        assertEquals(DSCL_CREATE, createLine(preview), "the script runs as root: no sudo for root's writes");
        assertTrue(preview.script().contains("' | /usr/bin/sudo -n -u alice -- /usr/bin/tee /Users/alice/.zshrc.cagent-new >/dev/null\n"),
                () -> "the human's own file is written as the human: " + preview.script());
        mac.clearRecorded();

        ApplyReport report = backend.apply(plan);

        assertTrue(report.succeeded(), report::toString);
        List<RecordedCommand> prompts = mac.recorded().stream().filter(c -> c.argv().get(0).equals("/usr/bin/osascript")).toList();
        assertEquals(1, prompts.size(), "one prompt for the whole write phase");
        RecordedCommand script = mac.recorded().stream().filter(c -> c.argv().equals(List.of("/usr/bin/tee", c.argv().get(1)))
                && c.argv().get(1).endsWith("/apply.sh")).findFirst().orElseThrow();
        assertEquals(preview.script(), script.stdin(), "the prompt runs exactly what preview showed");
        assertTrue(prompts.get(0).argv().get(2).contains("/bin/sh " + script.argv().get(1)));
        List<RecordedCommand> outside = writes(mac).stream().filter(c -> !c.argv().get(0).equals("/usr/bin/osascript")).toList();
        assertTrue(outside.stream().allMatch(c -> c.argv().get(0).equals("/usr/bin/tee") || c.argv().get(0).equals("/bin/rm")),
                () -> "outside the prompt only the script's own file is written and removed: " + outside);
        assertTrue(backend.verify(plan).isClean(), () -> backend.verify(plan).toString());

        mac.clearRecorded();
        ApplyReport again = backend.apply(plan);
        assertTrue(again.succeeded(), again::toString);
        assertEquals(0, again.writes(), again::toString);
        assertEquals(0, mac.recorded().stream().filter(c -> c.argv().get(0).equals("/usr/bin/osascript")).count(), "nothing to do: no prompt");
    }

    @Test
    void aCancelledPromptChangesNothingAndSaysSo() {
        FakeMac mac = FakeMac.builder().adminPrompt(AdminPromptAnswer.CANCEL).build();
        MacSnapshot before = mac.snapshot();

        ApplyReport report = SeedPlans.backend(mac, Privilege.adminPrompt()).apply(plan);

        assertFalse(report.succeeded());
        assertEquals(1, report.count(StepOutcome.FAILED), report::toString);
        assertEquals(report.steps().size() - 1, report.count(StepOutcome.NOT_REACHED), report::toString);
        assertTrue(report.steps().get(0).failure().contains("the administrator prompt was cancelled, so nothing was changed"), report::toString);
        assertEquals(1, mac.recorded().stream().filter(c -> c.argv().get(0).equals("/usr/bin/osascript")).count(), "no second prompt");
        assertEquals(List.of(), before.diff(mac.snapshot()));
    }

    @Test
    void aFailureInsideThePromptedScriptIsRolledBackAfterASecondPrompt() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        mac.faults().failWhen(c -> c.argv().contains("/Library/Keychains") && c.isWrite(), Fault.operationNotPermitted());

        ApplyReport report = SeedPlans.backend(mac, Privilege.adminPrompt()).apply(plan);

        assertFalse(report.succeeded());
        assertTrue(report.rolledBack(), report::toString);
        String failure = report.steps().stream().filter(r -> r.outcome() == StepOutcome.FAILED).findFirst().orElseThrow().failure();
        assertTrue(failure.contains("Operation not permitted") && failure.contains("/Library/Keychains"), failure);
        assertTrue(failure.endsWith("rolled back: the machine is as it was before this apply"), failure);
        assertEquals(2, mac.recorded().stream().filter(c -> c.argv().get(0).equals("/usr/bin/osascript")).count(), "the apply, then the rollback");
        assertEquals(List.of(), before.diff(mac.snapshot()));
    }

    @Test
    void underTheAdministratorPromptAFailureAfterAFileEditRestoresTheFileAndUndoLeavesAStockMac() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = SeedPlans.backend(mac, Privilege.adminPrompt());
        mac.faults().failWhen(c -> c.isWrite() && c.argv().contains(SeedPlans.SETTINGS), Fault.exit(1, "mv: rename failed"));

        ApplyReport failed = backend.apply(plan);

        assertTrue(failed.rolledBack(), failed::toString);
        assertEquals(List.of(), stock.diff(mac.snapshot()), failed::toString);
        mac.faults().clear();
        assertTrue(backend.apply(plan).succeeded());
        assertTrue(backend.undo(plan).succeeded(), () -> backend.undo(plan).toString());
        assertEquals(List.of(), stock.diff(mac.snapshot()));
    }

    @Test
    void theAdministratorPromptRefusesAPasswordPlanBeforeAnyCommand() {
        FakeMac mac = FakeMac.stock();
        CagePlan withPassword = SeedPlans.correctedWithPassword(Secret.of(SeedPlans.AGENT_PASSWORD));
        MacOsBackend backend = SeedPlans.backend(mac, Privilege.adminPrompt());

        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> backend.apply(withPassword));

        assertTrue(refused.getMessage().contains("noPassword()"), refused.getMessage());
        assertEquals(List.of(), mac.recorded());
        assertThrows(PlanRefusedException.class, () -> backend.preview(withPassword));
        assertEquals(List.of(), mac.recorded());
    }
}
