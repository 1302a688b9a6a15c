package dev.cagent.testkit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cagent.testkit.Shell.assertOk;
import static dev.cagent.testkit.Shell.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessTest {

    private final FakeMac mac = FakeMac.builder().caller("root").build();

    @BeforeEach
    void agent() {
        mac.addGroup("meeseeks", 600);
        mac.addUser("meeseeks", 600, 600, "/Users/meeseeks");
        mac.addGroup("collabo", 700, "alice", "meeseeks");
    }

    @Test
    void posixBitsDecideForOwnerGroupAndOthers() {
        assertTrue(mac.canAccess("alice", "/Users/alice/.ssh/id_ed25519", Access.READ));
        assertFalse(mac.canAccess("meeseeks", "/Users/alice/.ssh/id_ed25519", Access.READ));
        assertTrue(mac.canAccess("alice", "/private/etc/hosts", Access.READ));
        assertFalse(mac.canAccess("alice", "/private/etc/hosts", Access.WRITE));
        assertFalse(mac.canAccess("alice", "/private/etc/sudoers", Access.READ));
        assertTrue(mac.canAccess("alice", "/Library/Application Support", Access.WRITE), "admin group class");
        assertFalse(mac.canAccess("meeseeks", "/Library/Application Support", Access.WRITE));
        assertTrue(mac.canAccess("meeseeks", "/private/tmp", Access.WRITE));
        assertTrue(mac.canAccess("meeseeks", "/bin/sh", Access.EXECUTE));
        assertFalse(mac.canAccess("meeseeks", "/Users/nope", Access.READ), "missing paths are not accessible");
    }

    @Test
    void everyAncestorNeedsSearch() {
        assertFalse(mac.canAccess("meeseeks", "/Users/alice/Public", Access.READ), "alice's home is 0750: others cannot pass");
        assertTrue(mac.canAccess("alice", "/Users/alice/Public", Access.READ));
    }

    @Test
    void theGroupClassCoversThePrimaryGroupAndExplicitMembershipsOnly() {
        mac.mkdir("/private/tmp/g", "root", "collabo", 0070);
        mac.mkdir("/private/tmp/p", "root", "meeseeks", 0070);
        mac.mkdir("/private/tmp/s", "root", "staff", 0070);
        assertTrue(mac.canAccess("meeseeks", "/private/tmp/g", Access.WRITE), "explicit member");
        assertTrue(mac.canAccess("meeseeks", "/private/tmp/p", Access.WRITE), "primary group");
        assertFalse(mac.canAccess("meeseeks", "/private/tmp/s", Access.WRITE));
        assertTrue(mac.canAccess("alice", "/private/tmp/s", Access.WRITE), "alice's primary group is staff");
    }

    @Test
    void groupEntriesApplyToExplicitMembersButNotToAPrimaryGroup() {
        mac.mkdir("/private/tmp/d", "root", "wheel", 0700);
        mac.addAce("/private/tmp/d", "group:meeseeks allow list,add_file,search");
        mac.addAce("/private/tmp/d", "group:collabo allow list");
        assertFalse(mac.canAccess("meeseeks", "/private/tmp/d", Access.WRITE), "meeseeks' primary group is no membership for ACLs");
        assertTrue(mac.canAccess("meeseeks", "/private/tmp/d", Access.READ), "collabo lists it explicitly");
        mac.addMember("meeseeks", "meeseeks");
        assertTrue(mac.canAccess("meeseeks", "/private/tmp/d", Access.WRITE));
    }

    @Test
    void theFirstEntryThatNamesTheRightDecidesDenyBeforeAllow() {
        mac.mkdir("/private/tmp/d", "root", "wheel", 0777);
        mac.addAce("/private/tmp/d", "group:collabo allow list,add_file,search");
        mac.addAce("/private/tmp/d", "user:meeseeks deny add_file");
        assertEquals(List.of("user:meeseeks deny add_file", "group:collabo allow list,add_file,search"),
                mac.fileInfo("/private/tmp/d").orElseThrow().acl());
        assertFalse(mac.canAccess("meeseeks", "/private/tmp/d", Access.WRITE));
        assertTrue(mac.canAccess("meeseeks", "/private/tmp/d", Access.READ));
        assertTrue(mac.canAccess("alice", "/private/tmp/d", Access.WRITE));
    }

    @Test
    void everyoneMatchesAllAndAnOnlyInheritEntryDoesNotApplyHere() {
        mac.mkdir("/private/tmp/d", "root", "wheel", 0777);
        mac.addAce("/private/tmp/d", "group:everyone deny list");
        mac.addAce("/private/tmp/d", "meeseeks deny search,file_inherit,only_inherit");
        assertFalse(mac.canAccess("alice", "/private/tmp/d", Access.READ));
        assertTrue(mac.canAccess("meeseeks", "/private/tmp/d", Access.EXECUTE));
        assertTrue(mac.canAccess("root", "/private/tmp/d", Access.READ), "root bypasses ACLs");
    }

    @Test
    void rootMayDoAnythingButWriteUnderSip() {
        assertTrue(mac.canAccess("root", "/Users/alice/.ssh/id_ed25519", Access.READ));
        assertTrue(mac.canAccess("root", "/private/etc/sudoers", Access.WRITE));
        assertTrue(mac.canAccess("root", "/usr/bin/sudo", Access.READ));
        assertFalse(mac.canAccess("root", "/usr/bin", Access.WRITE));
        assertFalse(mac.canAccess("root", "/System", Access.WRITE));
    }

    @Test
    void seedsDenyOnUsersBlocksTheAgentsOwnHome() {
        mac.mkdir("/Users/meeseeks", "meeseeks", "meeseeks", 0750);
        assertTrue(mac.canAccess("meeseeks", "/Users/meeseeks", Access.WRITE));
        assertOk(write(mac, "/bin/chmod", "+a", "meeseeks deny read,write,execute,list", "/Users"));
        assertFalse(mac.canAccess("meeseeks", "/Users/meeseeks", Access.WRITE));
        assertFalse(mac.canAccess("meeseeks", "/Users/Shared", Access.READ));
        assertTrue(mac.canAccess("alice", "/Users/alice", Access.READ));
    }

    // --- acting as a user, and ACL inheritance ----------------------------------------------------

    @Test
    void aNewFileIsTheUsersWithTheDirectorysGroupAndTheUmask() {
        mac.mkdir("/private/tmp/w", "alice", "collabo", 02770);
        mac.createFileAs("meeseeks", "/private/tmp/w/a.txt", "hi", 002);
        FileInfo info = mac.fileInfo("/private/tmp/w/a.txt").orElseThrow();
        assertEquals(List.of("meeseeks", "collabo"), List.of(info.owner(), info.group()));
        assertEquals(0664, info.mode());
        mac.createFileAs("alice", "/private/tmp/w/b.txt", "hi", 022);
        assertEquals(0644, mac.fileInfo("/private/tmp/w/b.txt").orElseThrow().mode());
        assertFalse(mac.canAccess("meeseeks", "/private/tmp/w/b.txt", Access.WRITE), "umask 022 leaves the collaborator out");
        mac.mkdirAs("alice", "/private/tmp/w/sub", 022);
        assertEquals(0755, mac.fileInfo("/private/tmp/w/sub").orElseThrow().mode());
    }

    @Test
    void actingAsAUserIsRefusedWithTheReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> mac.createFileAs("meeseeks", "/Users/alice/x", "", 022));
        assertEquals("meeseeks cannot create /Users/alice/x: Permission denied", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> mac.writeFileAs("meeseeks", "/private/etc/hosts", "evil"));
        assertEquals("meeseeks cannot write /private/etc/hosts: Permission denied", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> mac.createFileAs("alice", "/Users/alice/.zshrc", "", 022));
        assertEquals("alice cannot create /Users/alice/.zshrc: File exists", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> mac.mkdirAs("root", "/System/x", 022));
        assertEquals("root cannot create /System/x: Operation not permitted", e.getMessage());
        mac.writeFileAs("alice", "/Users/alice/.zshrc", "umask 002\n");
        assertEquals("umask 002\n", mac.readFile("/Users/alice/.zshrc"));
    }

    @Test
    void inheritedAllowMakesCollaboratorsFilesGroupWritableWithoutExecute() {
        mac.mkdir("/private/tmp/w", "alice", "collabo", 0770);
        mac.addAce("/private/tmp/w", "group:collabo allow list,add_file,search,add_subdirectory,delete_child,directory_inherit");
        mac.addAce("/private/tmp/w", "group:collabo allow read,write,append,delete,file_inherit,directory_inherit,only_inherit");
        mac.createFileAs("alice", "/private/tmp/w/a.txt", "", 022);
        assertEquals(List.of("group:collabo inherited allow read,write,delete,append"), mac.fileInfo("/private/tmp/w/a.txt").orElseThrow().acl());
        assertTrue(mac.canAccess("meeseeks", "/private/tmp/w/a.txt", Access.WRITE), "the inherited entry overrides the 0644 bits");
        assertFalse(mac.canAccess("meeseeks", "/private/tmp/w/a.txt", Access.EXECUTE));
        mac.mkdirAs("meeseeks", "/private/tmp/w/sub", 022);
        assertEquals(List.of(
                        "group:collabo inherited allow list,add_file,delete,add_subdirectory,file_inherit,directory_inherit",
                        "group:collabo inherited allow list,add_file,search,add_subdirectory,delete_child,directory_inherit"),
                sorted(mac.fileInfo("/private/tmp/w/sub").orElseThrow().acl()));
        mac.createFileAs("meeseeks", "/private/tmp/w/sub/deep.txt", "", 022);
        assertTrue(mac.canAccess("alice", "/private/tmp/w/sub/deep.txt", Access.WRITE));
    }

    @Test
    void aFileInheritEntryWithoutDirectoryInheritNeverReachesSubdirectories() {
        mac.mkdir("/private/tmp/w", "alice", "collabo", 0770);
        mac.addAce("/private/tmp/w", "group:collabo allow list,add_file,search,directory_inherit");
        mac.addAce("/private/tmp/w", "group:collabo allow read,write,file_inherit,only_inherit");
        mac.mkdirAs("alice", "/private/tmp/w/sub", 022);
        assertEquals(List.of("group:collabo inherited allow list,add_file,search,directory_inherit"),
                mac.fileInfo("/private/tmp/w/sub").orElseThrow().acl());
        mac.createFileAs("alice", "/private/tmp/w/sub/deep.txt", "", 022);
        assertEquals(List.of(), mac.fileInfo("/private/tmp/w/sub/deep.txt").orElseThrow().acl());
        assertFalse(mac.canAccess("meeseeks", "/private/tmp/w/sub/deep.txt", Access.WRITE));
    }

    @Test
    void limitInheritStopsAtTheFirstGeneration() {
        mac.mkdir("/private/tmp/w", "alice", "collabo", 0770);
        mac.addAce("/private/tmp/w", "group:collabo allow list,search,directory_inherit,limit_inherit");
        mac.mkdirAs("alice", "/private/tmp/w/a", 022);
        assertEquals(List.of("group:collabo inherited allow list,search"), mac.fileInfo("/private/tmp/w/a").orElseThrow().acl());
        mac.mkdirAs("alice", "/private/tmp/w/a/b", 022);
        assertEquals(List.of(), mac.fileInfo("/private/tmp/w/a/b").orElseThrow().acl());
    }

    @Test
    void commandsInheritToo() {
        mac.mkdir("/private/tmp/w", "alice", "collabo", 0770);
        mac.addAce("/private/tmp/w", "group:collabo allow list,search,file_inherit,directory_inherit");
        assertOk(write(mac.as("alice"), "/bin/mkdir", "-m", "700", "/private/tmp/w/d"));
        assertEquals(List.of("group:collabo inherited allow list,search,file_inherit,directory_inherit"), mac.fileInfo("/private/tmp/w/d").orElseThrow().acl());
        assertOk(mac.as("alice").run(dev.cagent.exec.Command.write("/usr/bin/tee", "/private/tmp/w/f").withStdin(dev.cagent.exec.Stdin.text("x"))));
        assertEquals(List.of("group:collabo inherited allow read,execute"), mac.fileInfo("/private/tmp/w/f").orElseThrow().acl());
    }

    private static List<String> sorted(List<String> lines) {
        return lines.stream().sorted().toList();
    }
}
