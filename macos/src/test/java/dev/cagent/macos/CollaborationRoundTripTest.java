package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.exec.Command;
import dev.cagent.testkit.Access;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cagent.macos.CoopFixture.AGENT;
import static dev.cagent.macos.CoopFixture.GROUP;
import static dev.cagent.macos.CoopFixture.HUMAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coop mode end to end on a stock Mac: the agent and alice each create a file in the workspace
 * with the restrictive umask 022, and each edits the other's, because the files inherit the
 * group's entry whatever their mode says.
 */
class CollaborationRoundTripTest {

    static final String WORKSHOP = "/Users/meeseeks/workshop";

    final CoopFixture coop = new CoopFixture();
    final CagePlan plan = Cage.forUser(AGENT).human(HUMAN)
            .deny("/Users/alice").denyListing("/Users")
            .collaborationGroup(GROUP).workspace(WORKSHOP).humanUmask("002")
            .claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED)
            .build();

    @Test
    void eachEditsWhatTheOtherCreatedWithUmask022() {
        MacSnapshot stock = coop.mac.snapshot();
        coop.apply(plan);

        coop.mac.createFileAs(AGENT, WORKSHOP + "/agent-notes.md", "written by the agent\n", 022);
        FileInfo agents = coop.mac.fileInfo(WORKSHOP + "/agent-notes.md").orElseThrow();
        assertEquals("meeseeks:collabo 0644", agents.owner() + ":" + agents.group() + " " + agents.octalMode(), "the mode alone gives the group no write");
        coop.mac.writeFileAs(HUMAN, WORKSHOP + "/agent-notes.md", "edited by alice\n");
        assertEquals("edited by alice\n", coop.mac.readFile(WORKSHOP + "/agent-notes.md"));

        coop.mac.createFileAs(HUMAN, WORKSHOP + "/alice-todo.md", "written by alice\n", 022);
        FileInfo alices = coop.mac.fileInfo(WORKSHOP + "/alice-todo.md").orElseThrow();
        assertEquals("alice:collabo 0644", alices.owner() + ":" + alices.group() + " " + alices.octalMode());
        coop.mac.writeFileAs(AGENT, WORKSHOP + "/alice-todo.md", "edited by the agent\n");
        assertEquals("edited by the agent\n", coop.mac.readFile(WORKSHOP + "/alice-todo.md"));

        for (String file : List.of(WORKSHOP + "/agent-notes.md", WORKSHOP + "/alice-todo.md")) {
            assertFalse(coop.mac.canAccess(AGENT, file, Access.EXECUTE), file);
            assertFalse(coop.mac.canAccess(HUMAN, file, Access.EXECUTE), file);
        }
        assertFalse(coop.mac.canAccess(AGENT, "/Users/alice/.ssh/id_ed25519", Access.READ), "the cage still holds");

        coop.mac.as("root").run(Command.write("/bin/rm", "-f", WORKSHOP + "/agent-notes.md", WORKSHOP + "/alice-todo.md"));
        coop.undo();
        assertEquals(List.of(), stock.diff(coop.mac.snapshot()));
    }

    @Test
    void inADirectoryTheOtherMadeToo() {
        coop.apply(plan);
        coop.mac.mkdirAs(AGENT, WORKSHOP + "/src", 022);
        coop.mac.createFileAs(HUMAN, WORKSHOP + "/src/Main.java", "class Main {}\n", 022);
        coop.mac.writeFileAs(AGENT, WORKSHOP + "/src/Main.java", "class Main { }\n");
        coop.mac.mkdirAs(HUMAN, WORKSHOP + "/src/test", 022);
        coop.mac.createFileAs(AGENT, WORKSHOP + "/src/test/MainTest.java", "class MainTest {}\n", 022);
        coop.mac.writeFileAs(HUMAN, WORKSHOP + "/src/test/MainTest.java", "class MainTest { }\n");
        assertEquals("class MainTest { }\n", coop.mac.readFile(WORKSHOP + "/src/test/MainTest.java"));
    }

    @Test
    void theNextApplyLeavesTheirFilesAsTheyAreAndOnlyReads() {
        coop.apply(plan);
        coop.mac.createFileAs(AGENT, WORKSHOP + "/agent-notes.md", "a\n", 022);
        coop.mac.createFileAs(HUMAN, WORKSHOP + "/alice-todo.md", "b\n", 022);
        coop.reapplyOnlyReads(plan);
        assertTrue(coop.backend.verify(plan).isClean());
        for (String file : List.of("/agent-notes.md", "/alice-todo.md")) {
            FileInfo info = coop.mac.fileInfo(WORKSHOP + file).orElseThrow();
            String owner = file.startsWith("/agent") ? AGENT : HUMAN;
            assertEquals(owner + ":collabo 0644", info.owner() + ":" + info.group() + " " + info.octalMode(), file);
        }
    }

    /** The seed's own workspace has no inheritable entries: the same round trip fails, so the test above can. */
    @Test
    void withoutTheInheritableEntriesAliceCannotEditTheAgentsFile() {
        coop.apply(plan.toBuilder().workspaceInheritableAccess(false).build());
        coop.mac.createFileAs(AGENT, WORKSHOP + "/agent-notes.md", "written by the agent\n", 022);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> coop.mac.writeFileAs(HUMAN, WORKSHOP + "/agent-notes.md", "edited by alice\n"));
        assertTrue(refused.getMessage().contains("Permission denied"), refused.getMessage());
    }
}
