package dev.cagent.testkit;

import dev.cagent.exec.CommandResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.cagent.testkit.Shell.assertResult;
import static dev.cagent.testkit.Shell.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedTest {

    private final FakeMac mac = FakeMac.stock();

    @Test
    void aliceRunsTheCommandsAndIsUid501() {
        assertEquals("alice", mac.caller());
        assertResult(0, "501\n", "", read(mac, "/usr/bin/id", "-u"));
        assertResult(0, "alice\n", "", read(mac, "/usr/bin/whoami"));
    }

    @Test
    void aliceIsAnAdministratorWhosePrimaryGroupIsStaff() {
        Map<String, List<String>> alice = mac.record("/Users/alice");
        assertEquals(List.of("501"), alice.get("UniqueID"));
        assertEquals(List.of("20"), alice.get("PrimaryGroupID"));
        assertEquals(List.of("Alice"), alice.get("RealName"));
        assertEquals(List.of("/bin/zsh"), alice.get("UserShell"));
        assertEquals(List.of("/Users/alice"), alice.get("NFSHomeDirectory"));
        assertEquals(List.of("********"), alice.get("Password"));
        assertTrue(mac.isMember("alice", "admin"));
        assertFalse(mac.isMember("alice", "staff"), "a primary group is no explicit membership");
        assertEquals(List.of("root", "alice"), mac.record("/Groups/admin").get("GroupMembership"));
        assertEquals(List.of("root"), mac.record("/Groups/wheel").get("GroupMembership"));
        assertEquals(List.of("root"), mac.record("/Groups/staff").get("GroupMembership"));
    }

    @Test
    void systemAccountsAreHiddenWithWellKnownUuids() {
        Map<String, List<String>> www = mac.record("/Users/_www");
        assertEquals(List.of("70"), www.get("UniqueID"));
        assertEquals(List.of("1"), www.get("IsHidden"));
        assertEquals(List.of("/var/empty"), www.get("NFSHomeDirectory"));
        assertEquals(List.of("/usr/bin/false"), www.get("UserShell"));
        assertEquals(List.of("FFFFEEEE-DDDD-CCCC-BBBB-AAAA00000046"), www.get("GeneratedUID"));
        Map<String, List<String>> root = mac.record("/Users/root");
        assertEquals(List.of("/var/root"), root.get("NFSHomeDirectory"));
        assertEquals(List.of("/bin/sh"), root.get("UserShell"));
        assertEquals(List.of("-2"), mac.record("/Users/nobody").get("UniqueID"));
        assertEquals(List.of("ABCDEFAB-CDEF-ABCD-EFAB-CDEF0000000C"), mac.record("/Groups/everyone").get("GeneratedUID"));
        assertEquals(Map.of(), mac.record("/Users/meeseeks"));
    }

    @Test
    void sequoiaTakesUids300To304AndTheStockGroupIds() {
        String users = read(mac, "/usr/bin/dscl", ".", "-list", "/Users", "UniqueID").stdout();
        for (String line : List.of("_aonsensed", "_modelmanagerd", "_reportsystemmemory", "_swtransparencyd", "_naturallanguaged")) {
            assertTrue(users.contains(line), line);
        }
        assertTrue(users.contains("\n_naturallanguaged        304\n") || users.contains("_naturallanguaged "), users);
        assertTrue(users.lines().anyMatch("_oahd                    441"::equals), users);
        String groups = read(mac, "/usr/bin/dscl", ".", "-list", "/Groups", "PrimaryGroupID").stdout();
        assertTrue(groups.lines().anyMatch(l -> l.matches("admin +80")), groups);
        assertTrue(groups.lines().anyMatch(l -> l.matches("network +69")), groups);
        assertTrue(groups.lines().anyMatch(l -> l.matches("wheel +0")), groups);
        assertTrue(groups.lines().anyMatch(l -> l.matches("staff +20")), groups);
    }

    @Test
    void aliceHomeListsAsTheContractExampleShows() {
        assertResult(0, """
                drwxr-x---@ 15 alice  staff  480 Dec  3 16:27 /Users/alice
                 0: group:everyone deny delete
                """, "", read(mac, "/bin/ls", "-led", "/Users/alice"));
        assertEquals(List.of(".CFUserTextEncoding", ".Trash", ".ssh", ".zsh_history", ".zshrc", "Desktop", "Documents",
                "Downloads", "Library", "Movies", "Music", "Pictures", "Public"), mac.list("/Users/alice"));
    }

    @Test
    void systemFoldersAreSipRestrictedAndPrivateIsBehindRelativeLinks() {
        CommandResult result = read(mac, "/bin/ls", "-ldO", "/", "/System", "/etc", "/private/etc", "/tmp", "/var", "/usr/local");
        assertResult(0, """
                drwxr-xr-x  14 root  wheel  restricted 448 Dec  3 16:27 /
                drwxr-xr-x   3 root  wheel  restricted  96 Dec  3 16:27 /System
                lrwxr-xr-x   1 root  wheel  restricted  11 Dec  3 16:27 /etc -> private/etc
                drwxr-xr-x  10 root  wheel  -          320 Dec  3 16:27 /private/etc
                lrwxr-xr-x   1 root  wheel  restricted  11 Dec  3 16:27 /tmp -> private/tmp
                drwxr-xr-x   3 root  wheel  -           96 Dec  3 16:27 /usr/local
                lrwxr-xr-x   1 root  wheel  restricted  11 Dec  3 16:27 /var -> private/var
                """, "", result);
    }

    @Test
    void stockFilesHaveRealisticOwnersAndModes() {
        assertEquals("0440", mac.fileInfo("/private/etc/sudoers").orElseThrow().octalMode());
        assertEquals("1777", mac.fileInfo("/private/tmp").orElseThrow().octalMode());
        assertEquals("1777", mac.fileInfo("/Users/Shared").orElseThrow().octalMode());
        assertEquals("0700", mac.fileInfo("/private/var/root").orElseThrow().octalMode());
        assertEquals("0600", mac.fileInfo("/Users/alice/.ssh/id_ed25519").orElseThrow().octalMode());
        assertEquals("4511", mac.fileInfo("/usr/bin/sudo").orElseThrow().octalMode());
        FileInfo support = mac.fileInfo("/Library/Application Support").orElseThrow();
        assertEquals("admin", support.group());
        assertEquals("0775", support.octalMode());
        FileInfo users = mac.fileInfo("/Users").orElseThrow();
        assertEquals("root", users.owner());
        assertEquals("admin", users.group());
        assertEquals(new FileInfo(FileInfo.Type.SYMLINK, "root", "wheel", 0, 0, 0755, true, List.of(), "private/etc"),
                mac.fileInfo("/etc").orElseThrow());
        assertTrue(mac.exists("/etc/ssl/cert.pem"));
        assertTrue(mac.readFile("/etc/zprofile").contains("path_helper"));
        assertTrue(mac.readFile("/Users/alice/.zshrc").startsWith("# ~/.zshrc\n"));
        assertTrue(mac.exists("/usr/bin/jq"));
        assertTrue(mac.exists("/dev/null"));
        assertTrue(mac.exists("/Library/Keychains/System.keychain"));
    }

    @Test
    void jqCanBeLeftOut() {
        FakeMac withoutJq = FakeMac.builder().jq(false).build();
        assertFalse(withoutJq.exists("/usr/bin/jq"));
    }

    @Test
    void sandboxExecShipsUnlessLeftOut() {
        assertTrue(FakeMac.stock().exists("/usr/bin/sandbox-exec"));
        FakeMac without = FakeMac.builder().sandboxExec(false).build();
        assertFalse(without.exists("/usr/bin/sandbox-exec"));
        assertTrue(without.exists("/usr/bin/true"), "only sandbox-exec is left out");
    }

    @Test
    void anotherHumanReplacesAlice() {
        FakeMac bob = FakeMac.builder().human("bob", 502).build();
        assertEquals("bob", bob.caller());
        assertEquals(Map.of(), bob.record("/Users/alice"));
        assertEquals(List.of("Bob"), bob.record("/Users/bob").get("RealName"));
        assertResult(0, "502\n", "", read(bob, "/usr/bin/id", "-u"));
        assertTrue(bob.isMember("bob", "admin"));
        assertEquals("bob", bob.fileInfo("/Users/bob").orElseThrow().owner());
    }

    @Test
    void builderRefusesBadHumansAndUnknownCallers() {
        IllegalArgumentException uid = assertThrows(IllegalArgumentException.class, () -> FakeMac.builder().human("bob", 69));
        assertEquals("human UID 69 is not a regular user's: give 501 or more, e.g. 501", uid.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FakeMac.builder().human("Bob Smith", 501));
        IllegalArgumentException caller = assertThrows(IllegalArgumentException.class, () -> FakeMac.builder().caller("meeseeks").build());
        assertEquals("caller 'meeseeks' has no account on this Mac: use the human ('alice'), root, or a stock account", caller.getMessage());
    }

    @Test
    void rootCallerIsAlreadyRoot() {
        FakeMac root = FakeMac.builder().caller("root").build();
        assertResult(0, "0\n", "", read(root, "/usr/bin/id", "-u"));
    }

    @Test
    void twoStockMacsAreEqual() {
        assertEquals(FakeMac.stock().snapshot(), FakeMac.stock().snapshot());
    }
}
