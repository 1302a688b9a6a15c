package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.testkit.Access;
import dev.cagent.testkit.FileInfo;
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
                coop.writesSince(mark).stream().filter(c -> c.argv().contains("/bin/chmod") && !c.argv().contains("+a"))
                        .filter(WorkspaceTest::touchesTheWorkspace).map(RecordedCommand::toString).toList(),
                "alice's 0700 directory is opened to the group before the agent names the file in it");
        assertEquals("meeseeks:collabo 0660", describe(WS + "/private/b.txt"));
        assertTrue(coop.mac.canAccess(AGENT, WS + "/private/b.txt", Access.WRITE));
        coop.reapplyOnlyReads(plan);
    }

    private String describe(String path) {
        FileInfo info = coop.mac.fileInfo(path).orElseThrow();
        return info.owner() + ":" + info.group() + " " + info.octalMode();
    }
}
