package dev.cagent.testkit;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.cagent.testkit.Shell.assertOk;
import static dev.cagent.testkit.Shell.assertResult;
import static dev.cagent.testkit.Shell.read;
import static dev.cagent.testkit.Shell.sudo;
import static dev.cagent.testkit.Shell.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectoryToolsTest {

    private static final String DSEDITGROUP = "/usr/sbin/dseditgroup";
    private final FakeMac mac = FakeMac.builder().caller("root").build();

    @Test
    void createMakesAGroupWithTheGivenIdAndRefusesATakenOne() {
        assertOk(write(mac, DSEDITGROUP, "-o", "create", "-i", "700", "collabo"));
        Map<String, List<String>> collabo = mac.record("/Groups/collabo");
        assertEquals(List.of("700"), collabo.get("PrimaryGroupID"));
        assertEquals(List.of("collabo"), collabo.get("RealName"));
        assertEquals(1, collabo.get("GeneratedUID").size());
        assertResult(1, "", "GID already exists\n", write(mac, DSEDITGROUP, "-o", "create", "-i", "69", "crew"));
        assertEquals(Map.of(), mac.record("/Groups/crew"));
        assertResult(1, "", "Group already exists.\n", write(mac, DSEDITGROUP, "-o", "create", "-i", "701", "collabo"));
        assertOk(write(mac, DSEDITGROUP, "-o", "create", "crew"));
        assertEquals(List.of("501"), mac.record("/Groups/crew").get("PrimaryGroupID"), "the first free GID from 501");
    }

    @Test
    void editKeepsNamesAndUuidsWithoutDuplicates() {
        mac.addUser("meeseeks", 600, 20, "/Users/meeseeks");
        mac.addGroup("collabo", 700);
        String uuid = mac.record("/Users/meeseeks").get("GeneratedUID").get(0);
        assertOk(write(mac, DSEDITGROUP, "-o", "edit", "-a", "meeseeks", "-t", "user", "collabo"));
        assertOk(write(mac, DSEDITGROUP, "-o", "edit", "-a", "meeseeks", "-t", "user", "collabo"));
        assertEquals(List.of("meeseeks"), mac.record("/Groups/collabo").get("GroupMembership"));
        assertEquals(List.of(uuid), mac.record("/Groups/collabo").get("GroupMembers"));
        assertTrue(mac.isMember("meeseeks", "collabo"));
        assertOk(write(mac, DSEDITGROUP, "-o", "edit", "-d", "meeseeks", "-t", "user", "collabo"));
        assertNull(mac.record("/Groups/collabo").get("GroupMembership"));
        assertNull(mac.record("/Groups/collabo").get("GroupMembers"));
        assertFalse(mac.isMember("meeseeks", "collabo"));
    }

    @Test
    void editNamesWhatIsMissing() {
        mac.addGroup("collabo", 700);
        assertResult(64, "", "User not found: ghost\n", write(mac, DSEDITGROUP, "-o", "edit", "-a", "ghost", "-t", "user", "collabo"));
        assertResult(64, "", "Group not found.\n", write(mac, DSEDITGROUP, "-o", "edit", "-a", "alice", "-t", "user", "nope"));
        assertResult(127, "", "fake-mac: unsupported: /usr/sbin/dseditgroup -o edit -a staff -t group collabo (give one of -a/-d USER with -t user)\n",
                write(mac, DSEDITGROUP, "-o", "edit", "-a", "staff", "-t", "group", "collabo"));
    }

    @Test
    void checkmemberCountsOnlyExplicitMembership() {
        assertResult(0, "yes alice is a member of admin\n", "", read(mac, DSEDITGROUP, "-o", "checkmember", "-m", "alice", "admin"));
        assertResult(67, "no alice is NOT a member of staff\n", "", read(mac, DSEDITGROUP, "-o", "checkmember", "-m", "alice", "staff"));
        assertResult(67, "no alice is NOT a member of staff\n", "", read(FakeMac.stock(), DSEDITGROUP, "-o", "checkmember", "-m", "alice", "staff"));
    }

    @Test
    void deleteRemovesTheGroup() {
        mac.addGroup("collabo", 700);
        assertOk(write(mac, DSEDITGROUP, "-o", "delete", "-q", "collabo"));
        assertEquals(Map.of(), mac.record("/Groups/collabo"));
        assertResult(64, "", "Group not found.\n", write(mac, DSEDITGROUP, "-o", "delete", "-q", "collabo"));
    }

    @Test
    void writesNeedRoot() {
        FakeMac alice = FakeMac.stock();
        assertResult(64, "", "Username and password must be provided.\n", write(alice, DSEDITGROUP, "-o", "create", "-i", "700", "collabo"));
        assertOk(sudo(alice, DSEDITGROUP, "-o", "create", "-i", "700", "collabo"));
    }

    @Test
    void createhomedirMakesTheHomeFromTheUserTemplate() {
        mac.addUser("meeseeks", 600, 20, "/Users/meeseeks");
        assertResult(0, "creating home directories for (meeseeks)\n", "", mac.run(dev.cagent.exec.Command.write(
                "/usr/sbin/createhomedir", "-c", "-u", "meeseeks").withWorkingDirectory("/")));
        assertResult(0, """
                drwxr-x---+ 10 meeseeks  staff  320 Dec  3 16:27 /Users/meeseeks
                 0: group:everyone deny delete
                drwx------+  2 meeseeks  staff   64 Dec  3 16:27 /Users/meeseeks/Desktop
                 0: group:everyone deny delete
                drwxr-xr-x+  2 meeseeks  staff   64 Dec  3 16:27 /Users/meeseeks/Public
                 0: group:everyone deny delete
                """, "", read(mac, "/bin/ls", "-led", "/Users/meeseeks", "/Users/meeseeks/Desktop", "/Users/meeseeks/Public"));
        assertEquals(List.of("Desktop", "Documents", "Downloads", "Library", "Movies", "Music", "Pictures", "Public"), mac.list("/Users/meeseeks"));
        mac.writeFile("/Users/meeseeks/keep", "meeseeks", "staff", 0644, "x");
        assertOk(write(mac, "/usr/sbin/createhomedir", "-c", "-u", "meeseeks"));
        assertEquals("x", mac.readFile("/Users/meeseeks/keep"), "an existing home is left alone");
    }

    @Test
    void createhomedirCanSilentlyDoNothing() {
        mac.addUser("meeseeks", 600, 20, "/Users/meeseeks");
        mac.faults().createHomeDirDoesNothing();
        assertResult(0, "creating home directories for (meeseeks)\n", "", write(mac, "/usr/sbin/createhomedir", "-c", "-u", "meeseeks"));
        assertFalse(mac.exists("/Users/meeseeks"));
        assertResult(0, "creating home directories for (ghost)\n", "", write(mac, "/usr/sbin/createhomedir", "-c", "-u", "ghost"));
    }

    @Test
    void dscacheutilFlushes() {
        assertResult(0, "", "", write(mac, "/usr/bin/dscacheutil", "-flushcache"));
        assertResult(127, "", "fake-mac: unsupported: /usr/bin/dscacheutil -q user\n", write(mac, "/usr/bin/dscacheutil", "-q", "user"));
    }
}
