package dev.cagent.testkit;

import dev.cagent.exec.CommandResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cagent.testkit.Shell.assertOk;
import static dev.cagent.testkit.Shell.assertResult;
import static dev.cagent.testkit.Shell.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands of the blog post "Caging the Agent", run as written (programs by their absolute
 * path, {@code $(whoami)} being alice, the for loop unrolled), and what they really do to a Mac.
 */
class SeedBlogPostTest {

    private final FakeMac mac = FakeMac.stock();

    private CommandResult sudo(String program, String... args) {
        String[] argv = new String[args.length + 2];
        argv[0] = "/usr/bin/sudo";
        argv[1] = program;
        System.arraycopy(args, 0, argv, 2, args.length);
        return Shell.write(mac, argv);
    }

    private void createTheUser() {
        assertOk(sudo("/usr/bin/dscl", ".", "-create", "/Users/meeseeks"));
        assertOk(sudo("/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "UserShell", "/bin/zsh"));
        assertOk(sudo("/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "RealName", "Mr. Meeseeks"));
        assertOk(sudo("/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "UniqueID", "69"));
        assertOk(sudo("/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "PrimaryGroupID", "20"));
        assertOk(sudo("/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "NFSHomeDirectory", "/Users/meeseeks"));
        assertOk(sudo("/usr/bin/dscl", ".", "-create", "/Users/meeseeks", "IsHidden", "1"));
        assertOk(sudo("/usr/bin/dscl", ".", "-passwd", "/Users/meeseeks", "comeUpWithYourOwnPassword"));
        assertResult(0, "creating home directories for (meeseeks)\n", "", sudo("/usr/sbin/createhomedir", "-c", "-u", "meeseeks"));
    }

    private void lockItUp() {
        assertOk(sudo("/bin/chmod", "+a", "meeseeks deny read,write,execute,list", "/Users/alice"));
        assertOk(sudo("/bin/chmod", "+a", "meeseeks deny read,write,execute,list", "/Users"));
        for (String dir : List.of("/etc", "/private/etc", "/private/var", "/Library/Keychains")) {
            assertOk(sudo("/bin/chmod", "+a", "meeseeks deny read,write,execute,list", dir));
        }
    }

    private void collaborate() {
        assertOk(sudo("/usr/bin/dscl", ".", "-create", "/Groups/collabo"));
        assertOk(sudo("/usr/bin/dscl", ".", "-create", "/Groups/collabo", "PrimaryGroupID", "69"));
        assertOk(sudo("/usr/bin/dscl", ".", "-append", "/Groups/collabo", "GroupMembership", "alice"));
        assertOk(sudo("/usr/bin/dscl", ".", "-append", "/Groups/collabo", "GroupMembership", "meeseeks"));
    }

    @Test
    void theUserIsCreatedHiddenInStaffWithAHomeAndAPasswordLeftInTheRecording() {
        createTheUser();
        assertEquals(List.of("69"), mac.record("/Users/meeseeks").get("UniqueID"));
        assertEquals(List.of("1"), mac.record("/Users/meeseeks").get("IsHidden"));
        assertEquals(List.of("********"), mac.record("/Users/meeseeks").get("Password"));
        FileInfo home = mac.fileInfo("/Users/meeseeks").orElseThrow();
        assertEquals(List.of("meeseeks", "staff", "0750"), List.of(home.owner(), home.group(), home.octalMode()));
        assertTrue(mac.recorded().stream().anyMatch(r -> r.argv().contains("comeUpWithYourOwnPassword")),
                "-passwd puts the password in argv, where every process listing and log sees it");
        assertTrue(mac.canAccess("meeseeks", "/Users/alice/Public", Access.READ),
                "with PrimaryGroupID 20 the agent passes through alice's staff-group home");
    }

    @Test
    void theDenyOnUsersLocksTheAgentOutOfItsOwnHome() {
        createTheUser();
        assertTrue(mac.canAccess("meeseeks", "/Users/meeseeks", Access.WRITE));
        lockItUp();
        assertFalse(mac.canAccess("meeseeks", "/Users/meeseeks", Access.EXECUTE));
        assertFalse(mac.canAccess("meeseeks", "/Users/meeseeks", Access.WRITE));
        assertFalse(mac.canAccess("meeseeks", "/Users/Shared", Access.READ));
        assertFalse(mac.canAccess("meeseeks", "/Users/alice/Public", Access.READ));
        assertTrue(mac.canAccess("alice", "/Users/alice/Public", Access.READ));
    }

    @Test
    void theDenyOnVarAndEtcTakesTemporaryFilesDnsAndTheShellsStartupAway() {
        createTheUser();
        lockItUp();
        assertFalse(mac.canAccess("meeseeks", "/private/var/folders", Access.EXECUTE), "TMPDIR lives there");
        assertFalse(mac.canAccess("meeseeks", "/var/run", Access.EXECUTE), "the resolver's socket lives there");
        assertFalse(mac.canAccess("meeseeks", "/etc/zprofile", Access.READ));
        assertFalse(mac.canAccess("meeseeks", "/etc/ssl/cert.pem", Access.READ));
        assertTrue(mac.canAccess("meeseeks", "/private/tmp", Access.WRITE));
    }

    @Test
    void theLoopOverEtcAndPrivateEtcLeavesOneEntryBecauseChmodFollowsTheLink() {
        createTheUser();
        lockItUp();
        assertResult(0, """
                lrwxr-xr-x   1 root  wheel   11 Dec  3 16:27 /etc -> private/etc
                drwxr-xr-x+ 10 root  wheel  320 Dec  3 16:27 /private/etc
                 0: user:meeseeks deny list,add_file,search
                """, "", read(mac, "/bin/ls", "-led", "/etc", "/private/etc"));
        assertResult(0, """
                drwxr-x---@ 15 alice  staff  480 Dec  3 16:27 /Users/alice
                 0: user:meeseeks deny list,add_file,search
                 1: group:everyone deny delete
                """, "", read(mac, "/bin/ls", "-led", "/Users/alice"));
    }

    @Test
    void runningTheGroupSetupTwiceDuplicatesTheMembershipAndGid69IsTheNetworkGroups() {
        createTheUser();
        collaborate();
        collaborate();
        assertEquals(List.of("alice", "meeseeks", "alice", "meeseeks"), mac.record("/Groups/collabo").get("GroupMembership"));
        assertEquals(List.of("collabo             69", "network             69"), read(mac, "/usr/bin/dscl", ".", "-list", "/Groups", "PrimaryGroupID")
                .stdout().lines().filter(l -> l.endsWith(" 69")).toList());
        assertFalse(mac.record("/Groups/collabo").containsKey("GroupMembers"), "-append sets no GroupMembers UUIDs");
    }

    @Test
    void theWorkshopCommandsFailBecauseNothingCreatedItAndOnceItExistsFilesBecomeExecutable() {
        createTheUser();
        collaborate();
        assertResult(1, "", "chown: /Users/meeseeks/workshop: No such file or directory\n",
                sudo("/usr/sbin/chown", "-R", "meeseeks:collabo", "/Users/meeseeks/workshop"));
        mac.mkdir("/Users/meeseeks/workshop", "meeseeks", "staff", 0755);
        mac.writeFile("/Users/meeseeks/workshop/notes.md", "meeseeks", "staff", 0644, "# plan\n");
        assertOk(sudo("/usr/sbin/chown", "-R", "meeseeks:collabo", "/Users/meeseeks/workshop"));
        assertOk(sudo("/bin/chmod", "-R", "2770", "/Users/meeseeks/workshop"));
        assertResult(0, """
                drwxrws---  3 meeseeks  collabo  96 Dec  3 16:27 /Users/meeseeks/workshop
                -rwxrws---  1 meeseeks  collabo   7 Dec  3 16:27 /Users/meeseeks/workshop/notes.md
                """, "", read(mac, "/usr/bin/find", "-x", "/Users/meeseeks/workshop", "!", "-type", "l", "-exec", "/bin/ls", "-led", "{}", "+"));
        mac.createFileAs("alice", "/Users/meeseeks/workshop/alice.txt", "", 022);
        assertFalse(mac.canAccess("meeseeks", "/Users/meeseeks/workshop/alice.txt", Access.WRITE),
                "umask 022 makes alice's new files read-only for the agent despite the shared group");
        assertEquals("collabo", mac.fileInfo("/Users/meeseeks/workshop/alice.txt").orElseThrow().group());
    }
}
