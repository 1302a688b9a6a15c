package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.PlanRefusedException;
import dev.cagent.report.Preview;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cagent.macos.Cages.HOME;
import static dev.cagent.macos.Cages.assertSameState;
import static dev.cagent.macos.Cages.backend;
import static dev.cagent.macos.Cages.byHand;
import static dev.cagent.macos.Cages.corrected;
import static dev.cagent.macos.Cages.correctedPlan;
import static dev.cagent.macos.Cages.lines;
import static dev.cagent.macos.Cages.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IDs and names that clash with what the machine holds are refused before any write, with the
 * holder and a way out named; automatic allocation takes the first free ID and keeps it.
 */
class CollisionTest {

    /** Applies and expects a refusal: returns its reasons, after checking nothing was written. */
    private static List<String> refusalOf(FakeMac mac, CagePlan plan) {
        MacSnapshot before = mac.snapshot();
        mac.clearRecorded();
        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> backend(mac).apply(plan));
        assertEquals(List.of(), lines(writes(mac)), "a refusal comes before any write");
        assertSameState(before, mac.snapshot());
        return refused.reasons();
    }

    @Test
    void aFixedUidHeldByAnotherUserIsRefusedNamingTheHolderAndAFreeUid() {
        assertEquals(List.of("UID 501 for user meeseeks is already held by user alice; UID 600 is free"),
                refusalOf(FakeMac.stock(), corrected().uid(501).build()));
    }

    @Test
    void theFreeUidNamedIsReallyFree() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("bob", 600, 20, "/Users/bob");
        mac.addUser("carol", 601, 20, "/Users/carol");
        assertEquals(List.of("UID 501 for user meeseeks is already held by user alice; UID 602 is free"),
                refusalOf(mac, corrected().uid(501).build()));
    }

    @Test
    void aFixedGidHeldByAStockGroupIsRefused() {
        assertEquals(List.of("GID 69 for group collabo is already held by group network; GID 600 is free"),
                refusalOf(FakeMac.stock(), corrected().collaborationGroupId(69).build()));
    }

    @Test
    void anExistingUserWithAnotherUidIsRefusedOnce() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 600);
        mac.addUser("meeseeks", 650, 600, HOME);
        assertEquals(List.of("user meeseeks already exists with UID 650, the plan asks for 600: plan UID 650 to adopt it, or choose another name"),
                refusalOf(mac, corrected().uid(600).build()));
    }

    @Test
    void anExistingUserWithAUidOutsideTheRangeIsRefused() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 600);
        mac.addUser("meeseeks", 700, 600, HOME);
        assertEquals(List.of("user meeseeks already exists with UID 700, outside the range 600-699 the plan allows: plan that UID or widen the range"),
                refusalOf(mac, correctedPlan()));
    }

    @Test
    void anExistingUserWithAnotherHomeIsRefused() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 600);
        mac.addUser("meeseeks", 650, 600, "/Users/other");
        assertEquals(List.of("user meeseeks already exists with NFSHomeDirectory /Users/other, the plan says /Users/meeseeks: "
                        + "it is another account; choose another name for the agent, or adopt it with home(\"/Users/other\")"),
                refusalOf(mac, correctedPlan()));
    }

    @Test
    void anExistingUserWithAnotherPrimaryGroupIsRefused() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("meeseeks", 650, 20, HOME);
        assertEquals(List.of("user meeseeks already exists with PrimaryGroupID 20, the plan says 600: "
                        + "it is another account; choose another name for the agent, or adopt it with primaryGroupId(20)"),
                refusalOf(mac, correctedPlan()));
    }

    @Test
    void anExistingGroupWithAnotherGidIsRefused() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 650);
        assertEquals(List.of("group collabo already exists with GID 650, the plan asks for 700: plan GID 650 to adopt it, or choose another name"),
                refusalOf(mac, corrected().collaborationGroupId(700).build()));
    }

    @Test
    void anExistingGroupWithAGidOutsideTheRangeIsRefused() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 750);
        assertEquals(List.of("group collabo already exists with GID 750, outside the range 600-699 the plan allows: plan that GID or widen the range"),
                refusalOf(mac, correctedPlan()));
    }

    @Test
    void aRangeWithoutAFreeIdIsRefused() {
        FakeMac mac = FakeMac.stock();
        assertEquals(List.of("no free UID in 501-501 for user meeseeks: widen the range or give a free UID; UID 600 is free"),
                refusalOf(mac, corrected().uidFirstFreeIn(501, 501).build()));
        assertEquals(List.of("no free GID in 80-80 for group collabo: widen the range or give a free GID; GID 600 is free"),
                refusalOf(mac, corrected().collaborationGroupIdFirstFreeIn(80, 80).build()));
    }

    @Test
    void aFileOrLinkWhereTheHomeShouldBeIsRefused() {
        FakeMac mac = FakeMac.stock();
        mac.writeFile(HOME, "root", "wheel", 0644, "not a directory\n");
        assertEquals(List.of("home /Users/meeseeks exists but is a file, not a directory: move it away or plan another home"),
                refusalOf(mac, correctedPlan()));

        FakeMac linked = FakeMac.stock();
        linked.symlink(HOME, "/Users/Shared");
        assertEquals(List.of("home /Users/meeseeks exists but is a symlink, not a directory: move it away or plan another home"),
                refusalOf(linked, correctedPlan()));
    }

    @Test
    void aMemberWithoutAnAccountIsRefused() {
        assertEquals(List.of("group member bob has no account on this machine: check the name (the human is the account you log in with, see `id -un`)"),
                refusalOf(FakeMac.stock(), corrected().alsoMember("bob").build()));
    }

    @Test
    void aPrimaryGroupIdNoGroupHoldsIsRefused() {
        assertEquals(List.of("primary group 4242: no group has GID 4242 on this machine; create it first or let the collaboration group be the primary group"),
                refusalOf(FakeMac.stock(), corrected().primaryGroupId(4242).build()));
    }

    @Test
    void everyCollisionIsListedAtOnce() {
        FakeMac mac = FakeMac.stock();
        assertEquals(List.of("UID 501 for user meeseeks is already held by user alice; UID 600 is free",
                        "GID 20 for group collabo is already held by group staff; GID 600 is free"),
                refusalOf(mac, corrected().uid(501).collaborationGroupId(20).build()));
    }

    @Test
    void previewShowsTheRefusalsAndVerifyReportsThemAsConflicts() {
        FakeMac mac = FakeMac.stock();
        CagePlan plan = corrected().uid(501).build();
        MacOsBackend backend = backend(mac);

        Preview preview = backend.preview(plan);

        assertFalse(preview.wouldApply());
        assertEquals(List.of("UID 501 for user meeseeks is already held by user alice; UID 600 is free"), preview.refusals());
        assertTrue(preview.script().contains("apply would refuse this plan; do not run this script:\n#   UID 501 for user meeseeks is already held by user alice"),
                preview.script());
        List<String> conflicts = backend.verify(plan).drifts().stream().filter(d -> d.subject().equals("conflict")).map(Object::toString).toList();
        assertEquals(List.of("user meeseeks: conflict should be as planned, is UID 501 for user meeseeks is already held by user alice; UID 600 is free"), conflicts);
        assertEquals(List.of(), lines(writes(mac)));
    }

    @Test
    void automaticAllocationTakesTheFirstFreeIdsInTheRange() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("bob", 600, 20, "/Users/bob");
        mac.addGroup("builders", 600);
        mac.addGroup("testers", 601);

        assertTrue(backend(mac).apply(correctedPlan()).succeeded());

        assertEquals(List.of("601"), mac.record("/Users/meeseeks").get("UniqueID"));
        assertEquals(List.of("602"), mac.record("/Groups/collabo").get("PrimaryGroupID"));
        assertEquals(List.of("602"), mac.record("/Users/meeseeks").get("PrimaryGroupID"));
    }

    @Test
    void anAllocatedIdIsKeptWhenALowerOneBecomesFree() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("bob", 600, 20, "/Users/bob");
        MacOsBackend backend = backend(mac);
        backend.apply(correctedPlan());
        byHand(mac, "/usr/bin/dscl", ".", "-delete", "/Users/bob");
        mac.clearRecorded();

        assertEquals(0, backend.apply(correctedPlan()).writes());

        assertEquals(List.of(), lines(writes(mac)));
        assertEquals(List.of("601"), mac.record("/Users/meeseeks").get("UniqueID"));
    }

    @Test
    void anAccountDeletedByHandComesBackWithItsRecordedUid() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("bob", 600, 20, "/Users/bob");
        MacOsBackend backend = backend(mac);
        backend.apply(correctedPlan());
        byHand(mac, "/usr/bin/dscl", ".", "-delete", "/Users/bob");
        byHand(mac, "/usr/bin/dscl", ".", "-delete", "/Users/meeseeks");

        assertTrue(backend.apply(correctedPlan()).succeeded());

        assertEquals(List.of("601"), mac.record("/Users/meeseeks").get("UniqueID"), "files it owns carry 601");
    }

    @Test
    void aRecordedUidTakenMeanwhileIsRefusedNamingTheNewHolder() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        backend.apply(correctedPlan());
        byHand(mac, "/usr/bin/dscl", ".", "-delete", "/Users/meeseeks");
        mac.addUser("_newdaemon", 600, 600, "/var/empty");

        assertEquals(List.of("UID 600 for user meeseeks is already held by user _newdaemon; UID 601 is free"),
                refusalOf(mac, correctedPlan()));
        assertTrue(backend.verify(correctedPlan()).drifts().stream().anyMatch(d -> d.step().equals(correctedPlan().user())
                && d.toString().equals("user meeseeks: conflict should be as planned, is UID 600 for user meeseeks is already held by user _newdaemon; UID 601 is free")),
                "verify reports it too");
    }

    @Test
    void anExistingMatchingUserAndGroupAreAdoptedWithTheirIds() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 640, "alice");
        mac.addUser("meeseeks", 650, 640, HOME);

        assertTrue(backend(mac).apply(correctedPlan()).succeeded());

        assertEquals(List.of("650"), mac.record("/Users/meeseeks").get("UniqueID"));
        assertEquals(List.of("640"), mac.record("/Groups/collabo").get("PrimaryGroupID"));
    }
}
