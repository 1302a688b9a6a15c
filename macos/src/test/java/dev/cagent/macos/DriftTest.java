package dev.cagent.macos;

import dev.cagent.report.ApplyReport;
import dev.cagent.report.Drift;
import dev.cagent.report.VerifyReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cagent.macos.Cages.HOME;
import static dev.cagent.macos.Cages.JOURNAL;
import static dev.cagent.macos.Cages.assertSameState;
import static dev.cagent.macos.Cages.backend;
import static dev.cagent.macos.Cages.byHand;
import static dev.cagent.macos.Cages.correctedPlan;
import static dev.cagent.macos.Cages.lines;
import static dev.cagent.macos.Cages.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What someone changes by hand after apply: verify reports it without writing, the next apply
 * repairs exactly that, verify is clean again, and undo still leaves the machine as it was.
 */
class DriftTest {

    private FakeMac mac;
    private MacSnapshot stock;
    private MacOsBackend backend;

    @BeforeEach
    void applyTheCage() {
        mac = FakeMac.stock();
        stock = mac.snapshot();
        backend = backend(mac);
        assertTrue(backend.apply(correctedPlan()).succeeded());
    }

    /** Verify reports exactly {@code drifts} and writes nothing. */
    private void assertDrifts(List<String> drifts) {
        mac.clearRecorded();
        VerifyReport verify = backend.verify(correctedPlan());
        assertEquals(drifts, verify.drifts().stream().map(Drift::toString).toList());
        assertEquals(List.of(), lines(writes(mac)), "verify writes nothing");
        assertEquals(mac.recorded().size(), verify.processes());
    }

    /**
     * The next apply runs exactly {@code repairs} (besides recording them in the journal); then
     * verify is clean and undo restores the stock Mac.
     */
    private void assertRepairedBy(List<String> repairs) {
        mac.clearRecorded();
        ApplyReport repair = backend.apply(correctedPlan());
        assertTrue(repair.succeeded(), repair::toString);
        assertEquals(repairs, lines(writes(mac).stream().filter(c -> !c.argv().contains(JOURNAL)).toList()));
        assertTrue(backend.verify(correctedPlan()).isClean());
        assertTrue(backend.undo("meeseeks").succeeded());
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void aDenyEntryRemovedByHand() {
        byHand(mac, "/bin/chmod", "-a", "user:meeseeks deny list,add_file,search", "/Users/alice");

        assertDrifts(List.of("deny meeseeks list,add_file,search on /Users/alice: ACL of /Users/alice should be deny list,add_file,search, is no deny entry for meeseeks"));
        assertRepairedBy(List.of("/usr/bin/sudo -n -- /bin/chmod +a 'user:meeseeks deny list,add_file,search' /Users/alice"));
    }

    @Test
    void partOfADenyEntryRemovedByHand() {
        byHand(mac, "/bin/chmod", "-a", "user:meeseeks deny search", "/Users/alice");

        assertDrifts(List.of("deny meeseeks list,add_file,search on /Users/alice: ACL of /Users/alice should be deny list,add_file,search, is denies list,add_file"));
        assertRepairedBy(List.of("/usr/bin/sudo -n -- /bin/chmod +a 'user:meeseeks deny search' /Users/alice"));
    }

    @Test
    void aMembershipLost() {
        byHand(mac, "/usr/sbin/dseditgroup", "-o", "edit", "-d", "meeseeks", "-t", "user", "collabo");

        assertDrifts(List.of("group collabo with alice, meeseeks: membership of meeseeks should be explicit member, is not a member"));
        assertRepairedBy(List.of(
                "/usr/bin/sudo -n -- /usr/sbin/dseditgroup -o edit -a meeseeks -t user collabo",
                "/usr/bin/sudo -n -- /usr/bin/dscacheutil -flushcache"));
    }

    @Test
    void theHomesModeChanged() {
        byHand(mac, "/bin/chmod", "-h", "0755", HOME);

        assertDrifts(List.of("home /Users/meeseeks: mode of /Users/meeseeks should be 0750, is 0755"));
        assertRepairedBy(List.of("/usr/bin/sudo -n -- /bin/chmod -h 0750 /Users/meeseeks"));
    }

    @Test
    void theHomesOwnerChanged() {
        byHand(mac, "/usr/sbin/chown", "-h", "alice:staff", HOME);

        assertDrifts(List.of("home /Users/meeseeks: owner of /Users/meeseeks should be meeseeks:collabo, is alice:staff"));
        assertRepairedBy(List.of("/usr/bin/sudo -n -- /usr/sbin/chown -h meeseeks:collabo /Users/meeseeks"));
    }

    @Test
    void theRealNameChanged() {
        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "RealName", "Mister M");

        assertDrifts(List.of("user meeseeks: RealName should be Mr. Meeseeks, is Mister M"));
        assertRepairedBy(List.of(
                "/usr/bin/sudo -n -- /usr/bin/dscl . -create /Users/meeseeks RealName 'Mr. Meeseeks'",
                "/usr/bin/sudo -n -- /usr/bin/dscacheutil -flushcache"));
    }

