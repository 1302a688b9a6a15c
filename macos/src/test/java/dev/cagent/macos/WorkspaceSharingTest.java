package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.exec.Command;
import dev.cagent.testkit.Access;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.cagent.macos.CoopFixture.AGENT;
import static dev.cagent.macos.CoopFixture.GROUP;
import static dev.cagent.macos.CoopFixture.HUMAN;
import static dev.cagent.macos.WorkspaceTest.DIRECTORY_ENTRY;
import static dev.cagent.macos.WorkspaceTest.FILE_ENTRY;
import static dev.cagent.macos.WorkspaceTest.WS;
import static dev.cagent.macos.WorkspaceTest.runsAs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What "shared" means entry by entry: the group is the collaboration group, the owner the agent or
 * a member (anyone else's entries become the agent's), and the group can use every directory and
 * edit every file; and what it costs to keep it so.
 */
class WorkspaceSharingTest {

    final CoopFixture coop = new CoopFixture();
    final CagePlan plan = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).workspace(WS).build();

    @Test
    void anEntryInADirectoryOnlyItsOwnerCouldEnterIsChangedByRootsFinds() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.mac.writeFile(WS + "/a.txt", "root", "wheel", 0644, "made with sudo\n");
        coop.mac.mkdir(WS + "/private", HUMAN, "staff", 0700);
        coop.mac.writeFile(WS + "/private/b.txt", "root", "wheel", 0644, "made with sudo\n");
        int mark = coop.mac.recorded().size();

        coop.apply(plan);

        assertEquals(List.of(WS, WS, WS, WS), byPathWrites(mark).stream().map(w -> w.substring(w.lastIndexOf(' ') + 1)).toList(),
                "only the workspace directory itself is named by its path: its owner, mode and the two entries");
        assertEquals("meeseeks:collabo 0660", describe(WS + "/private/b.txt"));
        assertTrue(coop.mac.canAccess(AGENT, WS + "/private/b.txt", Access.WRITE));
        coop.reapplyOnlyReads(plan);
    }

    @Test
    void aDenyEntryOfTheGroupGoesAndUndoPutsItBack() {
        coop.mac.addGroup(GROUP, 650, HUMAN);
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.mac.writeFile(WS + "/plan.md", HUMAN, "staff", 0664, "the plan\n");
        coop.mac.addAce(WS + "/plan.md", "group:collabo deny write");
        coop.mac.addAce(WS + "/plan.md", "user:alice allow read");
        coop.mac.mkdir(WS + "/locked", HUMAN, "staff", 0770);
        coop.mac.addAce(WS + "/locked", "group:collabo deny search");
        coop.mac.writeFile(WS + "/locked/build.log", "root", "wheel", 0644, "made with sudo\n");
        MacSnapshot before = coop.mac.snapshot();
        CagePlan withGroup = plan.toBuilder().collaborationGroupId(650).build();
        int mark = coop.mac.recorded().size();

        coop.apply(withGroup);

        assertEquals(List.of(findByPaths("-exec", "'-a#' 0", WS + "/locked", WS + "/plan.md")),
                coop.writesSince(mark).stream().filter(c -> c.argv().contains("-a#")).map(RecordedCommand::toString).toList(),
                "root takes off exactly the group's deny entries, picked by their paths while walking; with full paths, for no process of the agent's"
                        + " exists yet");
        assertEquals(List.of("user:alice allow read"), coop.mac.fileInfo(WS + "/plan.md").orElseThrow().acl(), "only the group's deny entry goes");
        assertEquals("alice:collabo 0664", describe(WS + "/plan.md"), "its mode let the group write all along");
        assertTrue(coop.mac.canAccess(AGENT, WS + "/plan.md", Access.WRITE));
        assertTrue(coop.mac.canAccess(AGENT, WS + "/locked/build.log", Access.WRITE));
        coop.reapplyOnlyReads(withGroup);

        coop.undo();
        assertEquals(List.of(), before.diff(coop.mac.snapshot()), "the deny entries are back where they were");
    }

    @Test
    void aDenyEntryPutOnAFileInUseIsTakenOffAndNothingElseIsWritten() {
        coop.apply(plan);
        coop.mac.createFileAs(HUMAN, WS + "/notes.md", "notes\n", 022);
        coop.mac.as(HUMAN).run(Command.write("/bin/chmod", "+a", "group:collabo deny write", WS + "/notes.md"));
        assertFalse(coop.mac.canAccess(AGENT, WS + "/notes.md", Access.WRITE));
        assertFalse(coop.backend.verify(plan).isClean());
        int mark = coop.mac.recorded().size();

        coop.apply(plan);

        assertEquals(List.of(findByPaths("-execdir", "'-a#' 0", WS + "/notes.md")),
                coop.writesSince(mark).stream().filter(WorkspaceTest::touchesTheWorkspace).map(RecordedCommand::toString).toList());
        assertTrue(coop.mac.canAccess(AGENT, WS + "/notes.md", Access.WRITE), "the inherited allow entry decides again");
        assertEquals("alice:collabo 0644", describe(WS + "/notes.md"));
        coop.reapplyOnlyReads(plan);
    }

    @Test
    void undoTakesTheGroupsEntriesOffEvenBelowADirectoryOnlyItsOwnerCanEnter() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.apply(plan);
        coop.mac.mkdirAs(HUMAN, WS + "/private", 077);
        coop.mac.createFileAs(AGENT, WS + "/private/agent.txt", "the agent's\n", 077);
        assertEquals(0700, coop.mac.fileInfo(WS + "/private").orElseThrow().mode(), "only the inherited entries let the agent in");
        int mark = coop.mac.recorded().size();

        coop.undo();

        assertEquals(List.of(
                "/usr/bin/sudo -n -- /bin/chmod -h '-a#' 1 " + WS,
                "/usr/bin/sudo -n -- /usr/bin/find -x " + WS + " -mindepth 1 '!' -type l '!' -path '*\n*' '(' -type d -o -links 1 '!' -perm -4000 '!' -perm -2000 ')' -type d -execdir /bin/chmod -h '-a#' 1 '{}' +",
                "/usr/bin/sudo -n -- /bin/chmod -h '-a#' 0 " + WS,
                "/usr/bin/sudo -n -- /usr/bin/find -x " + WS + " -mindepth 1 '!' -type l '!' -path '*\n*' '(' -type d -o -links 1 '!' -perm -4000 '!' -perm -2000 ')' -execdir /bin/chmod -h '-a#' 0 '{}' +"),
                coop.writesSince(mark).stream().filter(c -> c.argv().contains("-a#")).map(RecordedCommand::toString).toList(),
                "root walks into alice's 0700 directory; each entry loses its highest index first; tests alone pick every entry holding one");
        assertEquals(List.of(), coop.mac.fileInfo(WS + "/private/agent.txt").orElseThrow().acl());
        assertEquals(List.of(), coop.mac.fileInfo(WS + "/private").orElseThrow().acl());
    }

    @Test
    void aTreeInUseNeedsNoWriteAndVerifyFindsNoDrift() {
        WorkspaceTest.anExistingProjectOfAlices(coop.mac);
        coop.apply(plan);
        List<String> made = new ArrayList<>();
        for (int umask : List.of(022, 002)) {
            String u = String.format("%03o", umask);
            List<String> dirs = List.of(WS + "/alice-" + u, WS + "/alice-" + u + "/agent-" + u, WS + "/tools/agent-" + u);
            coop.mac.mkdirAs(HUMAN, dirs.get(0), umask);
            coop.mac.mkdirAs(AGENT, dirs.get(1), umask);
            coop.mac.mkdirAs(AGENT, dirs.get(2), umask);
            made.addAll(dirs);
            for (String dir : List.of(WS, WS + "/tools/nested/deep", dirs.get(0), dirs.get(1), dirs.get(2))) {
                coop.mac.createFileAs(HUMAN, dir + "/alice-" + u + ".txt", "alice's\n", umask);
                coop.mac.createFileAs(AGENT, dir + "/agent-" + u + ".txt", "the agent's\n", umask);
                made.addAll(List.of(dir + "/alice-" + u + ".txt", dir + "/agent-" + u + ".txt"));
            }
        }
        for (String path : made) {
            String maker = path.substring(path.lastIndexOf('/') + 1).startsWith("alice") ? HUMAN : AGENT;
            String other = maker.equals(HUMAN) ? AGENT : HUMAN;
            assertTrue(coop.mac.canAccess(other, path, Access.WRITE), other + " may write " + path);
            assertEquals(GROUP, coop.mac.fileInfo(path).orElseThrow().group(), path);
        }

        assertEquals(List.of(), coop.backend.verify(plan).drifts());
        coop.reapplyOnlyReads(plan);
    }

    @Test
    void entriesOwnedByRootOrByAUidWithoutAnAccountBecomeTheAgents() {
        WorkspaceTest.anExistingProjectOfAlices(coop.mac);
        coop.mac.writeFile(WS + "/tools/cache.bin", "root", "wheel", 0644, "made with sudo\n");
        coop.mac.mkdir(WS + "/unpacked", HUMAN, "staff", 0755);
        coop.mac.writeFile(WS + "/unpacked/run", HUMAN, "staff", 0755, "#!/bin/sh\n");
        asRoot("/usr/sbin/chown", "-h", "777:777", WS + "/unpacked", WS + "/unpacked/run");
        assertEquals("777:777", describe(WS + "/unpacked").split(" ")[0], "tar keeps the numeric owner of another machine");

        coop.apply(plan);

        assertEquals("meeseeks:collabo 0660", describe(WS + "/tools/cache.bin"));
        assertEquals("meeseeks:collabo 2770", describe(WS + "/unpacked"));
        assertEquals("meeseeks:collabo 0770", describe(WS + "/unpacked/run"));
        assertEquals(List.of(FILE_ENTRY, DIRECTORY_ENTRY), coop.mac.fileInfo(WS + "/unpacked").orElseThrow().acl());

        coop.mac.writeFile(WS + "/tools/nested/later.bin", "root", "wheel", 0600, "made with sudo later\n");
        coop.mac.createFileAs(HUMAN, WS + "/later.txt", "alice's\n", 022);
        asRoot("/usr/sbin/chown", "-h", "778", WS + "/later.txt");
        coop.apply(plan);
        assertEquals("meeseeks:collabo 0660", describe(WS + "/tools/nested/later.bin"));
        assertEquals("meeseeks:collabo 0644", describe(WS + "/later.txt"), "its inherited entry lets the group write: only the owner changes");
        coop.reapplyOnlyReads(plan);
    }

    @Test
    void aMembersEntriesWithAnotherGroupOnlyGetTheGroup() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.apply(plan);
        coop.mac.mkdirAs(HUMAN, WS + "/docs", 002);
        coop.mac.createFileAs(HUMAN, WS + "/docs/spec.md", "spec\n", 002);
        coop.mac.as(HUMAN).run(Command.write("/usr/sbin/chown", "-h", ":staff", WS + "/docs", WS + "/docs/spec.md"));
        assertEquals("alice:staff 0664", describe(WS + "/docs/spec.md"));
        List<String> aclBefore = coop.mac.fileInfo(WS + "/docs").orElseThrow().acl();
        int mark = coop.mac.recorded().size();

        coop.apply(plan);

        assertEquals(List.of("/usr/bin/sudo -n -- /usr/bin/find -x " + WS + " -mindepth 1 '!' -type l '!' -path '*\n*' '(' -type d -o -links 1 '!' -perm -4000 '!' -perm -2000 ')' '!' -group collabo"
                        + " -execdir /usr/sbin/chown -h :collabo '{}' +"),
                coop.writesSince(mark).stream().filter(WorkspaceTest::touchesTheWorkspace).map(RecordedCommand::toString).toList());
        assertEquals("alice:collabo 0775", describe(WS + "/docs"));
        assertEquals("alice:collabo 0664", describe(WS + "/docs/spec.md"));
        assertEquals(aclBefore, coop.mac.fileInfo(WS + "/docs").orElseThrow().acl());
        coop.reapplyOnlyReads(plan);
    }

    @Test
    void theProbeOfACorrectTreeListsItsDirectoriesOnly() {
        WorkspaceTest.anExistingProjectOfAlices(coop.mac);
        coop.apply(plan);
        coop.mac.mkdirAs(AGENT, WS + "/src", 002);
        coop.mac.createFileAs(AGENT, WS + "/src/main.go", "package main\n", 002);
        coop.mac.createFileAs(HUMAN, WS + "/src/README.md", "read me\n", 002);
        int mark = coop.mac.recorded().size();

        assertTrue(coop.backend.verify(plan).isClean());

        List<RecordedCommand> listings = listingsSince(mark);
        assertEquals(1, listings.size(), listings::toString);
        assertEquals("/usr/bin/sudo -n -- /usr/bin/find -x " + WS + " '!' -type l '!' -path '*\n*' '(' -type d -o -links +1 -o '!' -group collabo"
                + " -o '(' '!' -user meeseeks '!' -user alice ')' -o '!' -perm -0060 ')' -exec /bin/ls -led '{}' +", listings.get(0).toString());
        List<String> objects = objectLines(listings.get(0));
        assertEquals(List.of(WS, WS + "/src", WS + "/tools", WS + "/tools/nested", WS + "/tools/nested/deep", WS + "/tools/shared"),
                objects.stream().filter(line -> line.startsWith("d")).map(line -> line.substring(line.indexOf(WS))).sorted().toList());
        assertEquals(List.of(WS + "/tools/odd", WS + "/tools/suid"), objects.stream().filter(line -> !line.startsWith("d"))
                .map(line -> line.substring(line.indexOf(WS))).sorted().toList(), "besides directories, only the setgid and setuid files left alone");
    }

    @Test
    void theFirstApplyListsTheWholeTreeWhileTheAgentDoesNotExistYet() {
        coop.mac.addGroup(GROUP, 650, HUMAN);
        WorkspaceTest.anExistingProjectOfAlices(coop.mac);
        int mark = coop.mac.recorded().size();

        coop.apply(plan.toBuilder().collaborationGroupId(650).build());

        List<RecordedCommand> listings = listingsSince(mark);
        assertEquals("/usr/bin/sudo -n -- /usr/bin/find -x " + WS + " '!' -type l '!' -path '*\n*' -exec /bin/ls -led '{}' +", listings.get(0).toString(),
                "find refuses -user meeseeks while there is no such user");
        List<String> files = objectLines(listings.get(0)).stream().filter(line -> line.startsWith("-")).toList();
        assertEquals(7, files.size(), String.join("\n", files));
        assertTrue(listings.get(1).argv().contains("-perm"), "the read-back, once the agent exists, lists suspects only: " + listings.get(1));
    }

    @Test
    void nothingBelowTheWorkspaceIsNamedByItsPath() {
        CoopFixture asRoot = new CoopFixture(FakeMac.builder().caller("root").build());
        aTreeWithEveryKindOfStranger(asRoot.mac);
        CagePlan plan = withGroup650();
        int mark = asRoot.mac.recorded().size();
        asRoot.apply(plan);
        List<RecordedCommand> writes = new ArrayList<>(asRoot.writesSince(mark));
        strangersArriveInUse(asRoot.mac);
        asRoot.mac.as(HUMAN).run(Command.write("/bin/chmod", "+a", "group:collabo deny write", WS + "/tools/nested/deep/notes.txt"));
        mark = asRoot.mac.recorded().size();
        asRoot.apply(plan);
        writes.addAll(asRoot.writesSince(mark));
        writes.removeIf(write -> !WorkspaceTest.touchesTheWorkspace(write));
        int finds = 0;
        for (RecordedCommand write : writes) {
            List<String> command = WorkspaceTest.unwrapped(write);
            boolean workspaceItself = command.get(command.size() - 1).equals(WS) && command.get(1).equals("-h")
                    && command.stream().noneMatch(word -> word.startsWith(WS + "/"));
            boolean find = runsAs(write).equals("root") && command.subList(0, 3).equals(List.of("/usr/bin/find", "-x", WS))
                    && java.util.stream.IntStream.range(3, command.size()).noneMatch(i -> command.get(i).startsWith(WS) && !command.get(i - 1).equals("-path"));
            assertTrue(workspaceItself || find, "a path below the workspace is named: " + write);
            finds += find ? 1 : 0;
        }
        assertTrue(finds >= 6, "the scenario leaves work for both applies: " + writes);
        assertTrue(asRoot.mac.canAccess(AGENT, WS + "/tools/nested/deep/notes.txt", Access.WRITE), "alice's deny entry went");
        assertTrue(asRoot.mac.canAccess(AGENT, WS + "/tools/nested/deep/cache.bin", Access.WRITE));
        asRoot.reapplyOnlyReads(plan);
    }

    @Test
    void undoAfterAllOfThatPutsTheMachineBackAsItWasBeforeTheFirstApply() {
        aTreeWithEveryKindOfStranger(coop.mac);
        CagePlan plan = withGroup650();
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan);
        List<String> madeSince = strangersArriveInUse(coop.mac);
        coop.apply(plan);
        coop.reapplyOnlyReads(plan);
        List<String> remove = new ArrayList<>(List.of("/bin/rm", "-rf"));
        remove.addAll(madeSince);
        assertTrue(coop.mac.as("root").run(Command.write(remove.toArray(String[]::new))).succeeded());

        coop.undo();

        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    /**
     * Alice's project, with the group already there (GID 650), and entries of every kind that is
     * not shared: root's (one below a directory denying the group search), a UID without an
     * account (unpacked from elsewhere), another group, deny entries of the group, a hard link.
     */
    private static void aTreeWithEveryKindOfStranger(FakeMac mac) {
        mac.addGroup(GROUP, 650, HUMAN);
        WorkspaceTest.anExistingProjectOfAlices(mac);
        mac.writeFile(WS + "/tools/nested/deep/cache.bin", "root", "wheel", 0644, "made with sudo\n");
        mac.addAce(WS + "/tools/nested", "group:collabo deny search");
        mac.mkdir(WS + "/unpacked", HUMAN, "staff", 0700);
        mac.writeFile(WS + "/unpacked/run", HUMAN, "staff", 0755, "#!/bin/sh\n");
        mac.as("root").run(Command.write("/usr/sbin/chown", "-h", "777:777", WS + "/unpacked", WS + "/unpacked/run"));
        mac.addAce(WS + "/tools/nested/deep/data.csv", "group:staff deny write");
        mac.addAce(WS + "/tools/nested/deep/data.csv", "group:collabo deny write,append");
        mac.hardLink(WS + "/tools/profile", "/Users/alice/.zshrc");
    }

    /**
     * After the first apply: both sides make files and directories with umasks 022 and 002, root
     * makes one with sudo, alice gives one of hers back to staff and narrows its mode. Returns
     * what was made.
     */
    private static List<String> strangersArriveInUse(FakeMac mac) {
        mac.mkdirAs(HUMAN, WS + "/by-alice", 022);
        mac.createFileAs(AGENT, WS + "/by-alice/agent.txt", "the agent's\n", 022);
        mac.mkdirAs(AGENT, WS + "/by-agent", 002);
        mac.createFileAs(HUMAN, WS + "/by-agent/alice.txt", "alice's\n", 002);
        mac.createFileAs(HUMAN, WS + "/tools/nested/deep/notes.txt", "alice's\n", 022);
        mac.writeFile(WS + "/tools/nested/sudo-made.txt", "root", "wheel", 0600, "made with sudo\n");
        mac.as(HUMAN).run(Command.write("/usr/sbin/chown", "-h", ":staff", WS + "/build.sh"));
        mac.as(HUMAN).run(Command.write("/bin/chmod", "-h", "0700", WS + "/build.sh"));
        return List.of(WS + "/by-alice", WS + "/by-agent", WS + "/tools/nested/deep/notes.txt", WS + "/tools/nested/sudo-made.txt");
    }

    private CagePlan withGroup650() {
        return plan.toBuilder().collaborationGroupId(650).build();
    }

    /** The tree listings ({@code find ... -exec /bin/ls -led}) of the workspace recorded since {@code mark}. */
    private List<RecordedCommand> listingsSince(int mark) {
        List<RecordedCommand> all = coop.mac.recorded();
        return all.subList(mark, all.size()).stream().filter(c -> c.argv().contains("/bin/ls") && c.argv().contains(WS)).toList();
    }

    /** The object lines of an {@code ls -led} output, without the ACL entry lines under them. */
    private static List<String> objectLines(RecordedCommand listing) {
        return listing.stdout().lines().filter(line -> !line.startsWith(" ")).toList();
    }

    private void asRoot(String... argv) {
        assertTrue(coop.mac.as("root").run(Command.write(argv)).succeeded());
    }

    /** The by-path chmods since {@code mark} but the two inheritable entries, as shell lines. */
    /** The writes to the workspace that name their paths: not finds. */
    private List<String> byPathWrites(int mark) {
        return coop.writesSince(mark).stream().filter(WorkspaceTest::touchesTheWorkspace)
                .filter(c -> !WorkspaceTest.unwrapped(c).get(0).equals("/usr/bin/find"))
                .map(RecordedCommand::toString).toList();
    }

    /** Root's find that runs chmod with {@code arguments} on exactly these entries, picked by their paths. */
    private static String findByPaths(String primary, String arguments, String... paths) {
        List<String> patterns = new ArrayList<>();
        for (String path : paths) {
            patterns.add("-path " + path);
        }
        return "/usr/bin/sudo -n -- /usr/bin/find -x " + WS + " -mindepth 1 '!' -type l '!' -path '*\n*' '(' -type d -o -links 1 '!' -perm -4000 '!' -perm -2000 ')' '(' " + String.join(" -o ", patterns)
                + " ')' " + primary + " /bin/chmod -h " + arguments + " '{}' +";
    }

    private String describe(String path) {
        FileInfo info = coop.mac.fileInfo(path).orElseThrow();
        return info.owner() + ":" + info.group() + " " + info.octalMode();
    }
}
