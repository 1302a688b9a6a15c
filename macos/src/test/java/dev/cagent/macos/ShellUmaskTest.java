package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.PlanRefusedException;
import dev.cagent.ShellUmask;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.cagent.macos.CoopFixture.AGENT;
import static dev.cagent.macos.CoopFixture.GROUP;
import static dev.cagent.macos.CoopFixture.HUMAN;
import static dev.cagent.macos.CoopFixture.STATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The marked umask block in the human's shell startup file: added once, kept up, taken out exactly. */
class ShellUmaskTest {

    static final String ZSHRC = "/Users/alice/.zshrc";
    static final String BLOCK = ShellUmask.BLOCK_START + "\numask 002\n" + ShellUmask.BLOCK_END + "\n";

    final CoopFixture coop = new CoopFixture();
    final CagePlan plan = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).humanUmask("002").build();

    @Test
    void theBlockIsAddedOnceAtTheEndWithAlicesOwnRights() {
        String before = coop.mac.readFile(ZSHRC);
        int mark = coop.mac.recorded().size();
        coop.apply(plan);
        assertEquals(before + BLOCK, coop.mac.readFile(ZSHRC));
        FileInfo info = coop.mac.fileInfo(ZSHRC).orElseThrow();
        assertEquals("alice:staff 0644", info.owner() + ":" + info.group() + " " + info.octalMode());
        List<RecordedCommand> writesToZshrc = coop.writesSince(mark).stream().filter(c -> c.argv().stream().anyMatch(a -> a.startsWith(ZSHRC))).toList();
        assertFalse(writesToZshrc.isEmpty());
        writesToZshrc.forEach(c -> assertFalse(c.argv().get(0).equals("/usr/bin/sudo"), "alice runs it herself, not root: " + c));
        coop.reapplyOnlyReads(plan);
        assertEquals(before + BLOCK, coop.mac.readFile(ZSHRC));
    }

    @Test
    void theFileIsReadWithItsOwnersRightsNeverRoots() {
        coop.apply(plan);
        List<RecordedCommand> reads = coop.mac.recorded().stream().filter(c -> c.argv().contains("/bin/cat") && c.argv().contains(ZSHRC)).toList();
        assertFalse(reads.isEmpty());
        reads.forEach(c -> assertEquals(List.of("/bin/cat", ZSHRC), c.argv(), "alice, who runs cagent, reads her own file"));
    }

    @Test
    void anotherHumansFileIsReadAsThatHuman() {
        coop.mac.addUser("bob", 502, 20, "/Users/bob");
        coop.mac.mkdir("/Users/bob", "bob", "staff", 0750);
        coop.mac.writeFile("/Users/bob/.zshrc", "bob", "staff", 0600, "# bob\n");
        CagePlan bobs = Cage.forUser(AGENT).human("bob").collaborationGroup(GROUP).humanUmask("002").build();
        coop.apply(bobs);
        assertEquals("# bob\n" + BLOCK, coop.mac.readFile("/Users/bob/.zshrc"));
        List<RecordedCommand> reads = coop.mac.recorded().stream().filter(c -> c.argv().contains("/bin/cat") && c.argv().contains("/Users/bob/.zshrc")).toList();
        assertFalse(reads.isEmpty());
        reads.forEach(c -> assertEquals(List.of("/usr/bin/sudo", "-n", "-u", "bob", "--", "/bin/cat", "/Users/bob/.zshrc"), c.argv()));
    }

    @Test
    void aBlockEditedBetweenItsMarkersIsPutRightInPlace() {
        String original = coop.mac.readFile(ZSHRC);
        coop.apply(plan);
        String edited = "# mine\n" + original + BLOCK.replace("umask 002", "umask 077\nexport EDITED=1") + "alias gs='git status'\n";
        coop.mac.writeFile(ZSHRC, HUMAN, "staff", 0644, edited);
        coop.apply(plan);
        assertEquals("# mine\n" + original + BLOCK + "alias gs='git status'\n", coop.mac.readFile(ZSHRC));
        coop.reapplyOnlyReads(plan);
    }

    @ParameterizedTest
    @ValueSource(strings = {"export A=1\n", "export A=1", "", "# crlf\r\nexport B=2\r\n", "no newline, then unicode é\u00a0\t"})
    void undoRestoresTheFileByteForByte(String content) {
        coop.mac.writeFile(ZSHRC, HUMAN, "staff", 0640, content);
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan);
        assertEquals(content + (content.isEmpty() || content.endsWith("\n") ? "" : "\n") + BLOCK, coop.mac.readFile(ZSHRC));
        assertEquals(0640, coop.mac.fileInfo(ZSHRC).orElseThrow().mode(), "the file keeps its mode");
        coop.undo();
        assertEquals(content, coop.mac.readFile(ZSHRC));
        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    @Test
    void aFileThatWasMissingIsCreatedAndUndoRemovesIt() {
        coop.mac.as("root").run(dev.cagent.exec.Command.write("/bin/rm", "-f", ZSHRC));
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan);
        assertEquals(BLOCK, coop.mac.readFile(ZSHRC));
        FileInfo info = coop.mac.fileInfo(ZSHRC).orElseThrow();
        assertEquals("alice:staff 0644", info.owner() + ":" + info.group() + " " + info.octalMode());
        coop.undo();
        assertFalse(coop.mac.exists(ZSHRC));
        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    @Test
    void undoAfterAliceEditedTheFileTakesOutOnlyTheBlock() {
        String original = coop.mac.readFile(ZSHRC);
        coop.apply(plan);
        coop.mac.writeFileAs(HUMAN, ZSHRC, "# added first\n" + coop.mac.readFile(ZSHRC) + "export LATER=1\n");
        coop.undo();
        assertEquals("# added first\n" + original + "export LATER=1\n", coop.mac.readFile(ZSHRC));
    }

    @Test
    void theBackupLivesInCagentsRootOnlyRecordWhileTheCageStands() {
        String original = coop.mac.readFile(ZSHRC);
        coop.apply(plan);
        List<String> backups = coop.mac.list(STATE + "/backups");
        assertEquals(1, backups.size(), backups.toString());
        String backup = STATE + "/backups/" + backups.get(0);
        assertEquals(original, coop.mac.readFile(backup));
        FileInfo info = coop.mac.fileInfo(backup).orElseThrow();
        assertEquals("root", info.owner());
        assertEquals(0750, coop.mac.fileInfo(STATE + "/backups").orElseThrow().mode() & 0777);
        assertFalse(coop.mac.canAccess(HUMAN, backup, dev.cagent.testkit.Access.READ) && coop.mac.canAccess(AGENT, backup, dev.cagent.testkit.Access.READ));
        assertFalse(coop.mac.canAccess(AGENT, backup, dev.cagent.testkit.Access.READ));
        coop.undo();
        assertFalse(coop.mac.exists(backup));
        assertFalse(coop.mac.exists(STATE));
    }

    @Test
    void aStartupFileOfAnotherAccountIsRefusedBeforeAnyWrite() {
        CagePlan systemWide = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).humanUmask("/private/etc/zshrc", "002").build();
        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> coop.backend.apply(systemWide));
        assertTrue(refused.getMessage().contains("/private/etc/zshrc belongs to root, and cagent edits it as alice"), refused.getMessage());
        assertTrue(refused.getMessage().contains("humanUmask(...)"), refused.getMessage());
        assertEquals(0, coop.mac.recorded().stream().filter(RecordedCommand::isWrite).count());
    }

    @Test
    void aSymbolicLinkIsRefusedBeforeAnyWrite() {
        coop.mac.writeFile("/Users/alice/dotfiles-zshrc", HUMAN, "staff", 0644, "x\n");
        coop.mac.as("root").run(dev.cagent.exec.Command.write("/bin/rm", "-f", ZSHRC));
        coop.mac.symlink(ZSHRC, "dotfiles-zshrc");
        int mark = coop.mac.recorded().size();
        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> coop.backend.apply(plan));
        assertTrue(refused.getMessage().contains(ZSHRC + " is a symlink, not a regular file"), refused.getMessage());
        assertTrue(refused.getMessage().contains("humanUmask"), refused.getMessage());
        assertEquals(List.of(), coop.writesSince(mark));
    }
}
