package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.exec.Stdin;
import dev.cagent.report.UndoReport;
import dev.cagent.testkit.Access;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.cagent.macos.CoopFixture.AGENT;
import static dev.cagent.macos.CoopFixture.GROUP;
import static dev.cagent.macos.CoopFixture.HUMAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workspace's finds ({@link TreeFinds}) against odd names, large trees, setuid bits, drift by
 * hand, and the agent rearranging the tree between cagent's read and its writes.
 */
class TreeFindsAttackTest {

    static final String WS = "/Users/Shared/project";

    final CoopFixture coop = new CoopFixture();
    final CagePlan plan = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).workspace(WS).build();

    // ------------------------------------------------------------------------------------------
    // helpers

    private void asAgent(String... argv) {
        CommandResult result = coop.mac.as(AGENT).run(Command.write(argv));
        assertEquals(0, result.exitCode(), () -> String.join(" ", argv) + " failed: " + result.stderr());
    }

    private void asAgentWriting(String path, String content) {
        CommandResult result = coop.mac.as(AGENT).run(Command.write("/usr/bin/tee", path).withStdin(Stdin.text(content)));
        assertEquals(0, result.exitCode(), () -> "tee " + path + " failed: " + result.stderr());
    }

    private String describe(String path) {
        FileInfo info = coop.mac.fileInfo(path).orElseThrow();
        return info.owner() + ":" + info.group() + " " + info.octalMode() + " " + info.acl();
    }

    private static boolean isWorkspaceWrite(Command command) {
        return command.isWrite() && command.argv().stream().anyMatch(word -> word.equals(WS) || word.startsWith(WS + "/"));
    }

    // ------------------------------------------------------------------------------------------
    // setuid and setgid files are left alone

    /**
     * alice's setuid program in the project (WorkspaceTest's /tools/suid): were it made the
     * group's to edit (a change of group clears setuid), the agent could rewrite it and undo would
     * put back alice:staff 4755, a setuid-alice program whose code the agent wrote. It is left alone.
     */
    @Test
    void undoDoesNotMakeAProgramTheAgentRewroteSetuidAgain() {
        WorkspaceTest.anExistingProjectOfAlices(coop.mac);
        coop.apply(plan);
        assertEquals("alice:staff 4755 []", describe(WS + "/tools/suid"));
        assertFalse(coop.mac.canAccess(AGENT, WS + "/tools/suid", Access.WRITE));

        coop.undo();

        FileInfo info = coop.mac.fileInfo(WS + "/tools/suid").orElseThrow();
        boolean setuidAliceWithAgentsCode = (info.mode() & 04000) != 0 && info.owner().equals(HUMAN)
                && coop.mac.readFile(WS + "/tools/suid").contains("the agent's code");
        assertFalse(setuidAliceWithAgentsCode, "undo made a program the agent wrote setuid alice: " + describe(WS + "/tools/suid"));
    }

    /** The agent puts its own file where alice's setuid program was; undo, which never recorded the program, leaves it the agent's. */
    @Test
    void undoDoesNotGiveAFileTheAgentPutInPlaceToTheOldOwnerWithSetuid() {
        WorkspaceTest.anExistingProjectOfAlices(coop.mac);
        coop.apply(plan);
        asAgent("/bin/mv", "-f", WS + "/tools/suid", WS + "/tools/suid.orig");
        coop.mac.createFileAs(AGENT, WS + "/tools/suid", "#!/bin/sh\n# the agent's own file\n", 022);

        coop.undo();

        FileInfo info = coop.mac.fileInfo(WS + "/tools/suid").orElseThrow();
        assertFalse(info.owner().equals(HUMAN) && (info.mode() & 04000) != 0,
                "undo turned the agent's own file, put at the old path, into a setuid-alice program: " + describe(WS + "/tools/suid"));
    }

    /**
     * The workspace holds one setuid-root program only, which apply leaves alone: a file the agent
     * makes between undo's read and its writes is picked by none of them.
     */
    @Test
    void aFileMadeBetweenUndosReadAndItsWritesIsNotGivenToRootSetuid() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.mac.writeFile(WS + "/tool", "root", "wheel", 04755, "#!/bin/sh\n# root's tool\n");
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan);
        assertEquals("root:wheel 4755 []", describe(WS + "/tool"), "a setuid program is left alone");

        UndoReport undo = coop.racing(TreeFindsAttackTest::isWorkspaceWrite,
                () -> coop.mac.createFileAs(AGENT, WS + "/evil", "#!/bin/sh\n# the agent's code\n", 022)).undo(AGENT);

        assertTrue(undo.succeeded(), undo::toString);
        assertEquals("root:wheel 4755 []", describe(WS + "/tool"), "root's tool is given back");
        FileInfo evil = coop.mac.fileInfo(WS + "/evil").orElseThrow();
        assertEquals("the agent's, no setuid", (evil.owner().equals("root") || evil.owner().equals(HUMAN) ? evil.owner() : "the agent's")
                        + ((evil.mode() & 06000) != 0 ? ", setuid/setgid " + evil.octalMode() : ", no setuid"),
                "undo's find picked a file it never decided on, made after its read (undo deleted the agent's account: ls shows its number)");
    }

    // ------------------------------------------------------------------------------------------
    // identity swaps between apply's read and its by-path writes

    /**
     * alice keeps the agent out of one file of hers with a user deny entry (cagent keeps such an
     * entry: only the group's deny entries go). She puts a deny entry of the group on another
     * file; apply plans {@code -a# 0} on that file by its path. Just before, the agent (which
     * owns the workspace directory) renames the two: the find's -path now picks alice's
     * protected file, and removes her deny entry.
     */
    @Test
    @org.junit.jupiter.api.Disabled("a find picks by path what it cannot tell by test (deny entries): a file renamed to a decided path between"
            + " the read and the write is taken for the decided one; needs each entry's identity (ls -i, find -inum) in the listing and the picks")
    void aRenameBeforeTheDenyRemovalDoesNotStripAnotherFilesDenyEntry() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.apply(plan);
        coop.mac.createFileAs(HUMAN, WS + "/notes.md", "notes\n", 022);
        coop.mac.as(HUMAN).run(Command.write("/bin/chmod", "+a", "group:collabo deny write", WS + "/notes.md"));
        coop.mac.createFileAs(HUMAN, WS + "/secret.md", "alice's, not for the agent\n", 022);
        coop.mac.as(HUMAN).run(Command.write("/bin/chmod", "+a", "user:meeseeks deny write,append", WS + "/secret.md"));
        assertFalse(coop.mac.canAccess(AGENT, WS + "/secret.md", Access.WRITE));
        String secretAcl = describe(WS + "/secret.md");

        coop.racing(c -> isWorkspaceWrite(c) && c.argv().contains("-a#"), () -> {
            asAgent("/bin/mv", "-f", WS + "/notes.md", WS + "/notes.old");
            asAgent("/bin/mv", "-f", WS + "/secret.md", WS + "/notes.md");
        }).apply(plan);

        assertEquals(secretAcl, describe(WS + "/notes.md"), "apply's -a# 0 by path hit alice's protected file, renamed to the decided path");
        assertFalse(coop.mac.canAccess(AGENT, WS + "/notes.md", Access.WRITE), "the agent may now write alice's protected file");
    }

    // ------------------------------------------------------------------------------------------
    // names with glob characters and other oddities

    static final List<String> ODD = List.of("a*", "a*b", "a?", "ab", "[x]", "x", "a]b", "back\\slash", "back", "-R", "-h", " lead",
            "sp ace", "quo\"te'", "ünïcödé", "e\u0301", "*", "?", "\\", "a\\*b", "a\\b", "[", "[!x]", "{a,b}", "~", "$HOME",
            "--", "-", ".hidden", "..x");

    /**
     * Odd names, in a directory that also has odd names: half need a chmod (mode 0600), half do not
     * (0644 with an allow entry for the group). Returns the names that need it.
     */
    private List<String> oddTree(String dir, Predicate<Integer> needs) {
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < ODD.size(); i++) {
            String path = dir + "/" + ODD.get(i);
            if (needs.test(i)) {
                coop.mac.writeFile(path, HUMAN, GROUP, 0600, "needs " + i + "\n");
                chosen.add(path);
            } else {
                coop.mac.writeFile(path, HUMAN, GROUP, 0644, "fine " + i + "\n");
                coop.mac.addAce(path, "group:collabo allow read,write");
                coop.mac.addAce(path, "user:alice allow readattr");
            }
        }
        return chosen;
    }

    private static final List<String> DENIED = List.of(WS + "/a*", WS + "/[x]", WS + "/d*[?]\\/\\", WS + "/d/?");

    private void oddNames(Predicate<Integer> needs) {
        coop.mac.addGroup(GROUP, 650, HUMAN);
        CagePlan withGroup = plan.toBuilder().collaborationGroupId(650).build();
        coop.mac.mkdir(WS, HUMAN, GROUP, 02770);
        coop.mac.mkdir(WS + "/d*[?]\\", HUMAN, GROUP, 02770);
        coop.mac.mkdir(WS + "/d", HUMAN, GROUP, 02770);
        List<String> chosen = new ArrayList<>(oddTree(WS, needs));
        chosen.addAll(oddTree(WS + "/d*[?]\\", needs));
        chosen.addAll(oddTree(WS + "/d", needs.negate()));
        DENIED.forEach(p -> coop.mac.addAce(p, "group:collabo deny write"));
        MacSnapshot before = coop.mac.snapshot();
        List<String> all = new ArrayList<>();
        for (String dir : List.of(WS, WS + "/d*[?]\\", WS + "/d")) {
            ODD.forEach(name -> all.add(dir + "/" + name));
        }

        // first apply: the agent does not exist yet, full paths with -exec
        coop.apply(withGroup);
        exactly(chosen, all, before);

        // drift by root, second apply: -execdir on each bare name
        MacSnapshot drifted = coop.mac.snapshot();
        for (String p : chosen) {
            assertTrue(coop.mac.as("root").run(Command.write("/bin/chmod", "-h", "0600", p)).succeeded(), p);
        }
        DENIED.forEach(p -> coop.mac.addAce(p, "group:collabo deny write"));
        MacSnapshot redrifted = coop.mac.snapshot();
        coop.apply(withGroup);
        exactly(chosen, all, redrifted);
        assertEquals(List.of(), drifted.diff(coop.mac.snapshot()).stream().filter(l -> !l.startsWith("/private/var/db/cagent/")).toList(),
                "the second apply puts back what the first made, nothing else (its record keeps what it changed)");
        coop.reapplyOnlyReads(withGroup);
        assertTrue(coop.backend.verify(withGroup).isClean());

        coop.undo();
        List<String> diff = before.diff(coop.mac.snapshot()).stream().filter(l -> l.startsWith(WS + "/")).toList();
        assertEquals(List.of(), diff, "undo");
    }

    /** The chosen files now 0660 and without the group deny entry; every other odd file as it was. */
    private void exactly(List<String> chosen, List<String> all, MacSnapshot was) {
        for (String p : all) {
            FileInfo now = coop.mac.fileInfo(p).orElseThrow();
            MacSnapshot.Entry then = was.files().get(p);
            assertFalse(now.acl().contains("group:collabo deny write"), "deny kept on " + p);
            if (chosen.contains(p)) {
                assertEquals("0660", now.octalMode(), "not chmodded: " + p);
            } else {
                assertEquals(then.mode(), now.mode(), "over-selected (mode): " + p);
                List<String> acl = new ArrayList<>(then.acl());
                acl.remove("group:collabo deny write");
                assertEquals(acl, now.acl(), "over-selected (acl): " + p);
            }
        }
    }

    @Test
    void oddNamesFewChosenAmongMany() {
        oddNames(i -> i % 4 == 0);
    }

    @Test
    void oddNamesManyChosenAmongFew() {
        oddNames(i -> i % 4 != 0);
    }

    /**
     * The workspace's own path holds glob characters: every pattern starts with it. A decoy
     * directory whose name the unescaped pattern would match sits next to it.
     */
    @Test
    void aWorkspacePathWithGlobCharacters() {
        workspacePath("/Users/Shared/p*[r]?o\\j");
    }

    @Test
    void aPlainWorkspacePathSameScenario() {
        workspacePath("/Users/Shared/plain");
    }

    private void workspacePath(String ws) {
        CagePlan odd = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).workspace(ws).build().toBuilder().collaborationGroupId(650).build();
        coop.mac.addGroup(GROUP, 650, HUMAN);
        coop.mac.mkdir("/Users/Shared/pXrYoZj", HUMAN, "staff", 0755);
        coop.mac.writeFile("/Users/Shared/pXrYoZj/f0", HUMAN, "staff", 0600, "decoy\n");
        coop.mac.mkdir(ws, HUMAN, "staff", 0755);
        for (int i = 0; i < 6; i++) {
            coop.mac.writeFile(ws + "/f" + i, HUMAN, GROUP, i < 4 ? 0600 : 0644, "x\n");
            if (i >= 4) {
                coop.mac.addAce(ws + "/f" + i, "group:collabo allow read,write");
            }
        }
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(odd);
        for (int i = 0; i < 6; i++) {
            coop.mac.writeFile(ws + "/g" + i, HUMAN, GROUP, i < 2 ? 0600 : 0644, "x\n");
            if (i >= 2) {
                coop.mac.addAce(ws + "/g" + i, "group:collabo allow read,write");
            }
        }
        coop.apply(odd);
        assertEquals("0660", coop.mac.fileInfo(ws + "/f0").orElseThrow().octalMode());
        assertEquals("0644", coop.mac.fileInfo(ws + "/f5").orElseThrow().octalMode());
        assertEquals("0660", coop.mac.fileInfo(ws + "/g1").orElseThrow().octalMode());
        assertEquals("0644", coop.mac.fileInfo(ws + "/g2").orElseThrow().octalMode());
        coop.reapplyOnlyReads(odd);
        for (int i = 0; i < 6; i++) {
            assertTrue(coop.mac.as("root").run(Command.write("/bin/rm", "-f", ws + "/g" + i)).succeeded());
        }
        coop.undo();
        assertEquals(List.of(), before.diff(coop.mac.snapshot()).stream().filter(l -> l.startsWith("/Users/Shared/")).toList());
    }

    // ------------------------------------------------------------------------------------------
    // a name with a trailing blank: no argument may end with one, so the pattern ends with [ ]

    /**
     * The agent makes a file whose name ends with a blank, plus two it shares by an allow entry:
     * the chmod find names it by path, with the blank in a bracket expression.
     */
    @Test
    void aNameEndingWithABlankDoesNotStopApply() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.apply(plan);
        coop.mac.writeFile(WS + "/x ", AGENT, GROUP, 0600, "x\n");
        for (String name : List.of("b", "c")) {
            coop.mac.writeFile(WS + "/" + name, AGENT, GROUP, 0644, "x\n");
            coop.mac.addAce(WS + "/" + name, "group:collabo allow read,write");
        }
        RuntimeException thrown = null;
        try {
            coop.backend.apply(plan);
        } catch (RuntimeException e) {
            thrown = e;
        }
        assertEquals(null, thrown == null ? null : thrown.toString(), "apply threw on a file name ending with a blank");
        assertEquals("0660", coop.mac.fileInfo(WS + "/x ").orElseThrow().octalMode());
    }

    /**
     * After apply, the agent makes one file whose name ends with a blank: undo gives the three
     * files made before back by leaving it out ({@code ! -path 'WS/x[ ]'}).
     */
    @Test
    void aNameEndingWithABlankDoesNotStopUndo() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        for (String name : List.of("a", "b", "c")) {
            coop.mac.writeFile(WS + "/" + name, HUMAN, "staff", 0664, "x\n");
        }
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan);
        coop.mac.createFileAs(AGENT, WS + "/x ", "the agent's\n", 002);
        RuntimeException thrown = null;
        try {
            coop.backend.undo(AGENT);
        } catch (RuntimeException e) {
            thrown = e;
        }
        assertEquals(null, thrown == null ? null : thrown.toString(), "undo threw on a file name ending with a blank");
        assertEquals(List.of(WS + "/x "), before.diff(coop.mac.snapshot()).stream().filter(l -> l.startsWith(WS + "/"))
                .map(l -> l.substring(0, l.indexOf(": "))).toList());
    }

    // ------------------------------------------------------------------------------------------
    // the second apply's journal entry

    /**
     * After the first apply root drops a file in with sudo; the next apply gives it to the agent
     * (meeseeks:collabo 0660) and must record that; undo gives it back to root.
     */
    @Test
    void undoGivesBackWhatASecondApplyChanged() {
        WorkspaceTest.anExistingProjectOfAlices(coop.mac);
        coop.apply(plan);
        coop.mac.writeFile(WS + "/tools/sudo-made.txt", "root", "wheel", 0600, "made with sudo\n");
        coop.apply(plan);
        assertEquals("meeseeks:collabo 0660 []", describe(WS + "/tools/sudo-made.txt"));

        coop.undo();

        assertEquals("root:wheel 0600 []", describe(WS + "/tools/sudo-made.txt"),
                "undo gives back what the second apply changed as well: its record of the tree is kept beside the first's");
    }

    // ------------------------------------------------------------------------------------------
    // large trees: both lists beyond one argv

    @Test
    void manyChosenAndManyOthersBeyondOneArgv() {
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.apply(plan);
        String deep = WS + "/" + "d".repeat(150);
        coop.mac.mkdirAs(HUMAN, deep, 002);
        List<String> chosen = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 1900; i++) {
            String p = deep + "/" + "f".repeat(100) + "-" + i;
            boolean needs = (i * 7919) % 19 < 10;
            coop.mac.writeFile(p, HUMAN, GROUP, needs ? 0600 : 0644, "x\n");
            if (needs) {
                chosen.add(p);
            } else {
                coop.mac.addAce(p, "group:collabo allow read,write");
                others.add(p);
            }
        }
        int mark = coop.mac.recorded().size();
        coop.apply(plan);
        long finds = coop.writesSince(mark).stream().filter(c -> c.argv().contains("/usr/bin/find")).count();
        assertTrue(finds > 1, "argv splits: " + finds);
        for (String p : chosen) {
            assertEquals("0660", coop.mac.fileInfo(p).orElseThrow().octalMode(), p);
        }
        for (String p : others) {
            assertEquals("0644", coop.mac.fileInfo(p).orElseThrow().octalMode(), p);
        }
        coop.reapplyOnlyReads(plan);
    }

    // ------------------------------------------------------------------------------------------
    // apply, drift by hand, apply, undo

    /**
     * The group's deny entry goes at apply; alice puts the same entry back by hand (the probe does
     * not list her 0664 file, so the next apply leaves it); undo finds it there and does not add
     * the recorded one a second time.
     */
    @Test
    void aDenyEntryPutBackByHandIsNotDuplicatedByUndo() {
        coop.mac.addGroup(GROUP, 650, HUMAN);
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.mac.writeFile(WS + "/plan.md", HUMAN, "staff", 0664, "the plan\n");
        coop.mac.addAce(WS + "/plan.md", "group:collabo deny write");
        MacSnapshot before = coop.mac.snapshot();
        CagePlan withGroup = plan.toBuilder().collaborationGroupId(650).build();
        coop.apply(withGroup);
        coop.mac.as(HUMAN).run(Command.write("/bin/chmod", "+a", "group:collabo deny write", WS + "/plan.md"));
        coop.reapplyOnlyReads(withGroup);

        coop.undo();

        assertEquals(List.of(), before.diff(coop.mac.snapshot()), "undo after drift");
    }

    /** apply, alice narrows modes and groups by hand, root drops files in, apply, undo: as before. */
    @Test
    void driftOfModesOwnersAndSetidThenUndo() {
        coop.mac.addGroup(GROUP, 650, HUMAN);
        WorkspaceTest.anExistingProjectOfAlices(coop.mac);
        MacSnapshot before = coop.mac.snapshot();
        CagePlan withGroup = plan.toBuilder().collaborationGroupId(650).build();
        coop.apply(withGroup);
        coop.mac.as(HUMAN).run(Command.write("/bin/chmod", "-h", "2755", WS + "/tools/shared"));
        coop.mac.as(HUMAN).run(Command.write("/usr/sbin/chown", "-h", ":staff", WS + "/tools/shared", WS + "/README.md"));
        coop.mac.as(HUMAN).run(Command.write("/bin/chmod", "-h", "4700", WS + "/tools/suid"));
        coop.mac.as(HUMAN).run(Command.write("/bin/chmod", "-h", "0700", WS + "/tools/nested"));
        coop.apply(withGroup);
        coop.reapplyOnlyReads(withGroup);

        coop.undo();

        assertEquals(List.of(WS + "/tools/suid: mode 4755 -> 4700"), before.diff(coop.mac.snapshot()),
                "undo after drift: all but alice's own change to her setuid program, which cagent never touched");
    }

    // ------------------------------------------------------------------------------------------
    // races with directories swapped for links during undo, at every write

    @Test
    void aDirectorySwappedForALinkBeforeEachOfUndosWritesChangesNothingOutside() {
        for (int nth = 0; nth < 8; nth++) {
            TreeFindsAttackTest fresh = new TreeFindsAttackTest();
            fresh.swapBeforeUndoWrite(nth);
        }
    }

    @Test
    void aDirectorySwappedForALinkBeforeEachOfASecondApplysWritesChangesNothingOutside() {
        for (int nth = 0; nth < 8; nth++) {
            TreeFindsAttackTest fresh = new TreeFindsAttackTest();
            fresh.swapBeforeApplyWrite(nth);
        }
    }

    private void swapBeforeApplyWrite(int nth) {
        coop.mac.writeFile("/Users/alice/.ssh/config", HUMAN, "staff", 0600, "Host *\n");
        coop.mac.writeFile("/Users/alice/.ssh/notes", HUMAN, "staff", 0644, "x\n");
        coop.mac.mkdir(WS, HUMAN, "staff", 0755);
        coop.apply(plan);
        coop.mac.mkdirAs(AGENT, WS + "/sub", 077);
        coop.mac.writeFile(WS + "/sub/config", "root", "wheel", 0600, "made with sudo\n");
        coop.mac.writeFile(WS + "/sub/notes", HUMAN, "staff", 0644, "alice's\n");
        coop.mac.addAce(WS + "/sub/notes", "group:collabo deny write");
        coop.mac.mkdir(WS + "/sub/inner", HUMAN, "staff", 0700);
        coop.mac.writeFile(WS + "/sub/inner/x", HUMAN, "staff", 0600, "alice's\n");
        coop.mac.writeFile(WS + "/sub/inner/y", HUMAN, "staff", 0644, "alice's\n");
        coop.mac.addAce(WS + "/sub/inner/y", "group:collabo allow read,write");
        coop.mac.writeFile(WS + "/sub/inner/z", HUMAN, "staff", 0644, "alice's\n");
        coop.mac.addAce(WS + "/sub/inner/z", "group:collabo allow read,write");
        MacSnapshot stock = coop.mac.snapshot();
        int[] seen = {0};
        coop.racing(c -> isWorkspaceWrite(c) && seen[0]++ == nth, () -> {
            if (coop.mac.as(AGENT).run(Command.write("/bin/mv", "-f", WS + "/sub", WS + "/moved")).succeeded()) {
                coop.mac.symlink(WS + "/sub", "/Users/alice/.ssh");
            }
        }).apply(plan);
        List<String> outside = stock.diff(coop.mac.snapshot()).stream().filter(l -> !l.startsWith(WS + "/") && !l.startsWith("/private/var/db/cagent/")).toList();
        assertEquals(List.of(), outside, "swap before apply write " + nth);
    }

    private void swapBeforeUndoWrite(int nth) {
        coop.mac.writeFile("/Users/alice/.ssh/config", HUMAN, "staff", 0600, "Host *\n");
        WorkspaceTest.anExistingProjectOfAlices(coop.mac);
        coop.mac.mkdir(WS + "/sub", "root", "wheel", 0755);
        coop.mac.writeFile(WS + "/sub/config", "root", "wheel", 0600, "made with sudo\n");
        coop.mac.writeFile(WS + "/sub/tool", HUMAN, "staff", 04755, "alice's\n");
        MacSnapshot stock = coop.mac.snapshot();
        coop.apply(plan);
        int[] seen = {0};
        coop.racing(c -> isWorkspaceWrite(c) && seen[0]++ == nth, () -> {
            // once WS is alice's again the agent can no longer rename in it
            if (coop.mac.as(AGENT).run(Command.write("/bin/mv", "-f", WS + "/sub", WS + "/moved")).succeeded()) {
                coop.mac.symlink(WS + "/sub", "/Users/alice/.ssh");
            }
        }).undo(AGENT);
        List<String> outside = stock.diff(coop.mac.snapshot()).stream()
                .filter(l -> l.startsWith("/Users/alice/") || l.startsWith("/private/")).toList();
        assertEquals(List.of(), outside, "swap before undo write " + nth);
    }
}
