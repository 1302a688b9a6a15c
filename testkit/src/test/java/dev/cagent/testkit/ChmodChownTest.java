package dev.cagent.testkit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cagent.testkit.Shell.assertOk;
import static dev.cagent.testkit.Shell.assertResult;
import static dev.cagent.testkit.Shell.read;
import static dev.cagent.testkit.Shell.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ChmodChownTest {

    private static final String CHMOD = "/bin/chmod";
    private final FakeMac mac = FakeMac.builder().caller("root").build();

    @BeforeEach
    void agent() {
        mac.addGroup("collabo", 700, "alice");
        mac.addUser("meeseeks", 600, 700, "/Users/meeseeks");
        mac.mkdir("/private/tmp/w", "alice", "collabo", 0770);
    }

    private List<String> acl(String path) {
        return mac.fileInfo(path).orElseThrow().acl();
    }

    @Test
    void addPutsEachEntryAtTheTopOfItsCanonicalBlock() {
        assertOk(write(mac, CHMOD, "+a", "group:collabo allow list,search", "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a", "user:meeseeks deny delete", "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a", "user:alice allow add_file", "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a", "group:everyone deny delete_child", "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a", "user:meeseeks allow readattr,inherited", "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a", "user:meeseeks deny writeattr,inherited", "/private/tmp/w"));
        assertResult(0, """
                drwxrwx---+ 2 alice  collabo  64 Dec  3 16:27 /private/tmp/w
                 0: group:everyone deny delete_child
                 1: user:meeseeks deny delete
                 2: user:alice allow add_file
                 3: group:collabo allow list,search
                 4: user:meeseeks inherited deny writeattr
                 5: user:meeseeks inherited allow readattr
                """, "", read(mac, "/bin/ls", "-led", "/private/tmp/w"));
    }

    @Test
    void anEntryWithTheSameQualifierKindAndFlagsMergesAndIdenticalTextChangesNothing() {
        assertOk(write(mac, CHMOD, "+a", "meeseeks deny read,write,execute,list", "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a", "meeseeks deny read,write,execute,list", "/private/tmp/w"));
        assertEquals(List.of("user:meeseeks deny list,add_file,search"), acl("/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a", "meeseeks deny delete", "/private/tmp/w"));
        assertEquals(List.of("user:meeseeks deny list,add_file,search,delete"), acl("/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a", "meeseeks deny delete,file_inherit", "/private/tmp/w"));
        assertEquals(List.of("user:meeseeks deny delete,file_inherit", "user:meeseeks deny list,add_file,search,delete"),
                acl("/private/tmp/w"), "different flags make a new entry, at the top of its block");
    }

    @Test
    void rightsArePrintedWithTheNamesOfTheObjectType() {
        mac.writeFile("/private/tmp/w/f", "alice", "collabo", 0660, "");
        assertOk(write(mac, CHMOD, "+a", "group:collabo allow list,add_file,search,add_subdirectory,delete_child,readattr,writeattr,readextattr,writeextattr,readsecurity,writesecurity,chown,delete",
                "/private/tmp/w", "/private/tmp/w/f"));
        assertEquals(List.of("group:collabo allow list,add_file,search,delete,add_subdirectory,delete_child,readattr,writeattr,readextattr,writeextattr,readsecurity,writesecurity,chown"),
                acl("/private/tmp/w"));
        assertEquals(List.of("group:collabo allow read,write,execute,delete,append,readattr,writeattr,readextattr,writeextattr,readsecurity,writesecurity,chown"),
                acl("/private/tmp/w/f"), "delete_child has no name on files");
        assertOk(write(mac, CHMOD, "+a", "group:collabo allow read,file_inherit,directory_inherit,limit_inherit,only_inherit", "/private/tmp/w/f"));
        assertEquals("group:collabo allow read,limit_inherit", acl("/private/tmp/w/f").get(0), "files show only limit_inherit");
    }

    @Test
    void removeTakesExactMatchesOrJustTheListedRights() {
        assertOk(write(mac, CHMOD, "+a", "meeseeks deny list,add_file,search,delete", "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a", "group:collabo allow list", "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "-a", "meeseeks deny delete", "/private/tmp/w"));
        assertEquals(List.of("user:meeseeks deny list,add_file,search", "group:collabo allow list"), acl("/private/tmp/w"));
        assertOk(write(mac, CHMOD, "-a", "meeseeks deny list,add_file,search", "/private/tmp/w"));
        assertEquals(List.of("group:collabo allow list"), acl("/private/tmp/w"));
        assertResult(1, "", "chmod: Entry not found when attempting delete '/private/tmp/w'\n",
                write(mac, CHMOD, "-a", "meeseeks deny list", "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "-a", "group:collabo allow list", "/private/tmp/w"));
        assertResult(0, "drwxrwx---  2 alice  collabo  64 Dec  3 16:27 /private/tmp/w\n", "", read(mac, "/bin/ls", "-led", "/private/tmp/w"));
        assertResult(1, "", "chmod: No ACL present '/private/tmp/w'\n", write(mac, CHMOD, "-a", "group:collabo allow list", "/private/tmp/w"));
    }

    @Test
    void removeByTextEditsEveryEntryOfThatPrincipalAndKind() {
        // file_cmds' modify_acl walks the whole ACL: an exact match goes, every partial match loses the rights
        String directories = "group:collabo allow list,add_file,search,delete,directory_inherit";
        String files = "group:collabo allow list,add_file,file_inherit,directory_inherit,only_inherit";
        assertOk(write(mac, CHMOD, "+a", directories, "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a", files, "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "-a", directories, "/private/tmp/w"));
        assertEquals(List.of(), acl("/private/tmp/w"), "the other entry loses list and add_file too, and with no right left it goes");

        assertOk(write(mac, CHMOD, "+a", directories, "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a", files, "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "-a", "group:collabo allow add_file", "/private/tmp/w"));
        assertEquals(0, acl("/private/tmp/w").stream().filter(a -> a.contains("add_file")).count(), "both entries lose the right");
        assertEquals(2, acl("/private/tmp/w").size());
    }

    @Test
    void aNameThatDoesNotResolveIsRefused() {
        assertResult(1, "", "chmod: Unable to translate 'nobody2' to a UUID\n", write(mac, CHMOD, "+a", "nobody2 deny list", "/private/tmp/w"));
        assertResult(1, "", "chmod: Unable to translate 'collabo' to a UUID\n", write(mac, CHMOD, "+a", "user:collabo deny list", "/private/tmp/w"));
        assertResult(1, "", "chmod: Invalid permission type 'lsit'\n", write(mac, CHMOD, "+a", "meeseeks deny lsit", "/private/tmp/w"));
        assertResult(1, "", "chmod: Unknown tag type 'refuse'\n", write(mac, CHMOD, "+a", "meeseeks refuse list", "/private/tmp/w"));
        assertEquals(List.of(), acl("/private/tmp/w"));
    }

    @Test
    void aPositionPutsAnEntryAnywhereAndANonCanonicalAclThenRefusesPlainAdditions() {
        assertOk(write(mac, CHMOD, "+a", "meeseeks deny list", "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a#", "0", "group:collabo allow list", "/private/tmp/w"));
        assertEquals(List.of("group:collabo allow list", "user:meeseeks deny list"), acl("/private/tmp/w"));
        assertResult(1, "", "chmod: The specified file '/private/tmp/w' does not have an ACL in canonical order, please specify a position with +a# \n",
                write(mac, CHMOD, "+a", "alice allow list", "/private/tmp/w"));
        assertEquals(2, acl("/private/tmp/w").size());
        assertOk(write(mac, CHMOD, "-a", "group:collabo allow list", "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "+a", "alice allow list", "/private/tmp/w"));
        assertEquals(List.of("user:meeseeks deny list", "user:alice allow list"), acl("/private/tmp/w"));
    }

    @Test
    void anEntryOfADeletedUserCanOnlyBeRemovedByIndex() {
        assertOk(write(mac, CHMOD, "+a", "meeseeks deny list", "/private/tmp/w"));
        String uuid = mac.record("/Users/meeseeks").get("GeneratedUID").get(0);
        assertOk(write(mac, "/usr/bin/dscl", ".", "-delete", "/Users/meeseeks"));
        assertEquals(List.of(uuid + " deny list"), acl("/private/tmp/w"));
        assertResult(1, "", "chmod: Unable to translate 'meeseeks' to a UUID\n", write(mac, CHMOD, "-a", "meeseeks deny list", "/private/tmp/w"));
        assertResult(1, "", "chmod: Invalid entry number '/private/tmp/w'\n", write(mac, CHMOD, "-a#", "1", "/private/tmp/w"));
        assertOk(write(mac, CHMOD, "-a#", "0", "/private/tmp/w"));
        assertEquals(List.of(), acl("/private/tmp/w"));
        assertResult(1, "", "chmod: No ACL present '/private/tmp/w'\n", write(mac, CHMOD, "-a#", "0", "/private/tmp/w"));
    }

    @Test
    void anAddFollowsALinkOperandAndDashHEditsTheLink() {
        mac.symlink("/private/tmp/l", "w");
        assertOk(write(mac, CHMOD, "+a", "meeseeks deny list", "/private/tmp/l"));
        assertEquals(List.of("user:meeseeks deny list"), acl("/private/tmp/w"));
        assertEquals(List.of(), acl("/private/tmp/l"));
        assertOk(write(mac, CHMOD, "-h", "+a", "meeseeks deny read", "/private/tmp/l"));
        assertEquals(List.of("user:meeseeks deny read"), acl("/private/tmp/l"));
        assertOk(write(mac, CHMOD, "-h", "700", "/private/tmp/l"));
        assertEquals(0700, mac.fileInfo("/private/tmp/l").orElseThrow().mode());
        assertEquals(0770, mac.fileInfo("/private/tmp/w").orElseThrow().mode());
    }

    @Test
    void recursiveChmodChangesTheTargetsOfLinksInsideTheTreeEvenOutsideIt() {
        mac.mkdir("/private/tmp/w/sub", "alice", "collabo", 0755);
        mac.writeFile("/private/tmp/w/sub/f", "alice", "collabo", 0644, "");
        mac.symlink("/private/tmp/w/hosts", "/private/etc/hosts");
        assertOk(write(mac, CHMOD, "-R", "2770", "/private/tmp/w"));
        assertEquals(02770, mac.fileInfo("/private/tmp/w/sub/f").orElseThrow().mode(), "files become executable and setgid");
        assertEquals(02770, mac.fileInfo("/private/etc/hosts").orElseThrow().mode(), "the link's target outside the tree changed");
        assertEquals(0755, mac.fileInfo("/private/tmp/w/hosts").orElseThrow().mode(), "the link itself did not");
        assertOk(write(mac, CHMOD, "-R", "+a", "meeseeks deny search", "/private/tmp/w"));
        assertEquals(List.of("user:meeseeks deny execute"), acl("/private/etc/hosts"));
        assertResult(1, "", "chmod: the -R and -h options may not be specified together.\n", write(mac, CHMOD, "-R", "-h", "700", "/private/tmp/w"));
    }

    @Test
    void sipRefusesEvenRoot() {
        assertResult(1, "", "chmod: Failed to set ACL on file '/System': Operation not permitted\n",
                write(mac, CHMOD, "+a", "meeseeks deny list", "/System"));
        assertResult(1, "", "chmod: Unable to change file mode on /usr/bin: Operation not permitted\n", write(mac, CHMOD, "700", "/usr/bin"));
        assertResult(1, "", "chown: /bin/sh: Operation not permitted\n", write(mac, "/usr/sbin/chown", "meeseeks", "/bin/sh"));
        mac.restrict("/private/tmp/w");
        assertResult(1, "", "chmod: Failed to set ACL on file '/private/tmp/w': Operation not permitted\n",
                write(mac, CHMOD, "+a", "meeseeks deny list", "/private/tmp/w"));
    }

    @Test
    void onlyTheOwnerOrRootMayChangeModesAndAcls() {
        assertResult(1, "", "chmod: Unable to change file mode on /private/tmp/w: Operation not permitted\n",
                write(mac.as("meeseeks"), CHMOD, "777", "/private/tmp/w"));
        assertResult(1, "", "chmod: Failed to set ACL on file '/private/tmp/w': Operation not permitted\n",
                write(mac.as("meeseeks"), CHMOD, "+a", "meeseeks allow list", "/private/tmp/w"));
        assertOk(write(mac.as("alice"), CHMOD, "750", "/private/tmp/w"));
        assertEquals(0750, mac.fileInfo("/private/tmp/w").orElseThrow().mode());
        assertResult(1, "", "chmod: /private/tmp/nope: No such file or directory\n", write(mac, CHMOD, "700", "/private/tmp/nope"));
        assertResult(127, "", "fake-mac: unsupported: /bin/chmod u+rwX /private/tmp/w (only octal modes and +a/-a are modelled)\n",
                write(mac, CHMOD, "u+rwX", "/private/tmp/w"));
    }

    @Test
    void chownTakesNamesOrNumbersForOwnerAndGroup() {
        mac.writeFile("/private/tmp/w/f", "alice", "collabo", 0660, "");
        assertOk(write(mac, "/usr/sbin/chown", "meeseeks:staff", "/private/tmp/w/f"));
        assertEquals(List.of("meeseeks", "staff"), owner("/private/tmp/w/f"));
        assertOk(write(mac, "/usr/sbin/chown", ":collabo", "/private/tmp/w/f"));
        assertEquals(List.of("meeseeks", "collabo"), owner("/private/tmp/w/f"));
        assertOk(write(mac, "/usr/sbin/chown", "501", "/private/tmp/w/f"));
        assertEquals(List.of("alice", "collabo"), owner("/private/tmp/w/f"));
        assertOk(write(mac, "/usr/sbin/chown", "4242:4343", "/private/tmp/w/f"));
        assertEquals(List.of("4242", "4343"), owner("/private/tmp/w/f"));
        assertResult(1, "", "chown: eve: illegal user name\n", write(mac, "/usr/sbin/chown", "eve:staff", "/private/tmp/w/f"));
        assertResult(1, "", "chown: crew: illegal group name\n", write(mac, "/usr/sbin/chown", "alice:crew", "/private/tmp/w/f"));
        assertResult(1, "", "chown: /private/tmp/nope: No such file or directory\n", write(mac, "/usr/sbin/chown", "alice", "/private/tmp/nope"));
    }

    @Test
    void chownDashRChangesTheTreeAndDashHTheLink() {
        mac.mkdir("/private/tmp/w/sub", "alice", "collabo", 0755);
        mac.symlink("/private/tmp/w/hosts", "/private/etc/hosts");
        assertOk(write(mac, "/usr/sbin/chown", "-R", "meeseeks:collabo", "/private/tmp/w"));
        assertEquals(List.of("meeseeks", "collabo"), owner("/private/tmp/w/sub"));
        assertEquals(List.of("meeseeks", "collabo"), owner("/private/tmp/w/hosts"));
        assertEquals(List.of("root", "wheel"), owner("/private/etc/hosts"), "chown -R changes links, not their targets");
        mac.symlink("/private/tmp/l", "/private/etc/hosts");
        assertOk(write(mac, "/usr/sbin/chown", "-h", "alice:staff", "/private/tmp/l"));
        assertEquals(List.of("alice", "staff"), owner("/private/tmp/l"));
        assertEquals(List.of("root", "wheel"), owner("/private/etc/hosts"));
    }

    @Test
    void changingOwnerOrGroupClearsSetuidAndSetgidEvenForRoot() {
        mac.writeFile("/private/tmp/w/tool", "alice", "collabo", 06755, "");
        mac.mkdir("/private/tmp/w/shared", "alice", "collabo", 02770);
        assertOk(write(mac, "/usr/sbin/chown", "alice:collabo", "/private/tmp/w/tool", "/private/tmp/w/shared"));
        assertEquals(06755, mac.fileInfo("/private/tmp/w/tool").orElseThrow().mode(), "no change of owner or group: the bits stay");
        assertOk(write(mac, "/usr/sbin/chown", "meeseeks", "/private/tmp/w/tool"));
        assertEquals(0755, mac.fileInfo("/private/tmp/w/tool").orElseThrow().mode());
        assertOk(write(mac, "/usr/sbin/chown", ":staff", "/private/tmp/w/shared"));
        assertEquals(0770, mac.fileInfo("/private/tmp/w/shared").orElseThrow().mode());
    }

    @Test
    void anOwnerMayOnlyGiveTheFileToOneOfHisGroups() {
        mac.writeFile("/private/tmp/f", "alice", "staff", 0644, "");
        assertOk(write(mac.as("alice"), "/usr/sbin/chown", ":collabo", "/private/tmp/f"));
        assertResult(1, "", "chown: /private/tmp/f: Operation not permitted\n", write(mac.as("alice"), "/usr/sbin/chown", ":wheel", "/private/tmp/f"));
        assertResult(1, "", "chown: /private/tmp/f: Operation not permitted\n", write(mac.as("alice"), "/usr/sbin/chown", "meeseeks", "/private/tmp/f"));
        assertEquals(List.of("alice", "collabo"), owner("/private/tmp/f"));
    }

    private List<String> owner(String path) {
        FileInfo info = mac.fileInfo(path).orElseThrow();
        return List.of(info.owner(), info.group());
    }
}
