package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.PlanRefusedException;
import dev.cagent.Secret;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.Drift;
import dev.cagent.report.StepOutcome;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;
import dev.cagent.testkit.Fault;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static dev.cagent.macos.Cages.HOME;
import static dev.cagent.macos.Cages.assertSameState;
import static dev.cagent.macos.Cages.backend;
import static dev.cagent.macos.Cages.byHand;
import static dev.cagent.macos.Cages.corrected;
import static dev.cagent.macos.Cages.correctedPlan;
import static dev.cagent.macos.Cages.lines;
import static dev.cagent.macos.Cages.minimal;
import static dev.cagent.macos.Cages.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Attacks on the account, group, home and deny steps: what was there before, hand changes, odd targets. */
class AccountAndDenyAttackTest {

    /** apply, apply again (no write), verify clean (no write), undo: the machine as before. */
    private static ApplyReport cycle(FakeMac mac, CagePlan plan) {
        MacOsBackend backend = backend(mac);
        MacSnapshot before = mac.snapshot();
        ApplyReport first = backend.apply(plan);
        assertTrue(first.succeeded(), first::toString);
        mac.clearRecorded();
        ApplyReport second = backend.apply(plan);
        assertEquals(List.of(), lines(writes(mac)), "a second apply writes nothing");
        assertEquals(0, second.writes());
        mac.clearRecorded();
        VerifyReport verify = backend.verify(plan);
        assertTrue(verify.isClean(), verify::toString);
        assertEquals(List.of(), lines(writes(mac)), "verify writes nothing");
        UndoReport undo = backend.undo(plan);
        assertTrue(undo.succeeded(), undo::toString);
        assertSameState(before, mac.snapshot());
        return first;
    }

    private static List<String> acl(FakeMac mac, String path) {
        return mac.fileInfo(path).orElseThrow().acl();
    }

    private static List<String> drifts(MacOsBackend backend, CagePlan plan) {
        return backend.verify(plan).drifts().stream().map(Drift::toString).toList();
    }

    // --- accounts and groups that were there before --------------------------------------------