    @Test
    void theAccountShownAgain() {
        byHand(mac, "/usr/bin/dscl", ".", "-delete", "/Users/meeseeks", "IsHidden");

        assertDrifts(List.of("user meeseeks: IsHidden should be 1, is missing"));
        assertRepairedBy(List.of(
                "/usr/bin/sudo -n -- /usr/bin/dscl . -create /Users/meeseeks IsHidden 1",
                "/usr/bin/sudo -n -- /usr/bin/dscacheutil -flushcache"));
    }

    @Test
    void theUidChanged() {
        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "UniqueID", "650");

        assertDrifts(List.of("user meeseeks: UniqueID should be 600, is 650",
                "workspace /Users/meeseeks/workshop (meeseeks:collabo): workspace tree /Users/meeseeks/workshop should be shared: group collabo on every entry,"
                        + " owned by meeseeks or alice, every directory usable and every file editable by the group, inheritable group entries on every directory,"
                        + " is 1 the workspace itself with another owner or group, 1 the workspace itself with another mode"));
        mac.clearRecorded();
        assertTrue(backend.apply(correctedPlan()).succeeded());
        assertEquals(List.of("600"), mac.record("/Users/meeseeks").get("UniqueID"));
        assertTrue(lines(writes(mac)).contains("/usr/bin/sudo -n -- /usr/bin/dscl . -create /Users/meeseeks UniqueID 600"));
        assertTrue(backend.verify(correctedPlan()).isClean());
        assertTrue(backend.undo("meeseeks").succeeded());
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void theGroupsGidChanged() {
        byHand(mac, "/usr/bin/dscl", ".", "-create", "/Groups/collabo", "PrimaryGroupID", "650");

        assertDrifts(List.of("group collabo with alice, meeseeks: PrimaryGroupID of collabo should be 600, is 650",
                "workspace /Users/meeseeks/workshop (meeseeks:collabo): workspace tree /Users/meeseeks/workshop should be shared: group collabo on every entry,"
                        + " owned by meeseeks or alice, every directory usable and every file editable by the group, inheritable group entries on every directory,"
                        + " is 1 the workspace itself with another owner or group, 1 the workspace itself with another mode"));
        mac.clearRecorded();
        assertTrue(backend.apply(correctedPlan()).succeeded());
        assertEquals(List.of("600"), mac.record("/Groups/collabo").get("PrimaryGroupID"));
        assertTrue(backend.verify(correctedPlan()).isClean());
        assertTrue(backend.undo("meeseeks").succeeded());
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void severalDriftsAtOnceAreAllReportedAndRepairedInOneApply() {
        byHand(mac, "/bin/chmod", "-a", "user:meeseeks deny list", "/private/etc");
        byHand(mac, "/usr/sbin/dseditgroup", "-o", "edit", "-d", "alice", "-t", "user", "collabo");
        byHand(mac, "/bin/chmod", "-h", "0700", HOME);

        assertDrifts(List.of(
                "group collabo with alice, meeseeks: membership of alice should be explicit member, is not a member",
                "home /Users/meeseeks: mode of /Users/meeseeks should be 0750, is 0700",
                "deny meeseeks list on /private/etc: ACL of /private/etc should be deny list, is no deny entry for meeseeks"));
        assertRepairedBy(List.of(
                "/usr/bin/sudo -n -- /usr/sbin/dseditgroup -o edit -a alice -t user collabo",
                "/usr/bin/sudo -n -- /usr/bin/dscacheutil -flushcache",
                "/usr/bin/sudo -n -- /bin/chmod -h 0750 /Users/meeseeks",
                "/usr/bin/sudo -n -- /bin/chmod +a 'user:meeseeks deny list' /private/etc"));
    }

    @Test
    void anAdoptedAccountChangedByHandIsRepairedAndUndoStillRestoresItsOriginalLooks() {
        FakeMac adopted = FakeMac.stock();
        adopted.addGroup("collabo", 640, "alice");
        adopted.addUser("meeseeks", 650, 640, HOME);
        MacSnapshot before = adopted.snapshot();
        MacOsBackend onAdopted = backend(adopted);
        onAdopted.apply(correctedPlan());
        byHand(adopted, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "RealName", "Mister M");

        assertEquals(List.of("user meeseeks: RealName should be Mr. Meeseeks, is Mister M"),
                onAdopted.verify(correctedPlan()).drifts().stream().map(Drift::toString).toList());
        onAdopted.apply(correctedPlan());
        assertEquals(List.of("Mr. Meeseeks"), adopted.record("/Users/meeseeks").get("RealName"));
        assertTrue(onAdopted.undo("meeseeks").succeeded());

        assertEquals(List.of("meeseeks"), adopted.record("/Users/meeseeks").get("RealName"), "the name it had before cagent, not the one made by hand in between");
        assertSameState(before, adopted.snapshot());
    }
}
