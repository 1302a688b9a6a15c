package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.testkit.Access;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cagent.macos.CoopFixture.AGENT;
import static dev.cagent.macos.CoopFixture.GROUP;
import static dev.cagent.macos.CoopFixture.HUMAN;
import static dev.cagent.macos.WorkspaceTest.WS;
import static dev.cagent.macos.WorkspaceTest.runsAs;
import static dev.cagent.macos.WorkspaceTest.touchesTheWorkspace;
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
    void anEntryInADirectoryOnlyItsOwnerCouldEnterIsChangedAfterThatDirectory() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.mac.writeFile(WS + "/a.txt", "root", "wheel", 0644, "made with sudo\n");
        coop.mac.mkdir(WS + "/private", HUMAN, "staff", 0700);
        coop.mac.writeFile(WS + "/private/b.txt", "root", "wheel", 0644, "made with sudo\n");
        int mark = coop.mac.recorded().size();

        coop.apply(plan);

        assertEquals(List.of(
                "/usr/bin/sudo -n -u meeseeks -- /bin/chmod -h 2770 " + WS,
                "/bin/chmod -h 2770 " + WS + "/private",
                "/usr/bin/sudo -n -u meeseeks -- /bin/chmod -h 0660 " + WS + "/a.txt " + WS + "/private/b.txt"),
                byPathWritesWithoutEntries(mark),
                "alice's 0700 directory is opened to the group before the agent names the file in it");
        assertEquals("meeseeks:collabo 0660", describe(WS + "/private/b.txt"));
        assertTrue(coop.mac.canAccess(AGENT, WS + "/private/b.txt", Access.WRITE));
        coop.reapplyOnlyReads(plan);
    }

    @Test
    void aDenyEntryOfTheGroupGoesBeforeAnythingBelowItIsNamedAndUndoPutsItBack() {
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

        assertEquals(List.of(
                "/usr/bin/sudo -n -u meeseeks -- /bin/chmod -h 2770 " + WS,
                "/bin/chmod -h '-a#' 0 " + WS + "/locked",
                "/bin/chmod -h '-a#' 0 " + WS + "/plan.md",
                "/usr/bin/sudo -n -u meeseeks -- /bin/chmod -h 0660 " + WS + "/locked/build.log"),
                byPathWritesWithoutEntries(mark), "alice takes the deny entries off her own entries; the agent's chmod below waits for it");
        assertEquals(List.of("user:alice allow read"), coop.mac.fileInfo(WS + "/plan.md").orElseThrow().acl(), "only the group's deny entry goes");
        assertEquals("alice:collabo 0664", describe(WS + "/plan.md"), "its mode let the group write all along");
        assertTrue(coop.mac.canAccess(AGENT, WS + "/plan.md", Access.WRITE));
        assertTrue(coop.mac.canAccess(AGENT, WS + "/locked/build.log", Access.WRITE));
        coop.reapplyOnlyReads(withGroup);

        coop.undo();
        assertEquals(List.of(), before.diff(coop.mac.snapshot()),
                "the deny entries are back where they were");
    }

    @Test
    void aDenyEntryPutOnAFileInUseIsTakenOffByItsOwnerAndNothingElseIsWritten() {
        coop.apply(plan);
        coop.mac.createFileAs(HUMAN, WS + "/notes.md", "notes\n", 022);
        coop.mac.as(HUMAN).run(dev.cagent.exec.Command.write("/bin/chmod", "+a", "group:collabo deny write", WS + "/notes.md"));
        assertFalse(coop.mac.canAccess(AGENT, WS + "/notes.md", Access.WRITE));
        assertFalse(coop.backend.verify(plan).isClean());
        int mark = coop.mac.recorded().size();

        coop.apply(plan);

        assertEquals(List.of("/bin/chmod -h '-a#' 0 " + WS + "/notes.md"),
                coop.writesSince(mark).stream().filter(WorkspaceTest::touchesTheWorkspace).map(RecordedCommand::toString).toList());
        assertTrue(coop.mac.canAccess(AGENT, WS + "/notes.md", Access.WRITE), "the inherited allow entry decides again");
        assertEquals("alice:collabo 0644", describe(WS + "/notes.md"));
        coop.reapplyOnlyReads(plan);
    }

    @Test
    void undoTakesTheGroupsEntriesOffTheDeepestEntriesFirst() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.apply(plan);
        coop.mac.mkdirAs(HUMAN, WS + "/private", 077);
        coop.mac.createFileAs(AGENT, WS + "/private/agent.txt", "the agent's\n", 077);
        assertEquals(0700, coop.mac.fileInfo(WS + "/private").orElseThrow().mode(), "only the inherited entries let the agent in");
        int mark = coop.mac.recorded().size();

        coop.undo();

        assertEquals(List.of(
                "/usr/bin/sudo -n -u meeseeks -- /bin/chmod -h '-a#' 0 " + WS + "/private/agent.txt",
                "/bin/chmod -h '-a#' 1 " + WS + "/private",
                "/bin/chmod -h '-a#' 0 " + WS + "/private",
                "/usr/bin/sudo -n -u meeseeks -- /bin/chmod -h '-a#' 1 " + WS,
                "/usr/bin/sudo -n -u meeseeks -- /bin/chmod -h '-a#' 0 " + WS),
                coop.writesSince(mark).stream().filter(c -> c.argv().contains("-a#")).map(RecordedCommand::toString).toList(),
                "alice's removal from her 0700 directory would lock the agent out of its own file");
        assertEquals(List.of(), coop.mac.fileInfo(WS + "/private/agent.txt").orElseThrow().acl());
        assertEquals(List.of(), coop.mac.fileInfo(WS + "/private").orElseThrow().acl());
    }

    /** The by-path chmods since {@code mark} but the two inheritable entries, as shell lines. */
    private List<String> byPathWritesWithoutEntries(int mark) {
        return coop.writesSince(mark).stream().filter(WorkspaceTest::touchesTheWorkspace)
                .filter(c -> WorkspaceTest.unwrapped(c).get(0).equals("/bin/chmod") && !c.argv().contains("+a"))
                .map(RecordedCommand::toString).toList();
    }

    private String describe(String path) {
        FileInfo info = coop.mac.fileInfo(path).orElseThrow();
        return info.owner() + ":" + info.group() + " " + info.octalMode();
    }
}
