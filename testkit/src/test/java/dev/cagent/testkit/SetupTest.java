package dev.cagent.testkit;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SetupTest {

    private final FakeMac mac = FakeMac.stock();

    @Test
    void setupIsNotRecorded() {
        mac.addUser("meeseeks", 600, 20, "/Users/meeseeks");
        mac.addGroup("collabo", 700, "alice", "meeseeks");
        mac.mkdir("/Users/meeseeks", "meeseeks", "staff", 0750);
        mac.writeFile("/Users/meeseeks/a", "meeseeks", "staff", 0644, "x");
        mac.symlink("/Users/meeseeks/l", "a");
        mac.addAce("/Users/meeseeks", "group:collabo allow list");
        mac.restrict("/Users/meeseeks/a");
        assertEquals(List.of(), mac.recorded());
        FileInfo home = mac.fileInfo("/Users/meeseeks").orElseThrow();
        assertEquals(List.of("meeseeks", "staff", "0750"), List.of(home.owner(), home.group(), home.octalMode()));
        assertEquals(List.of("group:collabo allow list"), home.acl());
        assertEquals("a", mac.fileInfo("/Users/meeseeks/l").orElseThrow().link().orElseThrow());
        assertEquals("x", mac.readFile("/Users/meeseeks/l"));
        assertTrue(mac.fileInfo("/Users/meeseeks/a").orElseThrow().restricted());
        assertEquals(List.of("alice", "meeseeks"), mac.record("/Groups/collabo").get("GroupMembership"));
        assertEquals(List.of("meeseeks"), mac.record("/Users/meeseeks").get("RealName"));
        assertEquals(List.of("/bin/zsh"), mac.record("/Users/meeseeks").get("UserShell"));
    }

    @Test
    void badArrangementsAreRefusedWithTheReason() {
        assertEquals("user 'alice' already exists",
                assertThrows(IllegalArgumentException.class, () -> mac.addUser("alice", 600, 20, "/Users/alice")).getMessage());
        assertEquals("UID 501 is taken by 'alice': choose a free one",
                assertThrows(IllegalArgumentException.class, () -> mac.addUser("bob", 501, 20, "/Users/bob")).getMessage());
        assertEquals("no user named 'ghost' on this Mac",
                assertThrows(IllegalArgumentException.class, () -> mac.addGroup("crew", 900, "ghost")).getMessage());
        assertEquals("cannot make /nope/x: its parent directory does not exist",
                assertThrows(IllegalArgumentException.class, () -> mac.mkdir("/nope/x", "root", "wheel", 0755)).getMessage());
        assertEquals("/Users/alice already exists",
                assertThrows(IllegalArgumentException.class, () -> mac.mkdir("/Users/alice", "root", "wheel", 0755)).getMessage());
        assertEquals("path 'Users/x' must be absolute, e.g. /Users/alice",
                assertThrows(IllegalArgumentException.class, () -> mac.mkdir("Users/x", "root", "wheel", 0755)).getMessage());
        assertEquals("mode 10000 is outside 0000-7777: write it in octal, e.g. 0755",
                assertThrows(IllegalArgumentException.class, () -> mac.mkdir("/Users/x", "root", "wheel", 010000)).getMessage());
        assertEquals("no group named 'crew' on this Mac",
                assertThrows(IllegalArgumentException.class, () -> mac.mkdir("/Users/x", "root", "crew", 0755)).getMessage());
        assertEquals("ACE 'ghost deny list': Unable to translate 'ghost' to a UUID",
                assertThrows(IllegalArgumentException.class, () -> mac.addAce("/Users", "ghost deny list")).getMessage());
        assertEquals("/Users/ghost: No such file or directory",
                assertThrows(IllegalArgumentException.class, () -> mac.readFile("/Users/ghost")).getMessage());
        assertEquals("no user named 'ghost' on this Mac: add it first (addUser)",
                assertThrows(IllegalArgumentException.class, () -> mac.as("ghost")).getMessage());
        assertEquals("record path '/Users' must look like /Users/NAME or /Groups/NAME",
                assertThrows(IllegalArgumentException.class, () -> mac.record("/Users")).getMessage());
    }
}