    @Test
    void anAdoptedAccountWithOtherLooksAndAGroupWithExtraMembersAndTheAgentAlreadyInIt() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("bob", 502, 20, "/Users/bob");
        mac.addGroup("collabo", 640, "alice", "bob");
        mac.addUser("meeseeks", 650, 640, HOME);
        mac.addMember("collabo", "meeseeks");
        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "UserShell", "/bin/bash");
        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "Password", "*");

        ApplyReport first = cycle(mac, correctedPlan());

        assertTrue(mac.isMember("bob", "collabo") && mac.isMember("meeseeks", "collabo") && mac.isMember("alice", "collabo"));
        assertEquals(List.of("/bin/bash"), mac.record("/Users/meeseeks").get("UserShell"));
        assertFalse(mac.record("/Users/meeseeks").containsKey("IsHidden"));
        assertTrue(first.succeeded());
    }

    @Test
    void aPasswordSetOnAnAdoptedAccountWithoutOneIsTakenBackLeavingTheRecordAsItWas() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 640, "alice");
        mac.addUser("meeseeks", 650, 640, HOME);
        assertFalse(mac.record("/Users/meeseeks").containsKey("Password"), "the adopted record has no Password attribute");

        cycle(mac, corrected().password(Secret.of("comeUpWithYourOwnPassword")).build());
    }

    @Test
    void aGroupNamedLikeTheAgentCyclesCleanly() {
        FakeMac mac = FakeMac.stock();
        cycle(mac, corrected().collaborationGroup("meeseeks").build());
    }

    @Test
    void idsAtTheBoundaries() {
        cycle(FakeMac.stock(), corrected().uid(500).collaborationGroupId(500).build());
        cycle(FakeMac.stock(), corrected().uid(65535).collaborationGroupId(65535).build());
        FakeMac full = FakeMac.stock();
        full.addUser("bob", 600, 20, "/Users/bob");
        full.addUser("carol", 601, 20, "/Users/carol");
        MacSnapshot before = full.snapshot();
        PlanRefusedException refused = assertThrows(PlanRefusedException.class,
                () -> backend(full).apply(corrected().uidFirstFreeIn(600, 601).build()));
        assertEquals(List.of("no free UID in 600-601 for user meeseeks: widen the range or give a free UID; UID 602 is free"), refused.reasons());
        assertSameState(before, full.snapshot());
    }

    /** The refusal names a setting to adopt the account: following it must give a plan that applies. */
    @Test
    void theAdviceForAnAccountWhosePrimaryGroupHasNoRecordLeadsToAPlanThatApplies() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("meeseeks", 650, 640, HOME);

        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> backend(mac).apply(correctedPlan()));
        assertEquals(List.of("user meeseeks already exists with PrimaryGroupID 640, the plan says 600: "
                + "it is another account; choose another name for the agent, or adopt it with collaborationGroupId(640)"), refused.reasons());

        ApplyReport followed = backend(mac).apply(corrected().collaborationGroupId(640).build());
        assertTrue(followed.succeeded(), followed::toString);
    }

    /** The cage is for a low-privilege user: a collaboration group that is admin makes the agent an administrator. */
    @Test
    void aCollaborationGroupThatGivesAdministratorRightsIsRefused() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        CagePlan plan = corrected().collaborationGroup("admin").collaborationGroupId(80).build();

        ApplyReport report;
        try {
            report = backend(mac).apply(plan);
        } catch (PlanRefusedException expected) {
            assertSameState(before, mac.snapshot());
            return;
        }
        fail("apply did not refuse; succeeded=" + report.succeeded() + ", meeseeks explicit member of admin: " + mac.isMember("meeseeks", "admin")
                + ", lint: " + report.lint() + "\n" + report);
    }

    @Test
    void aPrimaryGroupThatGivesAdministratorRightsIsRefused() {
        FakeMac mac = FakeMac.stock();
        CagePlan plan = corrected().primaryGroupId(80).build();

        ApplyReport report;
        try {
            report = backend(mac).apply(plan);
        } catch (PlanRefusedException expected) {
            return;
        }
        fail("apply did not refuse; succeeded=" + report.succeeded() + ", PrimaryGroupID of meeseeks: "
                + mac.record("/Users/meeseeks").get("PrimaryGroupID") + ", lint: " + report.lint());
    }

    @Test
    void anExistingAccountThatIsAnAdministratorIsNotAdoptedSilently() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 640, "alice");
        mac.addUser("meeseeks", 650, 640, HOME);
        mac.addMember("admin", "meeseeks");

        ApplyReport report;
        try {
            report = backend(mac).apply(correctedPlan());
        } catch (PlanRefusedException expected) {
            return;
        }
        fail("an administrator account was adopted as the low-privilege agent: succeeded=" + report.succeeded()
                + ", still in admin: " + mac.isMember("meeseeks", "admin"));
    }

    /** A member name left behind in GroupMembership by an account deleted by hand is not cagent's to remove. */
    @Test
    void aStaleMembershipOfTheAgentsNameSurvivesTheCycle() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("meeseeks", 650, 20, "/Users/old-meeseeks");
        mac.addGroup("collabo", 640, "alice", "meeseeks");
        byHand(mac, "/usr/bin/dscl", ".", "-delete", "/Users/meeseeks");
        List<String> membership = mac.record("/Groups/collabo").get("GroupMembership");

        cycle(mac, correctedPlan());

        assertEquals(membership, mac.record("/Groups/collabo").get("GroupMembership"));
    }

    // --- hand changes between apply, verify, apply and undo -------------------------------------

    @Test
    void applyHandChangesApplyAgainAndUndoWithSnapshotsAtEachStep() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = backend(mac);
        CagePlan plan = correctedPlan();
        assertTrue(backend.apply(plan).succeeded());
        MacSnapshot applied = mac.snapshot();

        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "UserShell", "/bin/bash");
        byHand(mac, "/bin/chmod", "-a", "user:meeseeks deny search", "/Users/alice");
        byHand(mac, "/usr/sbin/dseditgroup", "-o", "edit", "-d", "alice", "-t", "user", "collabo");
        byHand(mac, "/bin/chmod", "-h", "0700", HOME);
        mac.clearRecorded();
        assertEquals(4, drifts(backend, plan).size(), () -> String.join("\n", drifts(backend, plan)));
        assertEquals(List.of(), lines(writes(mac)));

        assertTrue(backend.apply(plan).succeeded());
        assertTrue(backend.verify(plan).isClean());
        // the journal grows, and re-adding alice puts her after meeseeks in the membership lists (order only)
        List<String> sinceFirst = applied.diff(mac.snapshot()).stream().filter(l -> !l.startsWith("/private/var/db/cagent"))
                .filter(l -> !l.startsWith("group collabo: GroupMember")).toList();
        assertEquals(java.util.Set.copyOf(applied.groups().get("collabo").get("GroupMembership")),
                java.util.Set.copyOf(mac.record("/Groups/collabo").get("GroupMembership")));
        assertEquals(List.of(), sinceFirst, "the repair puts back exactly the first apply's state");
        mac.clearRecorded();
        assertEquals(0, backend.apply(plan).writes());

        assertTrue(backend.undo("meeseeks").succeeded());
        assertSameState(stock, mac.snapshot());
    }

    /**
     * For an adopted account, a UID changed by hand within the planned range still meets the plan
     * ("first free in 600-699"); what verify reports is what the change broke: the home and the
     * workspace are owned by the old UID, which no account has now.
     */
    @Test
    void aUidChangedByHandOnAnAdoptedAccountShowsAsItsFilesOwnedByTheOldUid() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 640, "alice");
        mac.addUser("meeseeks", 650, 640, HOME);
        MacOsBackend backend = backend(mac);
        assertTrue(backend.apply(correctedPlan()).succeeded());
        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "UniqueID", "660");

        List<String> drifts = drifts(backend, correctedPlan());

        assertTrue(drifts.stream().anyMatch(d -> d.startsWith("home " + HOME) && d.contains("650")), () -> String.join("\n", drifts));
    }

    @Test
    void theAccountDeletedByHandBeforeUndoLeavesNoEntryBehindUnreported() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = backend(mac);
        assertTrue(backend.apply(minimal().deny("/Users/alice").denyListing("/private/etc").build()).succeeded());
        byHand(mac, "/usr/bin/dscl", ".", "-delete", "/Users/meeseeks");
        assertTrue(acl(mac, "/Users/alice").get(0).matches("[0-9A-F-]{36} deny list,add_file,search"), () -> acl(mac, "/Users/alice").toString());

        UndoReport undo = backend.undo("meeseeks");

        boolean toldOfEntry = undo.kept().stream().anyMatch(k -> k.contains("/Users/alice"));
        if (!toldOfEntry) {
            assertEquals(List.of(), before.diff(mac.snapshot()),
                    "undo neither removed the orphaned entries nor reported them; it said: undone=" + undo.undone() + " kept=" + undo.kept());
        }
    }

    // --- deny targets ------------------------------------------------------------------------

    @Test
    void otherEntriesOfTheAgentAndOfOthersBeforeAndAfterSurviveTheCycle() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("bob", 502, 20, "/Users/bob");
        mac.addGroup("collabo", 640, "alice");
        mac.addUser("meeseeks", 650, 640, HOME);
        mac.addAce("/Users/alice", "group:staff allow list");
        mac.addAce("/Users/alice", "user:meeseeks deny list,add_file,search,file_inherit,directory_inherit");
        mac.addAce("/Users/alice", "user:meeseeks deny delete");
        mac.addAce("/Users/alice", "user:bob deny list");
        byHand(mac, "/bin/mkdir", "-m", "0755", "/Users/alice/Projects");
        byHand(mac, "/usr/sbin/chown", "-h", "alice:staff", "/Users/alice/Projects");
        List<String> aliceBefore = acl(mac, "/Users/alice");

        cycle(mac, minimal().deny("/Users/alice").deny("/Users/alice/Projects").build());

        assertEquals(aliceBefore, acl(mac, "/Users/alice"));
    }

    @Test
    void oneTargetInTwoSpellingsGetsOneEntry() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        MacSnapshot before = mac.snapshot();
        CagePlan plan = minimal().denyListing("/etc").deny("/private/etc").build();
        mac.clearRecorded();

        assertTrue(backend.apply(plan).succeeded());

        assertEquals(1, lines(writes(mac)).stream().filter(l -> l.contains("chmod +a")).count(), () -> String.join("\n", lines(writes(mac))));
        assertEquals("user:meeseeks deny list,add_file,search", acl(mac, "/private/etc").get(0));
        assertTrue(backend.verify(plan).isClean());
        assertTrue(backend.undo("meeseeks").succeeded());
        assertSameState(before, mac.snapshot());
    }

    /**
     * A relative link whose own directory is reached through a link: the real target is beside the
     * link's target, not beside the path's spelling. A decoy sits where lexical ".." leads.
     */
    @Test
    void aRelativeLinkBehindALinkedDirectoryIsFollowedToTheRealTarget() {
        FakeMac mac = FakeMac.stock();
        mac.mkdir("/Users/Shared/data", "alice", "staff", 0755);
        mac.mkdir("/Users/Shared/keys", "alice", "staff", 0700);
        mac.symlink("/Users/Shared/data/keys", "../keys");
        mac.symlink("/Users/alice/data", "/Users/Shared/data");
        mac.mkdir("/Users/alice/keys", "alice", "staff", 0755);

        ApplyReport report = backend(mac).apply(minimal().deny("/Users/alice/data/keys").build());

        assertTrue(report.succeeded(), report::toString);
        assertEquals(List.of("user:meeseeks deny list,add_file,search"), acl(mac, "/Users/Shared/keys"), () -> "the real target is denied; decoy has "
                + acl(mac, "/Users/alice/keys") + "\n" + report);
        assertEquals(List.of(), acl(mac, "/Users/alice/keys"), "the decoy is not");
    }

    /** Lint checks the plan's spelling; a link may lead the deny to /private/tmp. */
    @Test
    void aLinkLeadingToACriticalPathIsRefusedLikeThePathItself() {
        FakeMac mac = FakeMac.stock();
        mac.symlink("/Users/alice/scratch", "/private/tmp");
        MacSnapshot before = mac.snapshot();

        try {
            ApplyReport report = backend(mac).apply(minimal().deny("/Users/alice/scratch").build());
            fail("applied a deny of search on /private/tmp: " + acl(mac, "/private/tmp") + "\n" + report);
        } catch (PlanRefusedException refused) {
            assertTrue(refused.reasons().stream().anyMatch(r -> r.contains("DENY_CRITICAL_PATH")), refused.reasons().toString());
            assertSameState(before, mac.snapshot());
        }
    }

    @Test
    void aLinkLeadingToTheAgentsHomeIsRefusedLikeTheHomeItself() {
        FakeMac mac = FakeMac.stock();
        mac.mkdir(HOME, "root", "wheel", 0755);
        mac.symlink("/Users/alice/agent", HOME);

        try {
            ApplyReport report = backend(mac).apply(minimal().deny("/Users/alice/agent").build());
            fail("applied a deny that cuts the agent off from its home: " + acl(mac, HOME) + "\n" + report);
        } catch (PlanRefusedException refused) {
            assertTrue(refused.reasons().stream().anyMatch(r -> r.contains("DENY_BLOCKS_HOME")), refused.reasons().toString());
        }
    }

    /** APFS is case-insensitive by default: /private/TMP is /private/tmp. */
    @Test
    void aCriticalPathSpelledInOtherCaseIsRefusedAsCritical() {
        FakeMac mac = FakeMac.stock();
        PlanRefusedException refused = assertThrows(PlanRefusedException.class,
                () -> backend(mac).apply(minimal().deny("/private/TMP").build()));
        assertTrue(refused.reasons().stream().anyMatch(r -> r.contains("DENY_CRITICAL_PATH")), refused.reasons().toString());
    }

    @Test
    void aSipRestrictedTargetFailsNamedAndRollsBack() {
        FakeMac mac = FakeMac.stock();
        mac.restrict("/Library/Keychains");
        MacSnapshot before = mac.snapshot();

        ApplyReport report;
        try {
            report = backend(mac).apply(correctedPlan());
        } catch (PlanRefusedException refused) {
            assertTrue(refused.reasons().toString().contains("/Library/Keychains"), refused.reasons().toString());
            assertSameState(before, mac.snapshot());
            return;
        }
        assertFalse(report.succeeded(), report::toString);
        assertTrue(report.toString().contains("/Library/Keychains") && report.toString().contains("Operation not permitted"), report::toString);
        assertTrue(report.rolledBack());
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aTargetRemovedBetweenApplyAndUndo() {
        FakeMac mac = FakeMac.stock();
        mac.mkdir("/Users/alice/Projects", "alice", "staff", 0755);
        MacOsBackend backend = backend(mac);
        assertTrue(backend.apply(minimal().deny("/Users/alice/Projects").build()).succeeded());
        byHand(mac, "/bin/rmdir", "/Users/alice/Projects");
        MacSnapshot stockish = FakeMac.stock().snapshot();

        UndoReport undo = backend.undo("meeseeks");

        assertTrue(undo.succeeded(), undo::toString);
        assertSameState(stockish, mac.snapshot());
    }

    /** Replaced by a link to a directory where the agent already had an entry before cagent: that one stays. */
    @Test
    void aTargetReplacedByALinkBetweenApplyAndUndoCostsTheLinksTargetNothing() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 640, "alice");
        mac.addUser("meeseeks", 650, 640, HOME);
        mac.mkdir("/Users/alice/Projects", "alice", "staff", 0755);
        mac.mkdir("/Users/alice/Other", "alice", "staff", 0755);
        mac.addAce("/Users/alice/Other", "user:meeseeks deny list,add_file,search");
        MacOsBackend backend = backend(mac);
        assertTrue(backend.apply(minimal().deny("/Users/alice/Projects").build()).succeeded());
        byHand(mac, "/bin/mv", "/Users/alice/Projects", "/Users/alice/Projects.old");
        mac.symlink("/Users/alice/Projects", "/Users/alice/Other");

        UndoReport undo = backend.undo("meeseeks");

        assertEquals(List.of("user:meeseeks deny list,add_file,search"), acl(mac, "/Users/alice/Other"), undo::toString);
        assertTrue(undo.succeeded(), undo::toString);
    }

    // --- rollback over a Mac with much there before -----------------------------------------------

    private static FakeMac muchThereBefore() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("bob", 502, 20, "/Users/bob");
        mac.addGroup("collabo", 640, "alice", "bob");
        mac.addUser("meeseeks", 650, 640, HOME);
        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "UserShell", "/bin/bash");
        mac.mkdir(HOME, "alice", "staff", 0755);
        mac.addAce("/Users/alice", "user:meeseeks deny delete");
        mac.addAce("/Users/alice", "user:meeseeks deny list,directory_inherit");
        mac.addAce("/private/etc", "user:meeseeks deny list");
        return mac;
    }

    @Test
    void everyWriteFailedInTurnOnAMacWithMuchThereBeforeRollsBackExactly() {
        Supplier<FakeMac> machine = AccountAndDenyAttackTest::muchThereBefore;
        CagePlan plan = correctedPlan();
        ApplyReport clean = backend(machine.get()).apply(plan);
        assertTrue(clean.succeeded(), clean::toString);
        int total = clean.writes();
        List<String> problems = new ArrayList<>();
        for (int k = 1; k <= total; k++) {
            FakeMac mac = machine.get();
            MacSnapshot before = mac.snapshot();
            mac.faults().failWrite(k, Fault.exit(1, "injected failure"));
            ApplyReport report = backend(mac).apply(plan);
            mac.faults().clear();
            if (report.succeeded() || !report.rolledBack()) {
                problems.add("write " + k + ": succeeded=" + report.succeeded() + " rolledBack=" + report.rolledBack());
            }
            List<String> diff = before.diff(mac.snapshot());
            if (!diff.isEmpty()) {
                problems.add("write " + k + ": " + diff);
            }
            if (report.count(StepOutcome.FAILED) != 1) {
                problems.add("write " + k + ": " + report.count(StepOutcome.FAILED) + " failed steps");
            }
        }
        assertEquals(List.of(), problems, "of " + total + " writes");
    }
}
