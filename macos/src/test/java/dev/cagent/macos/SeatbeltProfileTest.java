package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.PlanRefusedException;
import dev.cagent.SeatbeltProfile;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.Drift;
import dev.cagent.report.StepOutcome;
import dev.cagent.report.StepReport;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;
import dev.cagent.seatbelt.SeatbeltPolicy;
import dev.cagent.testkit.Access;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cagent.macos.Cages.AGENT;
import static dev.cagent.macos.Cages.assertSameState;
import static dev.cagent.macos.Cages.byHand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Seatbelt profile on the fake Mac, through the public API: the corrected seed plan plus
 * {@code seatbelt()} writes exactly the generated text, root-owned 0644, reads only on a second
 * apply, reports a hand edit or a loosened mode as drift that apply repairs, and undo leaves the
 * Mac as it was, also where the profile replaced a file or shares its directory.
 */
class SeatbeltProfileTest {

    static final String DIRECTORY = "/Library/Application Support/cagent/meeseeks";
    static final String PROFILE = DIRECTORY + "/seatbelt.sb";
    static final String SETTINGS = DIRECTORY + "/claude-settings.json";

    final FakeMac mac = FakeMac.stock();
    final MacOsBackend backend = Cages.backend(mac);
    final CagePlan plan = Cages.corrected().seatbelt().build();

    static String rendered(CagePlan plan) {
        return SeatbeltPolicy.render(plan.step(SeatbeltProfile.class).orElseThrow());
    }

    private ApplyReport apply(CagePlan plan) {
        ApplyReport report = backend.apply(plan);
        assertTrue(report.succeeded(), report::toString);
        return report;
    }

    private void undo() {
        UndoReport report = backend.undo(AGENT);
        assertTrue(report.succeeded(), report::toString);
    }

    private static StepReport profileStep(ApplyReport report) {
        return report.steps().stream().filter(s -> s.step() instanceof SeatbeltProfile).findFirst().orElseThrow();
    }

    private static String mode(FileInfo info) {
        return info.owner() + " " + info.octalMode();
    }

    @Test
    void applyWritesTheGeneratedProfileAsRootAndOnlyRootCanChangeIt() {
        ApplyReport report = apply(plan);

        assertEquals(StepOutcome.CHANGED, profileStep(report).outcome());
        assertEquals(rendered(plan), mac.readFile(PROFILE));
        assertEquals("root 0644", mode(mac.fileInfo(PROFILE).orElseThrow()));
        assertEquals("root 0755", mode(mac.fileInfo(DIRECTORY).orElseThrow()));
        assertTrue(mac.canAccess(AGENT, PROFILE, Access.READ), "sandbox-exec reads it with the agent's rights");
        assertFalse(mac.canAccess(AGENT, PROFILE, Access.WRITE));
        assertFalse(mac.canAccess(AGENT, DIRECTORY, Access.WRITE), "nor can the agent replace it");
        assertEquals(List.of(
                "/usr/bin/sudo -n -- /usr/bin/tee '" + PROFILE + ".cagent-new'",
                "/usr/bin/sudo -n -- /bin/chmod -h 0644 '" + PROFILE + ".cagent-new'",
                "/usr/bin/sudo -n -- /bin/mv -f '" + PROFILE + ".cagent-new' '" + PROFILE + "'"),
                profileStep(report).commands().stream().filter(c -> c.command().isWrite() && !c.command().toShellLine().contains("journal"))
                        .map(c -> c.command().toShellLine()).toList(),
                "the hook made the directory both share; the profile goes through a temporary file, as root");
    }

