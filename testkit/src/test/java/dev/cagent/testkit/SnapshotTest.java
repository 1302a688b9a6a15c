package dev.cagent.testkit;

import dev.cagent.Secret;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cagent.testkit.Shell.assertOk;
import static dev.cagent.testkit.Shell.read;
import static dev.cagent.testkit.Shell.sudo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SnapshotTest {

    @Test
    void readsChangeNothingAndTheRecordingIsNoPartOfTheState() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        read(mac, "/bin/ls", "-led", "/Users/alice");
        read(mac, "/usr/bin/dscl", "-plist", ".", "-read", "/Users/alice");
        assertEquals(before, mac.snapshot());
        assertEquals(List.of(), before.diff(mac.snapshot()));
    }

    @Test
    void diffSaysWhatChanged() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        assertOk(sudo(mac, "/usr/bin/dscl", ".", "-create", "/Users/alice", "RealName", "Alice Liddell"));
        assertOk(sudo(mac, "/bin/chmod", "+a", "group:staff deny add_file", "/Users/alice"));
        assertOk(sudo(mac, "/bin/chmod", "700", "/Users/alice/Public"));
        assertOk(sudo(mac, "/bin/mkdir", "-m", "700", "/private/var/db/cagent"));
        assertOk(sudo(mac, "/bin/rm", "-f", "/Users/alice/.zsh_history"));
        assertOk(sudo(mac, "/usr/sbin/chown", "root:wheel", "/Users/alice/.zshrc"));
        mac.writeFileAs("alice", "/Users/alice/Documents/notes.txt", "Shopping: tea\n");
        assertOk(sudo(mac, "/usr/bin/dscl", ".", "-passwd", "/Users/alice", "s3cret"));
        MacSnapshot after = mac.snapshot();
        assertNotEquals(before, after);
        assertEquals(List.of(
                "user alice: RealName [Alice] -> [Alice Liddell]",
                "user alice: password changed",
                "/Users/alice: acl [group:everyone deny delete] -> [group:staff deny add_file, group:everyone deny delete]",
                "/Users/alice/.zsh_history: removed (file 501:20 0600)",
                "/Users/alice/.zshrc: owner 501:20 -> 0:0",
                "/Users/alice/Documents/notes.txt: content changed (23 -> 14 characters)",
                "/Users/alice/Public: mode 0755 -> 0700",
                "/private/var/db/cagent: added (directory 0:0 0700)"), before.diff(after));
        assertEquals("MacSnapshot[" + after.users().size() + " users, " + after.groups().size() + " groups, "
                + after.files().size() + " file system objects]", after.toString());
    }

    @Test
    void theSameHistoryGivesEqualSnapshots() {
        FakeMac one = FakeMac.stock();
        FakeMac two = FakeMac.stock();
        for (FakeMac mac : List.of(one, two)) {
            assertOk(sudo(mac, "/usr/bin/dscl", ".", "-create", "/Users/meeseeks"));
            assertOk(sudo(mac, "/usr/bin/dscl", ".", "-passwd", "/Users/meeseeks", "pw"));
            assertOk(sudo(mac, "/bin/mkdir", "-m", "700", "/private/var/db/cagent"));
        }
        assertEquals(one.snapshot(), two.snapshot());
        assertOk(sudo(two, "/usr/bin/dscl", ".", "-passwd", "/Users/meeseeks", "other"));
        assertEquals(List.of("user meeseeks: password changed"), one.snapshot().diff(two.snapshot()));
        assertEquals(FakeMac.builder().sudoPassword(Secret.of("x")).build().snapshot(), FakeMac.builder().sudoPassword(Secret.of("x")).build().snapshot());
    }

    @Test
    void snapshotsAreImmutable() {
        MacSnapshot snapshot = FakeMac.stock().snapshot();
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> snapshot.users().clear());
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> snapshot.users().get("alice").clear());
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> snapshot.files().clear());
    }
}
