package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandRunner;
import dev.cagent.report.UndoReport;
import dev.cagent.testkit.Fault;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.cagent.macos.Cages.HOME;
import static dev.cagent.macos.Cages.JOURNAL;
import static dev.cagent.macos.Cages.WORKSHOP;
import static dev.cagent.macos.Cages.assertSameState;
import static dev.cagent.macos.Cages.backend;
import static dev.cagent.macos.Cages.byHand;
import static dev.cagent.macos.Cages.correctedPlan;
import static dev.cagent.macos.Cages.indexOf;
import static dev.cagent.macos.Cages.lines;
import static dev.cagent.macos.Cages.minimal;
import static dev.cagent.macos.Cages.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Undo takes away exactly what apply did, in an order that keeps every command able to succeed. */
class UndoTest {

    @Test
    void entriesGoWhileTheUserExistsMembersBeforeTheGroupTheGroupBeforeTheUser() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        backend.apply(correctedPlan());
        mac.clearRecorded();

        UndoReport undo = backend.undo("meeseeks");

        assertTrue(undo.succeeded(), undo::toString);
        List<RecordedCommand> writes = writes(mac);
        int deleteUser = indexOf(writes, "/usr/bin/dscl . -delete /Users/meeseeks");
        for (String target : List.of("/Users/alice", "/Users", "/private/etc", "/private/var", "/Library/Keychains")) {
            int removal = indexOf(writes, "/bin/chmod -a 'user:meeseeks deny list" + (target.startsWith("/private") || target.equals("/Users") ? "'" : ",add_file,search'") + " " + target);
            assertTrue(removal < deleteUser, "the entry on " + target + " must go while meeseeks still exists:\n" + String.join("\n", lines(writes)));
        }
        int deleteGroup = indexOf(writes, "/usr/sbin/dseditgroup -o delete -q collabo");
        assertTrue(indexOf(writes, "/usr/sbin/dseditgroup -o edit -d meeseeks -t user collabo") < deleteGroup);
        assertTrue(indexOf(writes, "/usr/sbin/dseditgroup -o edit -d alice -t user collabo") < deleteGroup);
        assertTrue(deleteGroup < deleteUser, "the group goes before the user");
        assertTrue(indexOf(writes, "/bin/rm -rf /Users/meeseeks") < deleteUser, "the home goes while its owner exists");
        assertTrue(indexOf(writes, "/bin/rmdir /Users/meeseeks/workshop") < indexOf(writes, "/bin/rm -rf /Users/meeseeks"));
        assertEquals("/usr/bin/sudo -n -- /bin/rm -rf /private/var/db/cagent/meeseeks", writes.get(writes.size() - 2).toString(),
                "the record goes last, once everything it describes is gone");
    }

    @Test
    void reportsWhatItTookAwayNewestFirst() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        backend.apply(minimal().denyListing("/Users").build());

        UndoReport undo = backend.undo("meeseeks");

        assertEquals(List.of(
                "removed list from the deny entry of meeseeks on /Users",
                "removed home /Users/meeseeks",
                "removed meeseeks from group collabo",
                "removed alice from group collabo",
                "deleted group collabo",
                "deleted user meeseeks",
                "removed cagent's record /private/var/db/cagent/meeseeks"), undo.undone());
        assertEquals(List.of(), undo.kept());
        assertEquals(List.of(), undo.failures());
    }

    @Test
    void withNothingRecordedItSaysSoAndWritesNothing() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();

        UndoReport undo = backend(mac).undo("meeseeks");

        assertEquals(List.of(), undo.undone());
        assertEquals(List.of("nothing recorded for meeseeks in " + JOURNAL + ": nothing to undo"), undo.kept());
        assertTrue(undo.succeeded());
        assertEquals(List.of(), lines(writes(mac)));
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aSecondUndoFindsNothingAndChangesNothing() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = backend(mac);
        backend.apply(correctedPlan());
        assertTrue(backend.undo("meeseeks").succeeded());
        mac.clearRecorded();

        UndoReport again = backend.undo("meeseeks");

        assertTrue(again.succeeded(), again::toString);
        assertEquals(List.of(), again.undone());
        assertEquals(List.of("nothing recorded for meeseeks in " + JOURNAL + ": nothing to undo"), again.kept());
        assertEquals(List.of(), lines(writes(mac)));
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void keepsTheHomeWhileTheWorkspaceInItHoldsFilesAndSaysWhy() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        backend.apply(correctedPlan());
        mac.createFileAs("alice", WORKSHOP + "/todo.md", "finish the report\n", 002);

        UndoReport undo = backend.undo("meeseeks");

        assertTrue(undo.succeeded(), undo::toString);
        assertEquals(List.of(
                "workspace " + WORKSHOP + ": it holds 1 entries now; cagent removes only an empty workspace it created",
                "home " + HOME + ": the shared workspace in it still holds 1 file(s); save them, then remove the home with: sudo rm -rf /Users/meeseeks"),
                undo.kept());
        assertEquals("finish the report\n", mac.readFile(WORKSHOP + "/todo.md"));
        assertTrue(mac.record("/Users/meeseeks").isEmpty(), "the account goes all the same");
        assertTrue(undo.undone().contains("deleted user meeseeks"));
        assertFalse(mac.exists("/private/var/db/cagent"), "the record goes: what is kept is reported instead");
    }

    @Test
    void aFailedWriteStopsUndoKeepsTheRestRecordedAndTheNextUndoFinishes() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = backend(mac);
        backend.apply(correctedPlan());
        mac.faults().failWhen(c -> c.argv().containsAll(List.of("-o", "delete", "collabo")),
                Fault.exit(64, "Group not found."));

        UndoReport first = backend.undo("meeseeks");

        assertFalse(first.succeeded());
        assertEquals(1, first.failures().size());
        assertEquals("/usr/bin/sudo -n -- /usr/sbin/dseditgroup -o delete -q collabo  => exit 64: Group not found.", first.failures().get(0).toString());
        assertTrue(mac.record("/Users/meeseeks").containsKey("UniqueID"), "nothing after the failure runs: the user is still there");
        assertTrue(mac.readFile(JOURNAL).contains("\"kind\":\"group.created\""), "what is left to undo stays recorded");
        assertFalse(mac.readFile(JOURNAL).contains("\"kind\":\"deny.added\""), "what was undone is no longer recorded");

        mac.faults().clear();
        UndoReport second = backend.undo("meeseeks");

        assertTrue(second.succeeded(), second::toString);
        assertEquals(List.of("deleted group collabo", "deleted user meeseeks", "removed cagent's record /private/var/db/cagent/meeseeks"), second.undone());
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void accountsAndGroupsRecreatedByALaterApplyGoAfterTheEntriesThatNameThem() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        mac.addGroup("collabo", 640, "alice");
        mac.addUser("meeseeks", 650, 640, HOME);
        MacOsBackend backend = backend(mac);
        backend.apply(correctedPlan());
        byHand(mac, "/usr/sbin/dseditgroup", "-o", "delete", "-q", "collabo");
        byHand(mac, "/usr/bin/dscl", ".", "-delete", "/Users/meeseeks");
        for (String target : List.of("/Users/alice", "/Users", "/private/etc", "/private/var", "/Library/Keychains")) {
            byHand(mac, "/bin/chmod", "-a#", "0", target);
        }
        byHand(mac, "/bin/rm", "-rf", HOME);
        assertTrue(backend.apply(correctedPlan()).succeeded(), "the account and group are cagent's now");
        mac.clearRecorded();

        UndoReport undo = backend.undo("meeseeks");

        assertTrue(undo.succeeded(), undo::toString);
        List<RecordedCommand> writes = writes(mac);
        int deleteUser = indexOf(writes, "/usr/bin/dscl . -delete /Users/meeseeks");
        int deleteGroup = indexOf(writes, "/usr/sbin/dseditgroup -o delete -q collabo");
        assertTrue(indexOf(writes, "/bin/chmod -a 'user:meeseeks deny list,add_file,search' /Users/alice") < deleteUser);
        assertTrue(indexOf(writes, "/bin/rm -rf /Users/meeseeks") < deleteGroup);
        assertTrue(deleteGroup < deleteUser);
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void anExistingWorkspaceGetsItsOwnersModesAndAclBack() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 640, "alice");
        mac.mkdir("/Users/Shared/project", "alice", "staff", 0755);
        mac.mkdir("/Users/Shared/project/src", "alice", "staff", 0755);
        mac.writeFile("/Users/Shared/project/src/main.c", "alice", "staff", 0644, "int main(void) { return 0; }\n");
        mac.addAce("/Users/Shared/project", "group:collabo allow readattr");
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = backend(mac);
        assertTrue(backend.apply(minimal().workspace("/Users/Shared/project").build()).succeeded());
        assertEquals(3, mac.fileInfo("/Users/Shared/project").orElseThrow().acl().size());
        mac.clearRecorded();

        UndoReport undo = backend.undo("meeseeks");

        assertTrue(undo.succeeded(), undo::toString);
        String find = "/usr/bin/sudo -n -- /usr/bin/find -x /Users/Shared/project -mindepth 1 '!' -type l '!' -path '*\n*' '(' -type d -o -links 1 '!' -perm -4000 '!' -perm -2000 ')' -type d";
        String project = "/usr/bin/sudo -n -- /bin/chmod -h '-a#' %d /Users/Shared/project";
        assertEquals(List.of(String.format(project, 1), find + " -execdir /bin/chmod -h '-a#' 1 '{}' +",
                        String.format(project, 0), find + " -execdir /bin/chmod -h '-a#' 0 '{}' +"),
                lines(writes(mac)).stream().filter(l -> l.contains("-a#")).toList(),
                "chmod -a by text would take the rights out of both group entries, and out of the one that was there before");
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aWorkspaceDirectorySwappedForALinkDuringUndoCostsTheLinksTargetNothing() {
        FakeMac mac = FakeMac.stock();
        mac.mkdir("/Users/Shared/project", "alice", "staff", 0755);
        mac.mkdir("/Users/Shared/project/src", "alice", "staff", 0755);
        assertTrue(backend(mac).apply(minimal().workspace("/Users/Shared/project").build()).succeeded());
        mac.addAce("/Users/alice", "group:staff allow list");
        List<String> aliceAcl = mac.fileInfo("/Users/alice").orElseThrow().acl();
        assertEquals(2, aliceAcl.size(), "entries at both indexes undo removes");
        CommandRunner agentStrikesFirst = command -> {
            if (command.argv().contains("-a#") && mac.fileInfo("/Users/Shared/project/src.away").isEmpty()) {
                // between undo's listing and its removal, the agent (who owns the workspace) swaps src for a link
                mac.as("meeseeks").run(Command.write("/bin/mv", "-f", "/Users/Shared/project/src", "/Users/Shared/project/src.away"));
                mac.symlink("/Users/Shared/project/src", "/Users/alice");
            }
            return mac.run(command);
        };

        UndoReport undo = MacOsBackend.on(agentStrikesFirst).readBack(3, Duration.ZERO).build().undo("meeseeks");

        assertEquals(aliceAcl, mac.fileInfo("/Users/alice").orElseThrow().acl(), "an index read from src must not remove an entry of /Users/alice");
        assertEquals(List.of(), mac.fileInfo("/Users/Shared/project/src.away").orElseThrow().acl(), "the find walks the moved directory instead");
        assertTrue(undo.succeeded(), undo::toString);
    }

    @Test
    void leavesTheAgentsOtherDenyEntriesAsTheyWere() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 650, "alice");
        mac.addUser("meeseeks", 651, 650, HOME);
        mac.addAce("/Users/alice", "user:meeseeks deny list,directory_inherit");
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = backend(mac);
        CagePlan plan = minimal().deny("/Users/alice").build();
        backend.apply(plan);
        assertEquals(List.of("user:meeseeks deny list,add_file,search", "user:meeseeks deny list,directory_inherit", "group:everyone deny delete"),
                mac.fileInfo("/Users/alice").orElseThrow().acl());
        mac.clearRecorded();

        UndoReport undo = backend.undo("meeseeks");

        assertTrue(undo.succeeded(), undo::toString);
        assertEquals("/usr/bin/sudo -n -- /bin/chmod -h '-a#' 0 /Users/alice", writes(mac).get(0).toString(),
                "chmod -a by text would strip list from the inheritable entry as well");
        assertSameState(before, mac.snapshot());
    }

    @Test
    void takesOnlyItsOwnRightsOutOfAnEntryItMergedIntoBesideAnInheritedOne() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("collabo", 650, "alice");
        mac.addUser("meeseeks", 651, 650, HOME);
        mac.addAce("/Users/alice", "user:meeseeks deny list,directory_inherit");
        byHand(mac, "/bin/mkdir", "-m", "0755", "/Users/alice/Projects");
        byHand(mac, "/usr/sbin/chown", "-h", "alice:staff", "/Users/alice/Projects");
        byHand(mac, "/bin/chmod", "+a", "user:meeseeks deny delete", "/Users/alice/Projects");
        assertEquals(List.of("user:meeseeks deny delete", "user:meeseeks inherited deny list,directory_inherit"),
                mac.fileInfo("/Users/alice/Projects").orElseThrow().acl());
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = backend(mac);
        backend.apply(minimal().deny("/Users/alice/Projects").build());
        assertEquals(List.of("user:meeseeks deny list,add_file,search,delete", "user:meeseeks inherited deny list,directory_inherit"),
                mac.fileInfo("/Users/alice/Projects").orElseThrow().acl());
        mac.clearRecorded();

        UndoReport undo = backend.undo("meeseeks");

        assertTrue(undo.succeeded(), undo::toString);
        assertEquals(List.of(
                "/usr/bin/sudo -n -- /bin/chmod -h '-a#' 0 /Users/alice/Projects",
                "/usr/bin/sudo -n -- /bin/chmod -h '+a#' 0 'user:meeseeks deny delete' /Users/alice/Projects"),
                lines(writes(mac).subList(0, 2)));
        assertSameState(before, mac.snapshot());
    }
}