    @Test
    void applyReportsThatNestedSandboxesFailAndRefusesAProfileThatKeepsTheAgentOutOfTheWorkspace() {
        ApplyReport report = apply(plan);
        assertEquals(List.of("SEATBELT_NESTED_SANDBOX"), report.lint().findings().stream().map(dev.cagent.lint.Finding::code).toList());
        assertEquals(dev.cagent.lint.Severity.INFO, report.lint().findings().get(0).severity());

        FakeMac other = FakeMac.stock();
        CagePlan readOnlyWorkspace = Cages.corrected().seatbeltWritableRoots("/private/tmp", "/private/var/folders").build();
        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> Cages.backend(other).apply(readOnlyWorkspace));
        assertTrue(refused.getMessage().contains("ERROR SEATBELT_NO_WORKSPACE_WRITE [" + Cages.WORKSHOP + "]: the Seatbelt profile lets the agent write only in "
                + "/private/tmp, /private/var/folders (and not in /Users/alice, /Library/Keychains): it cannot edit the workspace it shares with you;"
                + " fix: seatbeltWritable(\"" + Cages.WORKSHOP + "\")"), refused.getMessage());
        assertEquals(List.of(), Cages.writes(other));
        ApplyReport accepted = Cages.backend(other).apply(readOnlyWorkspace.toBuilder().acceptRisk("SEATBELT_NO_WORKSPACE_WRITE").build());
        assertTrue(accepted.succeeded(), accepted::toString);
    }

    @Test
    void aSecondApplyOnlyReadsAndVerifyIsClean() {
        apply(plan);
        mac.clearRecorded();
        ApplyReport again = apply(plan);
        assertEquals(0, again.writes(), again::toString);
        assertEquals(List.of(), Cages.writes(mac).stream().map(RecordedCommand::toString).toList());
        assertEquals(StepOutcome.UNCHANGED, profileStep(again).outcome());
        VerifyReport verify = backend.verify(plan);
        assertTrue(verify.isClean(), verify::toString);
    }

    @Test
    void aHandEditIsDriftThatApplyRepairsAndUndoStillRestoresTheMac() {
        MacSnapshot before = mac.snapshot();
        apply(plan);
        mac.writeFile(PROFILE, "root", "admin", 0644, rendered(plan).replace("(deny default)", "(allow default)"));

        VerifyReport verify = backend.verify(plan);
        assertEquals(List.of(new Drift(plan.step(SeatbeltProfile.class).orElseThrow(), "Seatbelt profile " + PROFILE,
                "this plan's profile, root-owned 0644", "another text (edited, or an earlier plan's)")), verify.drifts());

        ApplyReport repair = apply(plan);
        assertEquals(StepOutcome.CHANGED, profileStep(repair).outcome());
        assertEquals(rendered(plan), mac.readFile(PROFILE));
        assertTrue(backend.verify(plan).isClean());

        undo();
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aLoosenedModeIsDriftThatApplyRepairs() {
        MacSnapshot before = mac.snapshot();
        apply(plan);
        byHand(mac, "/bin/chmod", "0666", PROFILE);
        assertTrue(mac.canAccess(AGENT, PROFILE, Access.WRITE), "now the agent could loosen its own profile");

        VerifyReport verify = backend.verify(plan);
        assertEquals(List.of("mode 0666"), verify.drifts().stream().map(Drift::actual).toList());
        apply(plan);
        assertEquals("root 0644", mode(mac.fileInfo(PROFILE).orElseThrow()));
        assertEquals(rendered(plan), mac.readFile(PROFILE));

        undo();
        assertSameState(before, mac.snapshot());
    }

    @Test
    void undoLeavesTheMacAsItWasWithTheDirectoryTheProfileSharesWithTheHookGone() {
        MacSnapshot before = mac.snapshot();
        apply(plan);
        assertTrue(mac.exists(SETTINGS));
        undo();
        assertFalse(mac.exists(PROFILE));
        assertFalse(mac.exists("/Library/Application Support/cagent"));
        assertSameState(before, mac.snapshot());
    }

    @Test
    void withoutTheHookTheProfileMakesItsDirectoriesAndUndoRemovesThem() {
        CagePlan alone = Cages.minimal().seatbelt().build();
        MacSnapshot before = mac.snapshot();
        ApplyReport report = apply(alone);
        assertEquals(List.of("/usr/bin/sudo -n -- /bin/mkdir -m 0755 '/Library/Application Support/cagent'",
                        "/usr/bin/sudo -n -- /bin/mkdir -m 0755 '" + DIRECTORY + "'"),
                profileStep(report).commands().stream().map(c -> c.command().toShellLine()).filter(l -> l.contains("/bin/mkdir")).toList());
        assertEquals(rendered(alone), mac.readFile(PROFILE));
        undo();
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aDirectoryHoldingOtherFilesIsKept() {
        CagePlan alone = Cages.minimal().seatbelt().build();
        apply(alone);
        mac.writeFile(DIRECTORY + "/notes.txt", "root", "admin", 0644, "mine\n");
        UndoReport report = backend.undo(AGENT);
        assertTrue(report.succeeded(), report::toString);
        assertFalse(mac.exists(PROFILE));
        assertTrue(mac.exists(DIRECTORY + "/notes.txt"));
        assertTrue(report.undone().stream().anyMatch(u -> u.contains("kept " + DIRECTORY + " (holds other files), /Library/Application Support/cagent (holds other files)")),
                report::toString);
    }

    @Test
    void anotherFileAtThePathIsBackedUpAndRestoredByteForByteWithItsMode() {
        mac.mkdir("/Library/Application Support/cagent", "root", "wheel", 0755);
        mac.mkdir(DIRECTORY, "root", "wheel", 0755);
        String older = "(version 1)\n(allow default)\n";
        mac.writeFile(PROFILE, "root", "wheel", 0600, older);
        MacSnapshot before = mac.snapshot();

        ApplyReport report = apply(Cages.minimal().seatbelt().build());
        String backup = new StateFiles(StateFiles.DEFAULT_ROOT, AGENT).backupOf(PROFILE, older);
        assertEquals(older, mac.readFile(backup));
        assertTrue(profileStep(report).changes().get(0).endsWith("another text (edited, or an earlier plan's) -> this plan's profile, root-owned 0644"),
                profileStep(report).changes().toString());
        assertEquals("root 0644", mode(mac.fileInfo(PROFILE).orElseThrow()));

        undo();
        assertEquals(older, mac.readFile(PROFILE));
        assertEquals("root 0600", mode(mac.fileInfo(PROFILE).orElseThrow()));
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aChangedPlanRewritesTheProfileAndUndoTakesBackBothVersions() {
        MacSnapshot before = mac.snapshot();
        apply(plan);
        CagePlan offline = plan.toBuilder().seatbeltNetwork(false).build();
        apply(offline);
        assertEquals(rendered(offline), mac.readFile(PROFILE));
        assertFalse(mac.readFile(PROFILE).contains("network-outbound"));
        undo();
        assertSameState(before, mac.snapshot());
    }

    @Test
    void underTheAdministratorPromptTheSharedDirectoryGoesToo() {
        MacOsBackend prompted = MacOsBackend.on(mac).privilege(Privilege.adminPrompt()).readBack(3, java.time.Duration.ZERO).build();
        MacSnapshot before = mac.snapshot();
        ApplyReport report = prompted.apply(plan);
        assertTrue(report.succeeded(), report::toString);
        assertEquals(rendered(plan), mac.readFile(PROFILE));
        UndoReport undo = prompted.undo(AGENT);
        assertTrue(undo.succeeded(), undo::toString);
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aMacWithoutSandboxExecIsRefusedBeforeAnyWrite() {
        FakeMac without = FakeMac.builder().sandboxExec(false).build();
        MacSnapshot before = without.snapshot();
        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> Cages.backend(without).apply(plan));
        assertTrue(refused.getMessage().contains("/usr/bin/sandbox-exec is missing on this Mac, and the launcher never starts a program in the cage without it"),
                refused.getMessage());
        assertEquals(List.of(), Cages.writes(without));
        assertSameState(before, without.snapshot());
    }

    @Test
    void aProfileWhereTheAgentWritesIsRefused() {
        CagePlan inHome = Cages.corrected().seatbeltWritableRoots(Cages.WORKSHOP, "/private/tmp", "/private/var/folders")
                .seatbeltProfileFile("/Users/meeseeks/seatbelt.sb").build();
        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> backend.apply(inHome));
        assertTrue(refused.getMessage().contains("the Seatbelt profile /Users/meeseeks/seatbelt.sb lies in /Users/meeseeks, which the agent controls"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("the default " + PROFILE), refused.getMessage());
        assertEquals(List.of(), Cages.writes(mac));
    }

    @Test
    void aProfileOfAnotherAccountOrALinkIsRefusedAndLeftAlone() {
        mac.mkdir("/Library/Application Support/cagent", "root", "wheel", 0755);
        mac.mkdir(DIRECTORY, "root", "wheel", 0755);
        mac.writeFile(PROFILE, "alice", "staff", 0644, "(version 1)\n");
        PlanRefusedException owned = assertThrows(PlanRefusedException.class, () -> backend.apply(plan));
        assertTrue(owned.getMessage().contains(PROFILE + " belongs to alice, and cagent edits it as root"), owned.getMessage());

        FakeMac linked = FakeMac.stock();
        linked.mkdir("/Library/Application Support/cagent", "root", "wheel", 0755);
        linked.mkdir(DIRECTORY, "root", "wheel", 0755);
        linked.symlink(PROFILE, "/private/etc/sudoers");
        MacSnapshot before = linked.snapshot();
        PlanRefusedException link = assertThrows(PlanRefusedException.class, () -> Cages.backend(linked).apply(plan));
        assertTrue(link.getMessage().contains(PROFILE + " is a symlink, not a regular file: move it away first"), link.getMessage());
        assertSameState(before, linked.snapshot());
    }

    @Test
    void thePreviewShowsTheProfileAsTheScriptWouldWriteIt() {
        String script = backend.preview(plan).script();
        assertTrue(script.contains("\n# 12/12 Seatbelt profile " + PROFILE + "\n#   Seatbelt profile " + PROFILE + ": missing -> this plan's profile, root-owned 0644\n"),
                script);
        assertTrue(script.contains("(deny default)"), "the profile's text is in the reviewable script");
        assertTrue(script.contains("| /usr/bin/sudo -n -- /usr/bin/tee '" + PROFILE + ".cagent-new' >/dev/null"), script);
    }
}
