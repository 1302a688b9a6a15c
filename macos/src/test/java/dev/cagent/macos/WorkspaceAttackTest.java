package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.UndoReport;
import dev.cagent.testkit.Access;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static dev.cagent.macos.CoopFixture.AGENT;
import static dev.cagent.macos.CoopFixture.GROUP;
import static dev.cagent.macos.CoopFixture.HUMAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attacks on the shared workspace step by the agent that owns the workspace. */
class WorkspaceAttackTest {

    static final String WS = "/Users/Shared/project";

    final CoopFixture coop = new CoopFixture();
    final CagePlan plan = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).workspace(WS).build();

    // ------------------------------------------------------------------------------------------
    // helpers

    private CommandResult as(String user, String... argv) {
        return coop.mac.as(user).run(Command.write(argv));
    }

    private void asAgent(String... argv) {
        CommandResult r = as(AGENT, argv);
        assertEquals(0, r.exitCode(), () -> String.join(" ", argv) + " failed: " + r.stderr());
    }

    private String describe(String path) {
        FileInfo info = coop.mac.fileInfo(path).orElseThrow();
        return info.owner() + ":" + info.group() + " " + info.octalMode() + " " + info.acl();
    }

    private List<String> outside(MacSnapshot before, String... insideRoots) {
        return before.diff(coop.mac.snapshot()).stream()
                .filter(l -> java.util.Arrays.stream(insideRoots).noneMatch(r -> l.startsWith(r + "/") || l.startsWith(r + ":")))
                .filter(l -> !l.startsWith("/private/var/db/cagent/"))
                .toList();
    }

    // ------------------------------------------------------------------------------------------
    // forged ls lines: names holding newlines

    /** A prefix of an ls -led entry line, ending where the path starts; '@' lets ACL lines follow or not. */
    static final String FORGED = "-rw-rw-r--@ 1 alice  collabo  5 Dec  3 16:27 ";

    /**
     * The agent builds WS/D1/Users/Shared/project/victim.txt where D1 = "a\n 0: group:collabo allow read\n" + FORGED:
     * the deepest file's ls line then ends with a forged entry line for WS/victim.txt, whose ACL lines are the agent's
     * own file's ACL. Returns the agent's file.
     */
    private String forgeEntryFor(String victimName, String aclOfAgentsFile) {
        return forgeEntryFor(FORGED, victimName, aclOfAgentsFile);
    }

    private String forgeEntryFor(String forged, String victimName, String aclOfAgentsFile) {
        String d1 = WS + "/a\n 0: group:collabo allow read\n" + forged;
        String path = d1;
        coop.mac.mkdirAs(AGENT, path, 002);
        for (String part : WS.substring(1).split("/")) {
            path = path + "/" + part;
            coop.mac.mkdirAs(AGENT, path, 002);
        }
        String file = path + "/" + victimName;
        coop.mac.createFileAs(AGENT, file, "x\n", 002);
        // the agent's own file: the ACL lines the forged entry gets, and a second name so that the probe lists it
        asAgent("/bin/chmod", "+a#", "0", aclOfAgentsFile, file);
        coop.mac.hardLink(WS + "/z", file);
        return file;
    }

    /**
     * alice protects one of her files in the workspace from the agent with a user deny entry (cagent keeps such
     * entries). The agent plants a tree whose names hold newlines so that the probe's ls output carries a forged
     * entry line for alice's file with a deny entry of the group at index 0; the next apply removes index 0 of
     * alice's real file by its path: her deny entry.
     */
    @Test
    void aForgedLsLineDoesNotStripAlicesDenyEntry() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.apply(plan);
        coop.mac.createFileAs(HUMAN, WS + "/victim.txt", "alice's, not for the agent\n", 022);
        assertTrue(as(HUMAN, "/bin/chmod", "+a", "user:meeseeks deny write,append", WS + "/victim.txt").succeeded());
        assertFalse(coop.mac.canAccess(AGENT, WS + "/victim.txt", Access.WRITE));
        String victimBefore = describe(WS + "/victim.txt");

        forgeEntryFor("victim.txt", "group:collabo deny read");
        ApplyReport report = coop.backend.apply(plan);

        assertEquals(victimBefore, describe(WS + "/victim.txt"), "apply changed alice's file through a forged ls line: " + report);
        assertFalse(coop.mac.canAccess(AGENT, WS + "/victim.txt", Access.WRITE), "the agent may now write alice's protected file");
    }

    /**
     * Same forgery, now claiming that alice's file (made after the first apply and never changed by cagent) is the
     * agent's with group staff and mode 0606: the apply records that as its "old" owner and mode, and whatever takes
     * it back (its own rollback, or undo) gives alice's file to the agent and makes it world-writable.
     */
    @Test
    void aForgedLsLineDoesNotMakeUndoGiveAlicesFileToTheAgent() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.apply(plan);
        coop.mac.createFileAs(HUMAN, WS + "/victim.txt", "alice's\n", 002);
        String victimBefore = describe(WS + "/victim.txt");

        String agents = forgeEntryFor("-rw----rw-@ 1 meeseeks  staff  5 Dec  3 16:27 ", "victim.txt", "group:collabo allow read");
        ApplyReport report = coop.backend.apply(plan);
        String afterApply = describe(WS + "/victim.txt");
        // the chain taken apart again (its first name ends with a blank, which no argument may): no forged line left for undo to read
        assertTrue(as("root", "/bin/mv", agents.substring(0, agents.indexOf("/Users/Shared/project/victim.txt")) + "/Users", WS + "/gone").succeeded());
        UndoReport undo = coop.backend.undo(AGENT);

        // alice's file stays hers (its group is the collaboration group's number once undo deleted the group)
        assertEquals(List.of(victimBefore, "alice"), List.of(afterApply, describe(WS + "/victim.txt").split(":")[0]),
                "apply: " + report + "\nundo: " + undo);
    }

    // ------------------------------------------------------------------------------------------
    // pre-existing ACL entries

    static final String DIRECTORY_ENTRY = WorkspaceTest.DIRECTORY_ENTRY;
    static final String FILE_ENTRY = WorkspaceTest.FILE_ENTRY;

    /**
     * alice set the blog post's two inheritable entries up by hand before cagent (group collabo already there), so
     * her files and directories carry inherited copies. cagent adds no entry (the workspace already holds both),
     * only gives the workspace directory to the agent. Undo must not take away the inherited entries it never made.
     */
    @Test
    void undoKeepsInheritedGroupEntriesThatWereThereBefore() {
        coop.mac.addGroup(GROUP, 650, HUMAN);
        coop.mac.mkdir(WS, HUMAN, GROUP, 02770);
        coop.mac.addAce(WS, DIRECTORY_ENTRY);
        coop.mac.addAce(WS, FILE_ENTRY);
        coop.mac.mkdirAs(HUMAN, WS + "/src", 022);
        coop.mac.createFileAs(HUMAN, WS + "/src/main.c", "int main;\n", 022);
        coop.mac.createFileAs(HUMAN, WS + "/notes.md", "notes\n", 022);
        MacSnapshot before = coop.mac.snapshot();
        CagePlan withGroup = plan.toBuilder().collaborationGroupId(650).build();

        coop.apply(withGroup);
        coop.reapplyOnlyReads(withGroup);
        coop.undo();

        assertEquals(List.of(), before.diff(coop.mac.snapshot()).stream().filter(l -> l.startsWith(WS)).toList());
    }

    /** Deny entries of other principals on entries (and on the workspace itself) are kept and come back as they were. */
    @Test
    void otherPrincipalsDenyAndInheritedEntriesSurviveTheRoundTrip() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.mac.addAce(WS, "group:staff deny delete_child");
        coop.mac.addAce(WS, "user:alice allow list,add_file,search,file_inherit,directory_inherit");
        coop.mac.mkdirAs(HUMAN, WS + "/sub", 022);
        coop.mac.createFileAs(HUMAN, WS + "/sub/a.txt", "a\n", 022);
        coop.mac.addAce(WS + "/sub/a.txt", "group:everyone deny write");
        coop.mac.addAce(WS + "/sub/a.txt", "user:alice deny delete");
        MacSnapshot before = coop.mac.snapshot();

        coop.apply(plan);
        assertTrue(coop.mac.fileInfo(WS + "/sub/a.txt").orElseThrow().acl().containsAll(List.of("group:everyone deny write", "user:alice deny delete")));
        coop.reapplyOnlyReads(plan);
        assertTrue(coop.backend.verify(plan).isClean());
        coop.undo();

        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    // ------------------------------------------------------------------------------------------
    // the workspace directory itself

    /** alice's existing project, mode 0700: the round trip gives it back exactly. */
    @Test
    void anExisting0700WorkspaceOfAlicesRoundTrips() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0700);
        coop.mac.writeFile(WS + "/secret.txt", HUMAN, "staff", 0600, "s\n");
        coop.mac.mkdir(WS + "/d", HUMAN, "staff", 0700);
        MacSnapshot before = coop.mac.snapshot();

        coop.apply(plan);
        assertEquals("meeseeks:collabo 2770", describe(WS).substring(0, "meeseeks:collabo 2770".length()));
        assertTrue(coop.mac.canAccess(HUMAN, WS + "/secret.txt", Access.WRITE));
        assertTrue(coop.mac.canAccess(AGENT, WS + "/secret.txt", Access.WRITE));
        coop.reapplyOnlyReads(plan);
        coop.undo();

        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    /** The workspace path is a symbolic link to alice's home: refused, nothing written. */
    @Test
    void aWorkspaceThatIsASymlinkIsRefused() {
        coop.mac.symlink(WS, "/Users/alice");
        MacSnapshot before = coop.mac.snapshot();
        RuntimeException thrown = null;
        ApplyReport report = null;
        try {
            report = coop.backend.apply(plan);
        } catch (RuntimeException e) {
            thrown = e;
        }
        assertTrue(thrown != null || !report.succeeded(), "apply accepted a workspace that is a symlink: " + report);
        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    static final String WORKSHOP = "/Users/meeseeks/workshop";
    static final int[] swapped = {0};

    /**
     * The default workspace lies in the agent's home, whose entries the agent may rename: before each write of a
     * second apply (and of undo) the agent swaps the workspace for a link to alice's home.
     */
    @Test
    void aWorkspaceInTheAgentsHomeSwappedForALinkBeforeEachWrite() {
        for (int nth = 0; nth < 10; nth++) {
            for (boolean atUndo : List.of(false, true)) {
                new WorkspaceAttackTest().swapWorkshop(nth, atUndo);
            }
        }
        assertTrue(swapped[0] >= 10, "the swap happened " + swapped[0] + " times");
    }

    private void swapWorkshop(int nth, boolean atUndo) {
        CagePlan home = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).workspace(WORKSHOP).build();
        coop.mac.writeFile("/Users/alice/notes.txt", HUMAN, "staff", 0600, "alice's\n");
        coop.mac.mkdir("/Users/alice/dir", HUMAN, "staff", 0700);
        coop.apply(home);
        coop.mac.createFileAs(HUMAN, WORKSHOP + "/a.txt", "a\n", 077);
        coop.mac.writeFile(WORKSHOP + "/root.txt", "root", "wheel", 0600, "root's\n");
        asAgent("/bin/mkdir", WORKSHOP + "/d");
        asAgent("/bin/chmod", "0700", WORKSHOP + "/d");
        asAgent("/bin/chmod", "-h", "-a#", "0", WORKSHOP);
        MacSnapshot stock = coop.mac.snapshot();
        int[] seen = {0};
        MacOsBackend racer = coop.racing(c -> c.isWrite() && c.argv().stream().anyMatch(w -> w.startsWith(WORKSHOP)) && seen[0]++ == nth, () -> {
            if (as(AGENT, "/bin/mv", WORKSHOP, "/Users/meeseeks/moved").succeeded()) {
                coop.mac.symlink(WORKSHOP, "/Users/alice");
                swapped[0]++;
            }
        });
        if (atUndo) {
            racer.apply(home);
            racer.undo(AGENT);
        } else {
            racer.apply(home);
        }
        List<String> outsideNow = stock.diff(coop.mac.snapshot()).stream()
                .filter(l -> l.startsWith("/Users/alice") || l.startsWith("/private/etc") || l.startsWith("/Users/Shared")).toList();
        assertEquals(List.of(), outsideNow, "swap before write " + nth + (atUndo ? " (apply then undo)" : ""));
    }

    // ------------------------------------------------------------------------------------------
    // hard links swapped in between read and write

    /** Before each workspace write of a second apply, the agent replaces an unshared file by a hard link to alice's .zshrc. */
    @Test
    void aHardLinkSwappedInBeforeEachWriteIsNotChanged() {
        for (int nth = 0; nth < 8; nth++) {
            new WorkspaceAttackTest().hardLinkSwap(nth);
        }
    }

    private void hardLinkSwap(int nth) {
        coop.mac.writeFile("/Users/alice/.zshrc", HUMAN, "staff", 0644, "# alice\n");
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.apply(plan);
        coop.mac.writeFile(WS + "/sudo.txt", "root", "wheel", 0600, "root's\n");
        coop.mac.createFileAs(HUMAN, WS + "/mine.txt", "alice's\n", 077);
        assertTrue(as(HUMAN, "/bin/chmod", "-h", "-a#", "0", WS + "/mine.txt").succeeded());
        coop.mac.mkdirAs(HUMAN, WS + "/d", 077);
        MacSnapshot stock = coop.mac.snapshot();
        int[] seen = {0};
        coop.racing(c -> c.isWrite() && c.argv().stream().anyMatch(w -> w.startsWith(WS)) && seen[0]++ == nth, () -> {
            for (String victim : List.of(WS + "/sudo.txt", WS + "/mine.txt")) {
                if (as(AGENT, "/bin/mv", "-f", victim, WS + "/d/old-" + victim.substring(WS.length() + 1)).succeeded()) {
                    coop.mac.hardLink(victim, "/Users/alice/.zshrc");
                }
            }
        }).apply(plan);
        assertEquals(stock.files().get("/Users/alice/.zshrc"), coop.mac.snapshot().files().get("/Users/alice/.zshrc"), "swap before write " + nth);
    }

    // ------------------------------------------------------------------------------------------
    // directories the agent makes unreadable, setuid files the agent makes

    @Test
    void directoriesTheAgentClosesToEveryoneAreStillHandledByRoot() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.apply(plan);
        coop.mac.mkdirAs(AGENT, WS + "/shut", 002);
        coop.mac.mkdirAs(AGENT, WS + "/shut/inner", 002);
        coop.mac.writeFile(WS + "/shut/inner/root.txt", "root", "wheel", 0600, "root's\n");
        asAgent("/bin/chmod", "0000", WS + "/shut/inner");
        asAgent("/bin/chmod", "0000", WS + "/shut");
        assertFalse(coop.backend.verify(plan).isClean(), "verify sees the drift");

        coop.apply(plan);

        assertEquals("meeseeks:collabo 0660 []", describe(WS + "/shut/inner/root.txt"));
        assertTrue(coop.mac.canAccess(HUMAN, WS + "/shut/inner/root.txt", Access.WRITE), "alice reaches it through the inherited entries");
        coop.reapplyOnlyReads(plan);
        assertTrue(coop.backend.verify(plan).isClean());
    }

    // ------------------------------------------------------------------------------------------
    // undo after the agent added, renamed, deleted

    // ------------------------------------------------------------------------------------------
    // trees deeper than PATH_MAX

    /**
     * The agent moves a chain of directories into another until paths below the workspace pass PATH_MAX (1024):
     * find walks it (fts changes directory), but ls, given the full path, fails with "File name too long". Undo of
     * the rest of the cage still has to work.
     */
    @Test
    void aTreeDeeperThanPathMaxStopsUndoWithTheListingNamedAndKeepsTheRecordForASecondUndo() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan);
        String name = "d".repeat(200);
        String a = WS + "/" + name;
        coop.mac.mkdirAs(AGENT, a, 002);
        for (int i = 0; i < 3; i++) {
            a = a + "/" + name;
            coop.mac.mkdirAs(AGENT, a, 002);
        }
        String b = WS + "/" + "e".repeat(200);
        coop.mac.mkdirAs(AGENT, b, 002);
        coop.mac.mkdirAs(AGENT, b + "/" + name, 002);
        coop.mac.createFileAs(AGENT, b + "/" + name + "/f", "deep\n", 002);
        asAgent("/bin/mv", b, a + "/e");
        String deep = a + "/e/" + name + "/f";
        assertTrue(deep.length() > 1024, "deeper than PATH_MAX: " + deep.length());

        UndoReport undo = coop.backend.undo(AGENT);

        // what cannot be read is not taken back: undo stops there and says which listing failed, keeping the record
        assertFalse(undo.succeeded(), undo::toString);
        assertTrue(undo.toString().contains("/usr/bin/find -x " + WS) && undo.toString().contains("File name too long"), undo::toString);
        asAgent("/bin/rm", "-rf", WS + "/" + name);
        UndoReport second = coop.backend.undo(AGENT);
        assertTrue(second.succeeded(), second::toString);
        assertEquals(List.of(), before.diff(coop.mac.snapshot()).stream().filter(l -> !l.startsWith(WS + "/")).toList());
    }

    /** verify reports what the agent changes by hand: a directory closed to the group and its entries removed. */
    @Test
    void verifyReportsTheAgentsDrift() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.apply(plan);
        coop.mac.mkdirAs(AGENT, WS + "/d", 002);
        assertTrue(coop.backend.verify(plan).isClean());
        asAgent("/bin/chmod", "-h", "-a#", "1", WS + "/d");
        asAgent("/bin/chmod", "-h", "-a#", "0", WS + "/d");
        asAgent("/bin/chmod", "-h", "0700", WS + "/d");
        assertFalse(coop.backend.verify(plan).isClean(), "verify misses a directory closed to the group");
        coop.apply(plan);
        assertTrue(coop.backend.verify(plan).isClean());
        coop.mac.createFileAs(AGENT, WS + "/d/x", "x\n", 077);
        asAgent("/bin/chmod", "-h", "-a#", "0", WS + "/d/x");
        assertFalse(coop.backend.verify(plan).isClean(), "verify misses a file closed to the group");
        asAgent("/bin/chmod", "-h", "-a#", "0", WS);
        assertFalse(coop.backend.verify(plan).isClean());
    }

    /** One file whose name holds a newline (no forgery, just a name ls prints raw): undo of the whole cage still works. */
    @Test
    void aNameWithANewlineDoesNotBlockUndo() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan);
        coop.mac.createFileAs(AGENT, WS + "/two\nlines", "x\n", 002);

        UndoReport undo = coop.backend.undo(AGENT);

        assertTrue(undo.succeeded(), undo::toString);
        assertEquals(List.of(), before.diff(coop.mac.snapshot()).stream().filter(l -> !l.startsWith(WS + "/")).toList());
    }

    // ------------------------------------------------------------------------------------------
    // fidelity of the fake: APFS is normalization- and (by default) case-insensitive

}
