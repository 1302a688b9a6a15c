package dev.cagent.macos;

import dev.cagent.AclRight;
import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.Secret;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;
import dev.cagent.testkit.Access;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static dev.cagent.macos.Cages.AGENT;
import static dev.cagent.macos.Cages.HOME;
import static dev.cagent.macos.Cages.WORKSHOP;
import static dev.cagent.macos.Cages.ZSHRC;
import static dev.cagent.macos.Cages.assertSameState;
import static dev.cagent.macos.Cages.backend;
import static dev.cagent.macos.Cages.lines;
import static dev.cagent.macos.Cages.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user's plan changes between applies: v1 is applied, then v2. v2 must verify clean, a second
 * apply of v2 must write nothing, verify of v1 must report (not crash), and undo must bring the Mac
 * back to what it was before v1, losing nothing of the human's.
 */
class PlanChangeAttackTest {

    // ------------------------------------------------------------------------------------------
    // helpers

    /** The corrected seed plan with the named parts left out: keychains, umask, hook, workspace. */
    private static CagePlan.Builder correctedWithout(String... skip) {
        List<String> s = List.of(skip);
        CagePlan.Builder b = Cage.forUser(AGENT)
                .realName("Mr. Meeseeks")
                .uidFirstFreeIn(600, 699)
                .shell("/bin/zsh")
                .home(HOME)
                .hidden(true)
                .noPassword()
                .human("alice")
                .deny("/Users/alice")
                .denyListing("/Users")
                .denyListing("/private/etc")
                .denyListing("/private/var")
                .collaborationGroup("collabo");
        if (!s.contains("keychains")) {
            b.deny("/Library/Keychains");
        }
        if (!s.contains("workspace")) {
            b.workspace(WORKSHOP);
        }
        if (!s.contains("umask")) {
            b.humanUmask("002");
        }
        if (!s.contains("hook")) {
            b.claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED);
        }
        return b;
    }

    private static CagePlan corrected() {
        return correctedWithout().build();
    }

    private static CagePlan with(UnaryOperator<CagePlan.Builder> change) {
        return change.apply(Cages.corrected()).build();
    }

    /** What the cycle saw, for further checks. */
    record Outcome(FakeMac mac, ApplyReport second, VerifyReport verifyOld, UndoReport undo) {
    }

    /**
     * The cycle: snapshot, apply v1, {@code between} (the human's work, which must survive),
     * apply v2, verify v2 clean, re-apply v2 writes nothing, verify v1 does not throw, undo by
     * name, and the Mac equals the snapshot taken before v1 (when {@code between} is null).
     */
    private static Outcome cycle(FakeMac mac, CagePlan v1, Consumer<FakeMac> between, CagePlan v2) {
        MacOsBackend backend = backend(mac);
        MacSnapshot stock = mac.snapshot();
        ApplyReport first = backend.apply(v1);
        assertTrue(first.succeeded(), () -> "v1: " + first);
        if (between != null) {
            between.accept(mac);
        }
        ApplyReport second = backend.apply(v2);
        assertTrue(second.succeeded(), () -> "v2: " + second);
        VerifyReport verify = backend.verify(v2);
        assertTrue(verify.isClean(), () -> "verify v2 after apply v2:\n" + verify);
        mac.clearRecorded();
        ApplyReport third = backend.apply(v2);
        assertEquals(List.of(), lines(writes(mac)), () -> "re-apply of v2 writes:\n" + third);
        assertEquals(0, third.writes());
        VerifyReport old = backend.verify(v1);
        UndoReport undo = backend.undo(AGENT);
        assertTrue(undo.succeeded(), undo::toString);
        if (between == null) {
            assertSameState(stock, mac.snapshot());
        }
        return new Outcome(mac, second, old, undo);
    }

    private static Outcome cycle(CagePlan v1, CagePlan v2) {
        return cycle(FakeMac.stock(), v1, null, v2);
    }

    private static List<String> aclOf(FakeMac mac, String path) {
        return new ArrayList<>(mac.fileInfo(path).orElseThrow().acl().stream().map(Object::toString).toList());
    }

    // ------------------------------------------------------------------------------------------
    // deny targets

    @Test
    void aDenyTargetRemovedFromThePlan() {
        cycle(corrected(), correctedWithout("keychains").build());
    }

    /** README: apply "writes only what differs"; the plan is the desired state. Is the removed deny's entry taken off by apply v2? */
    @Test
    void aDenyTargetRemovedFromThePlanStaysUntilUndoAndUndoThenApplyGivesExactlyTheNewPlan() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        CagePlan v2 = correctedWithout("keychains").build();
        backend.apply(corrected());
        ApplyReport applied = backend.apply(v2);
        assertTrue(applied.succeeded(), applied::toString);
        // apply adds and repairs what the plan names; what a newer plan leaves out stays until undo (README, "Changing a plan")
        assertEquals(1, aclOf(mac, "/Library/Keychains").stream().filter(e -> e.contains("meeseeks")).count());
        assertTrue(backend.undo(v2).succeeded());
        assertTrue(backend.apply(v2).succeeded());
        assertEquals(List.of(), aclOf(mac, "/Library/Keychains").stream().filter(e -> e.contains("meeseeks")).toList());
        assertTrue(backend.verify(v2).isClean());
    }

    @Test
    void aDenyTargetAddedToThePlan() {
        cycle(correctedWithout("keychains").build(), corrected());
    }

    @Test
    void aDenyWidenedFromListingToFull() {
        CagePlan v1 = minimalWithDeny(b -> b.denyListing("/Users/alice"));
        CagePlan v2 = minimalWithDeny(b -> b.deny("/Users/alice"));
        Outcome o = cycle(v1, v2);
        assertTrue(o.verifyOld().isClean(), "v2's deny includes v1's: verify v1 finds nothing missing\n" + o.verifyOld());
    }

    @Test
    void aDenyNarrowedFromFullToListing() {
        CagePlan v1 = minimalWithDeny(b -> b.deny("/Users/alice"));
        CagePlan v2 = minimalWithDeny(b -> b.denyListing("/Users/alice"));
        cycle(v1, v2);
    }

    @Test
    void aDenyChangedToOtherRights() {
        CagePlan v1 = minimalWithDeny(b -> b.deny("/Library/Keychains", AclRight.READ_DATA));
        CagePlan v2 = minimalWithDeny(b -> b.deny("/Library/Keychains", EnumSet.of(AclRight.WRITE_DATA, AclRight.DELETE_CHILD)));
        cycle(v1, v2);
    }

    private static CagePlan minimalWithDeny(UnaryOperator<CagePlan.Builder> deny) {
        return deny.apply(Cages.minimal()).build();
    }

    // ------------------------------------------------------------------------------------------
    // workspace

    /** Two projects of alice's, each with files; the workspace moves from one to the other. */
    @Test
    void theWorkspaceMovesBetweenTwoExistingProjects() {
        FakeMac mac = FakeMac.stock();
        for (String p : List.of("/Users/Shared/projA", "/Users/Shared/projB")) {
            mac.mkdir(p, "alice", "staff", 0755);
            mac.mkdir(p + "/src", "alice", "staff", 0755);
            mac.writeFile(p + "/src/main.c", "alice", "staff", 0644, "int main(void) { return 0; }\n");
            mac.writeFile(p + "/build.sh", "alice", "staff", 0755, "#!/bin/sh\n");
        }
        CagePlan v1 = Cages.minimal().workspace("/Users/Shared/projA").build();
        CagePlan v2 = Cages.minimal().workspace("/Users/Shared/projB").build();
        cycle(mac, v1, null, v2);
    }

    /** The workshop cagent made in the agent's home holds alice's files; v2 moves the workspace: nothing of hers may be lost. */
    @Test
    void theOldWorkshopWithFilesInItKeepsThem() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        CagePlan v1 = corrected();
        CagePlan v2 = Cages.corrected().workspace(HOME + "/studio").build();
        assertTrue(backend.apply(v1).succeeded());
        mac.createFileAs("alice", WORKSHOP + "/todo.md", "finish the report\n", 002);
        ApplyReport second = backend.apply(v2);
        assertTrue(second.succeeded(), second::toString);
        assertTrue(backend.verify(v2).isClean(), () -> backend.verify(v2).toString());
        mac.clearRecorded();
        backend.apply(v2);
        assertEquals(List.of(), lines(writes(mac)));
        UndoReport undo = backend.undo(AGENT);
        assertTrue(undo.succeeded(), undo::toString);
        assertEquals("finish the report\n", mac.readFile(WORKSHOP + "/todo.md"), undo::toString);
        assertTrue(mac.record("/Users/meeseeks").isEmpty(), "the account goes");
    }

    @Test
    void workspaceModesChanged() {
        FakeMac mac = FakeMac.stock();
        mac.mkdir("/Users/Shared/proj", "alice", "staff", 0755);
        mac.writeFile("/Users/Shared/proj/a.txt", "alice", "staff", 0644, "a\n");
        mac.writeFile("/Users/Shared/proj/run.sh", "alice", "staff", 0755, "#!/bin/sh\n");
        CagePlan v1 = Cages.minimal().workspace("/Users/Shared/proj").build();
        CagePlan v2 = Cages.minimal().workspace("/Users/Shared/proj").workspaceModes(02775, 0664).build();
        cycle(mac, v1, null, v2);
        // and back
    }

    @Test
    void workspaceModesChangedAndBack() {
        FakeMac mac = FakeMac.stock();
        mac.mkdir("/Users/Shared/proj", "alice", "staff", 0755);
        mac.writeFile("/Users/Shared/proj/a.txt", "alice", "staff", 0644, "a\n");
        CagePlan v1 = Cages.minimal().workspace("/Users/Shared/proj").workspaceModes(02775, 0664).build();
        CagePlan v2 = Cages.minimal().workspace("/Users/Shared/proj").build();
        cycle(mac, v1, null, v2);
    }

    @Test
    void inheritableAccessSwitchedOff() {
        FakeMac mac = FakeMac.stock();
        mac.mkdir("/Users/Shared/proj", "alice", "staff", 0755);
        mac.writeFile("/Users/Shared/proj/a.txt", "alice", "staff", 0644, "a\n");
        CagePlan v1 = Cages.minimal().workspace("/Users/Shared/proj").build();
        CagePlan v2 = Cages.minimal().workspace("/Users/Shared/proj").workspaceInheritableAccess(false).build();
        cycle(mac, v1, null, v2);
    }

    @Test
    void inheritableAccessSwitchedOn() {
        FakeMac mac = FakeMac.stock();
        mac.mkdir("/Users/Shared/proj", "alice", "staff", 0755);
        mac.writeFile("/Users/Shared/proj/a.txt", "alice", "staff", 0644, "a\n");
        CagePlan v1 = Cages.minimal().workspace("/Users/Shared/proj").workspaceInheritableAccess(false).build();
        CagePlan v2 = Cages.minimal().workspace("/Users/Shared/proj").build();
        cycle(mac, v1, null, v2);
    }

    // ------------------------------------------------------------------------------------------
    // group

    @Test
    void theGroupRenamed() {
        cycle(corrected(), with(b -> b.collaborationGroup("crew")));
    }

    @Test
    void aMemberAddedThenRemoved() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("bob", 502, 20, "/Users/bob");
        cycle(mac, corrected(), null, with(b -> b.alsoMember("bob")));
    }

    @Test
    void aMemberRemoved() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("bob", 502, 20, "/Users/bob");
        cycle(mac, with(b -> b.alsoMember("bob")), null, corrected());
    }

    // ------------------------------------------------------------------------------------------
    // umask

    @Test
    void theUmaskValueChanged() {
        Outcome o = cycle(corrected(), with(b -> b.humanUmask("007").acceptRisk("UMASK_MASKS_GROUP_WRITE")));
        assertFalse(o.verifyOld().isClean(), "verify v1 should report the umask 007");
    }

    @Test
    void theUmaskFileChanged() {
        FakeMac mac = FakeMac.stock();
        Outcome o = cycle(mac, corrected(), null, with(b -> b.humanUmask("/Users/alice/.zprofile", "002")));
    }

    @Test
    void theUmaskRemovedFromThePlan() {
        cycle(corrected(), correctedWithout("umask").build());
    }

    /** The human edits ~/.zshrc between the applies; the edit must survive undo. */
    @Test
    void theHumansZshrcEditSurvivesAUmaskChangeAndUndo() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        assertTrue(backend.apply(corrected()).succeeded());
        mac.writeFileAs("alice", ZSHRC, mac.readFile(ZSHRC) + "alias gs='git status'\n");
        ApplyReport v2 = backend.apply(with(b -> b.humanUmask("007").acceptRisk("UMASK_MASKS_GROUP_WRITE")));
        assertTrue(v2.succeeded(), v2::toString);
        mac.createFileAs("alice", "/Users/alice/Documents/x.txt", "x\n", 022);
        mac.writeFileAs("alice", ZSHRC, mac.readFile(ZSHRC) + "export EDITOR=vim\n");
        UndoReport undo = backend.undo(AGENT);
        assertTrue(undo.succeeded(), undo::toString);
        String after = mac.readFile(ZSHRC);
        assertTrue(after.contains("alias gs='git status'") && after.contains("export EDITOR=vim"), "alice's edits lost:\n" + after);
        assertFalse(after.contains("umask"), "a umask block left:\n" + after);
    }

    // ------------------------------------------------------------------------------------------
    // Claude Code hook

    @Test
    void theHookMovesUserToRootOwned() {
        cycle(with(b -> b.claudeCodeHook(ClaudeCodeHook.Location.USER).acceptRisk("HOOK_EDITABLE_BY_AGENT")
                .acceptRisk("HOOK_EDITABLE_BY_AGENT")), corrected());
    }

    @Test
    void theHookMovesRootOwnedToProject() {
        cycle(corrected(), with(b -> b.claudeCodeHook(ClaudeCodeHook.Location.PROJECT)));
    }

    @Test
    void theHookMovesUserThenRootOwnedThenProject() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = backend(mac);
        for (ClaudeCodeHook.Location l : ClaudeCodeHook.Location.values()) {
            CagePlan p = with(b -> b.claudeCodeHook(l));
            ApplyReport r = backend.apply(p);
            assertTrue(r.succeeded(), r::toString);
            assertTrue(backend.verify(p).isClean(), () -> backend.verify(p).toString());
        }
        UndoReport undo = backend.undo(AGENT);
        assertTrue(undo.succeeded(), undo::toString);
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void theJqPathChanged() {
        FakeMac mac = FakeMac.stock();
        if (!mac.exists("/usr/local/bin")) {
            mac.mkdir("/usr/local/bin", "root", "wheel", 0755);
        }
        mac.writeFile("/usr/local/bin/jq", "root", "wheel", 0755, "#!/bin/sh\n");
        cycle(mac, corrected(), null, with(b -> b.jqCandidates("/usr/local/bin/jq")));
    }

    @Test
    void theHookRemovedFromThePlan() {
        cycle(corrected(), correctedWithout("hook").build());
    }

    @Test
    void theHookInAUserSettingsFileWithAliceSettingsIsRemovedFromThePlan() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        MacSnapshot stock = mac.snapshot();
        assertTrue(backend.apply(with(b -> b.claudeCodeHook(ClaudeCodeHook.Location.PROJECT))).succeeded());
        String settings = WORKSHOP + "/.claude/settings.json";
        String withHook = mac.readFile(settings);
        mac.writeFileAs("alice", settings, withHook.replaceFirst("\\{", "{\"model\": \"opus\",")); // alice's own setting
        ApplyReport v2 = backend.apply(correctedWithout("hook").build());
        assertTrue(v2.succeeded(), v2::toString);
        UndoReport undo = backend.undo(AGENT);
        assertTrue(undo.succeeded(), undo::toString);
        // the workspace held alice's settings file: it must still be there with her setting
        assertTrue(mac.exists(settings) && mac.readFile(settings).contains("opus"), "alice's setting lost: " + undo);
    }

    // ------------------------------------------------------------------------------------------
    // Seatbelt

    @Test
    void theSeatbeltProfileAddedThenRemoved() {
        cycle(corrected(), with(b -> b.seatbelt()));
    }

    @Test
    void theSeatbeltProfileRemovedFromThePlan() {
        cycle(with(b -> b.seatbelt()), corrected());
    }

    @Test
    void theSeatbeltWritableRootsChanged() {
        cycle(with(b -> b.seatbelt()), with(b -> b.seatbeltWritableRoots(HOME, WORKSHOP)));
    }

    @Test
    void theSeatbeltProfileFileMoved() {
        cycle(with(b -> b.seatbelt()), with(b -> b.seatbeltProfileFile("/Library/Application Support/cagent/meeseeks/other.sb")));
    }

    // ------------------------------------------------------------------------------------------
    // account

    @Test
    void theRealNameChanged() {
        cycle(corrected(), with(b -> b.realName("Meeseeks Box")));
    }

    @Test
    void theShellChanged() {
        cycle(corrected(), with(b -> b.shell("/bin/bash")));
    }

    @Test
    void theHiddenFlagChanged() {
        cycle(corrected(), with(b -> b.hidden(false)));
    }

    @Test
    void theHomeChanged() {
        cycle(corrected(), Cages.corrected().home("/Users/meeseeks2").workspace("/Users/meeseeks2/workshop").build());
    }

    @Test
    void aPasswordAdded() {
        cycle(corrected(), with(b -> b.password(Secret.of("comeUpWithYourOwnPassword"))));
    }

    @Test
    void aPasswordRemoved() {
        cycle(with(b -> b.password(Secret.of("comeUpWithYourOwnPassword"))), corrected());
    }

    /** The password was removed from the plan: after apply v2, the old password must no longer log in. */
    @Test
    void aPasswordRemovedNoLongerMatches() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        backend.apply(with(b -> b.password(Secret.of("comeUpWithYourOwnPassword"))));
        assertTrue(mac.passwordMatches(AGENT, Secret.of("comeUpWithYourOwnPassword")));
        ApplyReport v2 = backend.apply(corrected());
        assertTrue(v2.succeeded(), v2::toString);
        assertFalse(mac.passwordMatches(AGENT, Secret.of("comeUpWithYourOwnPassword")), "the old password still works after noPassword() was applied");
    }

    // ------------------------------------------------------------------------------------------
    // the human

    @Test
    void theHumanChangedAliceToBob() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("bob", 502, 20, "/Users/bob");
        mac.mkdir("/Users/bob", "bob", "staff", 0750);
        mac.writeFile("/Users/bob/.zshrc", "bob", "staff", 0644, "# bob's zshrc\n");
        CagePlan v2 = Cages.corrected().human("bob").deny("/Users/bob").build();
        cycle(mac, corrected(), null, v2);
    }

    // ------------------------------------------------------------------------------------------
    // more group and back-and-forth changes on a workspace that holds alice's project

    private static FakeMac withAlicesProject() {
        FakeMac mac = FakeMac.stock();
        mac.mkdir("/Users/Shared/proj", "alice", "staff", 0755);
        mac.mkdir("/Users/Shared/proj/src", "alice", "staff", 0755);
        mac.writeFile("/Users/Shared/proj/src/main.c", "alice", "staff", 0644, "int main(void) { return 0; }\n");
        mac.writeFile("/Users/Shared/proj/run.sh", "alice", "staff", 0755, "#!/bin/sh\n");
        return mac;
    }

    @Test
    void theGroupRenamedWithAlicesProjectInTheWorkspace() {
        cycle(withAlicesProject(), Cages.minimal().workspace("/Users/Shared/proj").build(), null,
                Cages.minimal().collaborationGroup("crew").workspace("/Users/Shared/proj").build());
    }

    /** The GID change: a second apply of v2 converges; then undo must return to stock. */
    @Test
    void theGroupsGidChangedConvergesOnASecondApplyAndUndoReturnsToStock() {
        FakeMac mac = withAlicesProject();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = backend(mac);
        CagePlan v2 = Cages.minimal().collaborationGroupId(651).workspace("/Users/Shared/proj").build();
        assertTrue(backend.apply(Cages.minimal().collaborationGroupId(650).workspace("/Users/Shared/proj").build()).succeeded());
        assertTrue(backend.apply(v2).succeeded());
        assertTrue(backend.apply(v2).succeeded());
        assertTrue(backend.verify(v2).isClean(), () -> backend.verify(v2).toString());
        UndoReport undo = backend.undo(AGENT);
        assertTrue(undo.succeeded(), undo::toString);
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void backAndForth() {
        FakeMac mac = withAlicesProject();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = backend(mac);
        CagePlan a = Cages.minimal().workspace("/Users/Shared/proj").humanUmask("002").deny("/Library/Keychains").build();
        CagePlan b = Cages.minimal().collaborationGroup("crew").workspace(WORKSHOP).humanUmask("007")
                .acceptRisk("UMASK_MASKS_GROUP_WRITE").denyListing("/Library/Keychains").build();
        for (CagePlan p : List.of(a, b, a, b, a)) {
            ApplyReport r = backend.apply(p);
            assertTrue(r.succeeded(), r::toString);
            assertTrue(backend.verify(p).isClean(), () -> backend.verify(p).toString());
            mac.clearRecorded();
            backend.apply(p);
            assertEquals(List.of(), lines(writes(mac)));
        }
        UndoReport undo = backend.undo(AGENT);
        assertTrue(undo.succeeded(), undo::toString);
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void theUmaskMovesToAZprofileAliceAlreadyHas() {
        FakeMac mac = FakeMac.stock();
        mac.writeFile("/Users/alice/.zprofile", "alice", "staff", 0644, "eval \"$(/opt/homebrew/bin/brew shellenv)\"\n");
        cycle(mac, corrected(), null, with(b -> b.humanUmask("/Users/alice/.zprofile", "002")));
    }

    // ------------------------------------------------------------------------------------------
    // undo and verify across versions

    @Test
    void undoWithV1WhileV2IsApplied() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = backend(mac);
        assertTrue(backend.apply(correctedWithout("keychains", "hook").build()).succeeded());
        assertTrue(backend.apply(with(b -> b.collaborationGroup("crew").humanUmask("007").acceptRisk("UMASK_MASKS_GROUP_WRITE").seatbelt())).succeeded());
        UndoReport undo = backend.undo(correctedWithout("keychains", "hook").build());
        assertTrue(undo.succeeded(), undo::toString);
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void undoByNameAfterManyVersions() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("bob", 502, 20, "/Users/bob");
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = backend(mac);
        List<CagePlan> versions = List.of(
                Cages.minimal().build(),
                Cages.minimal().denyListing("/Users").build(),
                correctedWithout("hook").build(),
                corrected(),
                with(b -> b.alsoMember("bob").seatbelt()),
                with(b -> b.collaborationGroup("crew").humanUmask("007").acceptRisk("UMASK_MASKS_GROUP_WRITE")),
                with(b -> b.claudeCodeHook(ClaudeCodeHook.Location.PROJECT).realName("M")),
                corrected());
        for (CagePlan v : versions) {
            ApplyReport r = backend.apply(v);
            assertTrue(r.succeeded(), () -> v + "\n" + r);
        }
        UndoReport undo = backend.undo("meeseeks");
        assertTrue(undo.succeeded(), undo::toString);
        assertSameState(stock, mac.snapshot());
    }

    /** verify v1 while v2 is applied reports the differences and does not throw. */
    @Test
    void verifyOfTheOldPlanReportsTheDifferences() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        CagePlan v1 = corrected();
        backend.apply(v1);
        backend.apply(with(b -> b.collaborationGroup("crew").realName("Box").humanUmask("007").acceptRisk("UMASK_MASKS_GROUP_WRITE")
                .claudeCodeHook(ClaudeCodeHook.Location.PROJECT)));
        VerifyReport old = backend.verify(v1);
        String text = old.toString();
        assertFalse(old.isClean());
        for (String expected : List.of("RealName", "collabo", "umask")) {
            assertTrue(text.toLowerCase().contains(expected.toLowerCase()), "verify v1 does not mention " + expected + ":\n" + text);
        }
    }
}
