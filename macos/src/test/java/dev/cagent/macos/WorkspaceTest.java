package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.testkit.Access;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.cagent.macos.CoopFixture.AGENT;
import static dev.cagent.macos.CoopFixture.GROUP;
import static dev.cagent.macos.CoopFixture.HUMAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared workspace on an existing project of the human's: the tree is shared with the group
 * (alice keeps her files; the workspace directory itself becomes the agent's) without following
 * its symbolic links out of it, new files stay shared whatever the creator's umask, a second apply
 * only reads, and undo puts every owner, mode and ACL back.
 */
class WorkspaceTest {

    static final String WS = "/Users/Shared/project";

    /** What the directory entry and the file entry look like on a directory, as ls -le prints them. */
    static final String DIRECTORY_ENTRY = "group:collabo allow list,add_file,search,delete,add_subdirectory,delete_child,"
            + "readattr,writeattr,readextattr,writeextattr,readsecurity,directory_inherit";
    static final String FILE_ENTRY = "group:collabo allow list,add_file,delete,add_subdirectory,"
            + "readattr,writeattr,readextattr,writeextattr,readsecurity,file_inherit,directory_inherit,only_inherit";
    /** The file entry as a new file inherits it: no execute, no inheritance flags. */
    static final String INHERITED_ON_FILE = "group:collabo inherited allow read,write,delete,append,readattr,writeattr,readextattr,writeextattr,readsecurity";

    final CoopFixture coop = new CoopFixture();
    final CagePlan plan = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).workspace(WS).build();

    /** Old mode of each entry of the project (directories end with '/'). */
    static final Map<String, Integer> PROJECT = new TreeMap<>(Map.ofEntries(
            Map.entry("/", 0755),
            Map.entry("/README.md", 0644),
            Map.entry("/build.sh", 0755),
            Map.entry("/.env", 0600),
            Map.entry("/tools/", 0755),
            Map.entry("/tools/deploy", 0700),
            Map.entry("/tools/odd", 02770),
            Map.entry("/tools/suid", 04755),
            Map.entry("/tools/shared/", 02770),
            Map.entry("/tools/nested/", 0755),
            Map.entry("/tools/nested/deep/", 0750),
            Map.entry("/tools/nested/deep/data.csv", 0644)));

    @BeforeEach
    void anExistingProjectOfAlices() {
        anExistingProjectOfAlices(coop.mac);
    }

    /** {@link #PROJECT} as alice's (group staff) at {@link #WS}, with three symbolic links out of it. */
    static void anExistingProjectOfAlices(FakeMac mac) {
        PROJECT.forEach((name, mode) -> {
            String path = path(name);
            if (name.endsWith("/")) {
                mac.mkdir(path, HUMAN, "staff", mode);
            } else {
                mac.writeFile(path, HUMAN, "staff", mode, "content of " + name + "\n");
            }
        });
        mac.symlink(WS + "/ssh", "/Users/alice/.ssh");
        mac.symlink(WS + "/tools/nested/key", "/Users/alice/.ssh/id_ed25519");
        mac.symlink(WS + "/notes", "../../alice/.zshrc");
    }

    /** The path of a {@link #PROJECT} name. */
    static String path(String name) {
        return name.equals("/") ? WS : WS + name.replaceAll("/$", "");
    }

    @Test
    void bothAreExplicitMembersOfTheGroupAsCheckmemberSees() {
        coop.apply(plan);
        for (String user : List.of(HUMAN, AGENT)) {
            CommandResult check = coop.mac.run(Command.read("/usr/sbin/dseditgroup", "-o", "checkmember", "-m", user, GROUP));
            assertEquals(0, check.exitCode(), check.stderr());
            assertEquals("yes " + user + " is a member of " + GROUP + "\n", check.stdout());
        }
        assertEquals(List.of("600"), coop.mac.record("/Groups/" + GROUP).get("PrimaryGroupID"), "the first free GID of 600-699");
    }

    @Test
    void aChosenGidIsUsed() {
        coop.apply(plan.toBuilder().collaborationGroupId(642).build());
        assertEquals(List.of("642"), coop.mac.record("/Groups/" + GROUP).get("PrimaryGroupID"));
        assertTrue(coop.mac.isMember(AGENT, GROUP) && coop.mac.isMember(HUMAN, GROUP));
    }

    @Test
    void alicesFilesStayHersWithTheGroupDirectories2770PlainFiles0660AndExecutables0770() {
        coop.apply(plan);

        Map<String, String> found = new TreeMap<>();
        PROJECT.keySet().forEach(name -> {
            FileInfo info = coop.mac.fileInfo(path(name)).orElseThrow();
            found.put(name, info.owner() + ":" + info.group() + " " + info.octalMode() + " " + info.acl());
        });
        String entries = " " + List.of(FILE_ENTRY, DIRECTORY_ENTRY);
        String dir = "alice:collabo 2770" + entries;
        Map<String, String> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("/", "meeseeks:collabo 2770" + entries),
                Map.entry("/README.md", "alice:collabo 0660 []"),
                Map.entry("/build.sh", "alice:collabo 0770 []"),
                Map.entry("/.env", "alice:collabo 0660 []"),
                Map.entry("/tools/", dir),
                Map.entry("/tools/deploy", "alice:collabo 0770 []"),
                Map.entry("/tools/odd", "alice:staff 2770 []"),
                Map.entry("/tools/suid", "alice:staff 4755 []"),
                Map.entry("/tools/shared/", "alice:collabo 0770" + entries),
                Map.entry("/tools/nested/", dir),
                Map.entry("/tools/nested/deep/", dir),
                Map.entry("/tools/nested/deep/data.csv", "alice:collabo 0660 []")));
        assertEquals(expected, found, "only the workspace directory itself becomes the agent's; /tools/shared loses setgid to the change"
                + " of group, and its 0770 lets the group in all the same, so it is not set again; setuid and setgid files are left as they are");
    }

    @Test
    void symbolicLinksAndWhatTheyPointToAreLeftAlone() {
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan);
        MacSnapshot after = coop.mac.snapshot();
        for (String path : List.of("/Users/alice/.ssh", "/Users/alice/.ssh/id_ed25519", "/Users/alice/.zshrc",
                WS + "/ssh", WS + "/notes", WS + "/tools/nested/key")) {
            assertEquals(before.files().get(path), after.files().get(path), path);
        }
        assertEquals(FileInfo.Type.SYMLINK, coop.mac.fileInfo(WS + "/ssh").orElseThrow().type());
        assertTrue(coop.mac.canAccess(HUMAN, "/Users/alice/.ssh", Access.READ), "alice still reads her own .ssh");
        assertFalse(coop.mac.canAccess(AGENT, "/Users/alice/.ssh/id_ed25519", Access.READ), "the link does not open alice's key to the agent");
    }

    @Test
    void theApplyThatCreatesTheAgentChangesTheTreeInBatchesAndLaterAppliesInsideEachDirectory() {
        int mark = coop.mac.recorded().size();
        coop.apply(plan);
        String single = " -mindepth 1 '!' -type l '!' -path '*\n*' '(' -type d -o -links 1 '!' -perm -4000 '!' -perm -2000 ')'";
        String find = "/usr/bin/sudo -n -- /usr/bin/find -x " + WS + single;
        String executable = " '(' -perm -0100 -o -perm -0010 -o -perm -0001 ')'";
        assertEquals(List.of(
                "/usr/bin/sudo -n -- /usr/sbin/chown -h meeseeks:collabo " + WS,
                find + " '!' -group collabo -exec /usr/sbin/chown -h :collabo '{}' +",
                "/usr/bin/sudo -n -- /bin/chmod -h +a '" + DIRECTORY_ENTRY + "' " + WS,
                "/usr/bin/sudo -n -- /bin/chmod -h +a '" + FILE_ENTRY + "' " + WS,
                find + clause("-type d '!' -perm -0070", "-exec /bin/chmod -h 2770")
                        + clause("-type f '!' -perm -0060 '!' '(' " + executable.trim() + " ')'", "-exec /bin/chmod -h 0660")
                        + clause("-type f '!' -perm -0060" + executable, "-exec /bin/chmod -h 0770")
                        + clause("-type d", "-exec /bin/chmod -h +a '" + DIRECTORY_ENTRY + "'")
                        + clause("-type d", "-exec /bin/chmod -h +a '" + FILE_ENTRY + "'")),
                rootWrites(coop.writesSince(mark)), "tests alone pick the entries, modes and entries in one walk; the workspace directory itself"
                        + " is named by its path (the agent sets its mode)");

        coop.mac.writeFile(WS + "/tools/by-root.txt", "root", "wheel", 0644, "made with sudo\n");
        coop.mac.writeFile(WS + "/tools/moved.txt", HUMAN, "staff", 0644, "moved in from elsewhere, with its group\n");
        mark = coop.mac.recorded().size();
        coop.apply(plan);
        assertEquals(List.of(
                "/usr/bin/sudo -n -- /usr/bin/find -x " + WS + single + " '!' -user meeseeks '!' -user alice -execdir /usr/sbin/chown -h meeseeks:collabo '{}' +",
                "/usr/bin/sudo -n -- /usr/bin/find -x " + WS + single + " '!' -group collabo -execdir /usr/sbin/chown -h :collabo '{}' +",
                find + " -type f '!' -perm -0060 '!' '(' " + executable.trim() + " ')' -execdir /bin/chmod -h 0660 '{}' +"),
                rootWrites(coop.writesSince(mark)));
        assertEquals("meeseeks:collabo 0660", describe(WS + "/tools/by-root.txt"));
        assertEquals("alice:collabo 0660", describe(WS + "/tools/moved.txt"));
    }

    /** One action of a find that walks once for several: true for every entry, running {@code action} on those {@code picks} picks. */
    static String clause(String picks, String action) {
        return " '(' '!' '(' " + picks + " ')' -o " + action + " '{}' + ')'";
    }

    /** The writes among {@code writes} that name the workspace or a path in it and run with root's rights, as shell lines. */
    static List<String> rootWrites(List<RecordedCommand> writes) {
        return writes.stream().filter(WorkspaceTest::touchesTheWorkspace).filter(c -> runsAs(c).equals("root")).map(RecordedCommand::toString).toList();
    }

    /** True when an argument names the workspace or a path in it. */
    static boolean touchesTheWorkspace(RecordedCommand command) {
        return command.argv().stream().anyMatch(a -> a.equals(WS) || a.startsWith(WS + "/"));
    }

    /** Whose rights a recorded command ran with: sudo's target ({@code -u USER}, else root), or the caller's. */
    static String runsAs(RecordedCommand command) {
        List<String> argv = command.argv();
        if (!argv.get(0).equals("/usr/bin/sudo")) {
            return command.caller();
        }
        int user = argv.indexOf("-u");
        return user >= 0 && user < argv.indexOf("--") ? argv.get(user + 1) : "root";
    }

    /** The command a recorded command ran, without its sudo prefix. */
    static List<String> unwrapped(RecordedCommand command) {
        List<String> argv = command.argv();
        return argv.get(0).equals("/usr/bin/sudo") ? argv.subList(argv.indexOf("--") + 1, argv.size()) : argv;
    }

    @Test
    void aSecondApplyOnlyReadsAndVerifyFindsNoDrift() {
        coop.apply(plan);
        coop.reapplyOnlyReads(plan);
        assertEquals(List.of(), coop.backend.verify(plan).drifts());
    }

    @Test
    void undoRestoresEveryOwnerModeAndAclAndTheWholeMachine() {
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan);
        coop.undo();
        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    @Test
    void undoKeepsAclEntriesTheDirectoriesHadBefore() {
        coop.mac.addAce(WS + "/tools", "group:staff allow list,search,directory_inherit");
        coop.mac.addAce(WS + "/tools/nested", "user:alice deny delete");
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan);
        assertEquals(3, coop.mac.fileInfo(WS + "/tools").orElseThrow().acl().size());
        coop.undo();
        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    @Test
    void undoRemovesOnlyCagentsEntriesWhereTheGroupHadOneOfItsOwn() {
        coop.mac.addGroup(GROUP, 650, HUMAN);
        coop.mac.addAce(WS + "/tools", "group:collabo allow list");
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan.toBuilder().collaborationGroupId(650).build());
        assertEquals(List.of(FILE_ENTRY, DIRECTORY_ENTRY, "group:collabo allow list"), coop.mac.fileInfo(WS + "/tools").orElseThrow().acl());
        coop.undo();
        assertEquals(List.of(), before.diff(coop.mac.snapshot()), "chmod -a by text would have stripped list from the group's own entry");
    }

    @Test
    void undoRestoresTheTreeThroughRootsFindsByTestWhereATestPicksExactlyTheEntriesAndByPathElsewhere() {
        coop.apply(plan);
        int mark = coop.mac.recorded().size();
        coop.undo();
        List<String> treeWrites = coop.writesSince(mark).stream().map(RecordedCommand::toString).filter(c -> c.contains(WS)).toList();
        String find = "/usr/bin/sudo -n -- /usr/bin/find -x " + WS + " -mindepth 1 '!' -type l '!' -path '*\n*' '(' -type d -o -links 1 '!' -perm -4000 '!' -perm -2000 ')'";
        String byPath = "/usr/bin/sudo -n -- ";
        assertEquals(List.of(
                byPath + "/bin/chmod -h '-a#' 1 " + WS,
                find + " -type d -execdir /bin/chmod -h '-a#' 1 '{}' +",
                byPath + "/bin/chmod -h '-a#' 0 " + WS,
                find + " -type d -execdir /bin/chmod -h '-a#' 0 '{}' +",
                byPath + "/usr/sbin/chown -h alice:staff " + WS,
                find + " -execdir /usr/sbin/chown -h alice:staff '{}' +",
                byPath + "/bin/chmod -h 0755 " + WS,
                find + clause("'(' -path " + WS + "/build.sh -o -path " + WS + "/tools -o -path " + WS + "/tools/nested ')'",
                        "-execdir /bin/chmod -h 0755")
                        + clause("-type f '(' -path " + WS + "/.env ')'", "-execdir /bin/chmod -h 0600")
                        + clause("-type f '(' -path " + WS + "/README.md -o -path " + WS + "/tools/nested/deep/data.csv ')'", "-execdir /bin/chmod -h 0644")
                        + clause("-type f '(' -path " + WS + "/tools/deploy ')'", "-execdir /bin/chmod -h 0700")
                        + clause("-type d '(' -path " + WS + "/tools/nested/deep ')'", "-execdir /bin/chmod -h 0750")
                        + clause("-type d '(' -path " + WS + "/tools/shared ')'", "-execdir /bin/chmod -h 2770")),
                treeWrites, "each entry loses its highest index first; the workspace directory by its path, the rest by finds that never pick it;"
                        + " every entry apply may change was alice's, so one test gives them all back;"
                        + " owners before modes, since a chown clears setgid (tools/shared's 2770); the modes in one walk");
    }

    @Test
    void aHardLinkTheAgentPlantsToAFileOutsideIsNeverHandedToIt() {
        coop.apply(plan);
        MacSnapshot sudoers = coop.mac.snapshot();
        coop.mac.hardLink(WS + "/tools/innocent.txt", "/private/etc/sudoers");
        coop.mac.writeFile(WS + "/tools/moved.txt", HUMAN, "staff", 0644, "moved in from elsewhere, with its group\n");
        coop.apply(plan);
        assertEquals(sudoers.files().get("/private/etc/sudoers"), coop.mac.snapshot().files().get("/private/etc/sudoers"));
        assertEquals("alice:collabo 0660", describe(WS + "/tools/moved.txt"), "the rest of the tree is handled");
        coop.reapplyOnlyReads(plan);
    }

    @Test
    void aFileWithAnotherNameOutsideTheTreeIsLeftAloneAndUndoDoesNotTouchWhatTookAJournaledName() {
        coop.mac.hardLink(WS + "/tools/notes.txt", "/Users/alice/.zshrc");
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan);
        assertEquals(before.files().get("/Users/alice/.zshrc"), coop.mac.snapshot().files().get("/Users/alice/.zshrc"));
        coop.mac.as("root").run(Command.write("/bin/rm", "-f", WS + "/README.md"));
        coop.mac.hardLink(WS + "/README.md", "/private/etc/sudoers");
        MacSnapshot planted = coop.mac.snapshot();
        coop.undo();
        assertEquals(planted.files().get("/private/etc/sudoers"), coop.mac.snapshot().files().get("/private/etc/sudoers"),
                "undo would have given it to alice with mode 0644");
    }

    @Test
    void filesEitherCreatesWithUmask022AreEditableByTheOtherAndNeverExecutable() {
        coop.apply(plan);
        coop.mac.mkdirAs(HUMAN, WS + "/by-alice", 022);
        coop.mac.mkdirAs(AGENT, WS + "/by-agent", 022);
        for (String dir : List.of(WS, WS + "/tools/nested/deep", WS + "/by-alice", WS + "/by-agent")) {
            String fromAgent = dir + "/agent.txt";
            String fromAlice = dir + "/alice.txt";
            coop.mac.createFileAs(AGENT, fromAgent, "agent\n", 022);
            coop.mac.createFileAs(HUMAN, fromAlice, "alice\n", 022);
            coop.mac.writeFileAs(HUMAN, fromAgent, "alice edited\n");
            coop.mac.writeFileAs(AGENT, fromAlice, "agent edited\n");
            assertEquals("alice edited\n", coop.mac.readFile(fromAgent));
            assertEquals("agent edited\n", coop.mac.readFile(fromAlice));
            for (String file : List.of(fromAgent, fromAlice)) {
                FileInfo info = coop.mac.fileInfo(file).orElseThrow();
                assertEquals(0644, info.mode(), file);
                assertEquals(GROUP, info.group(), file);
                assertEquals(List.of(INHERITED_ON_FILE), info.acl(), file);
                for (String user : List.of(HUMAN, AGENT)) {
                    assertFalse(coop.mac.canAccess(user, file, Access.EXECUTE), user + " may execute " + file);
                }
            }
        }
    }

    @Test
    void theEntryPairCarriesDownAChainOfNewDirectoriesThreeLevelsDeepWhateverTheUmask() {
        coop.apply(plan);
        coop.mac.mkdirAs(HUMAN, WS + "/a", 077);
        coop.mac.mkdirAs(AGENT, WS + "/a/b", 077);
        coop.mac.mkdirAs(HUMAN, WS + "/a/b/c", 077);
        String inheritedDirectoryEntry = DIRECTORY_ENTRY.replace("group:collabo allow", "group:collabo inherited allow");
        String inheritedFileEntry = FILE_ENTRY.replace("group:collabo allow", "group:collabo inherited allow").replace(",only_inherit", "");
        for (String dir : List.of(WS + "/a", WS + "/a/b", WS + "/a/b/c")) {
            FileInfo info = coop.mac.fileInfo(dir).orElseThrow();
            assertEquals(0700, info.mode(), dir);
            assertEquals(List.of(inheritedFileEntry, inheritedDirectoryEntry), info.acl(), dir);
        }
        coop.mac.createFileAs(AGENT, WS + "/a/b/c/by-agent.txt", "agent\n", 077);
        coop.mac.createFileAs(HUMAN, WS + "/a/b/c/by-alice.txt", "alice\n", 077);
        assertTrue(coop.mac.canAccess(HUMAN, WS + "/a/b/c/by-agent.txt", Access.WRITE));
        assertTrue(coop.mac.canAccess(AGENT, WS + "/a/b/c/by-alice.txt", Access.WRITE));
        assertEquals(List.of(INHERITED_ON_FILE), coop.mac.fileInfo(WS + "/a/b/c/by-alice.txt").orElseThrow().acl());
        assertFalse(coop.mac.canAccess(AGENT, WS + "/a/b/c/by-alice.txt", Access.EXECUTE));
    }

    @Test
    void anApplyAfterUnsharedEntriesArrivedConvergesInOneGo() {
        coop.apply(plan);
        coop.mac.mkdir(WS + "/moved", HUMAN, "staff", 0755);
        coop.mac.mkdir(WS + "/moved/sub", HUMAN, "staff", 0700);
        coop.mac.writeFile(WS + "/moved/sub/script.sh", HUMAN, "staff", 0755, "#!/bin/sh\n");
        coop.mac.writeFile(WS + "/moved/notes.md", HUMAN, "staff", 0644, "n\n");
        coop.mac.writeFile(WS + "/tools/by-root.txt", "root", "wheel", 0600, "made with sudo\n");
        coop.apply(plan);
        String entries = " " + List.of(FILE_ENTRY, DIRECTORY_ENTRY);
        assertEquals("alice:collabo 2770" + entries, describe(WS + "/moved") + " " + coop.mac.fileInfo(WS + "/moved").orElseThrow().acl());
        assertEquals("alice:collabo 2770" + entries, describe(WS + "/moved/sub") + " " + coop.mac.fileInfo(WS + "/moved/sub").orElseThrow().acl());
        assertEquals("alice:collabo 0770", describe(WS + "/moved/sub/script.sh"));
        assertEquals("alice:collabo 0660", describe(WS + "/moved/notes.md"));
        assertEquals("meeseeks:collabo 0660", describe(WS + "/tools/by-root.txt"));
        coop.reapplyOnlyReads(plan);
    }

    @Test
    void undoAfterNewFilesRestoresWhatExistedBeforeAndLeavesTheNewOnesWithoutTheGroupsEntries() {
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan);
        coop.mac.mkdirAs(AGENT, WS + "/tools/new", 022);
        coop.mac.createFileAs(HUMAN, WS + "/tools/new/new.txt", "new\n", 022);
        coop.undo();
        assertEquals(List.of(WS + "/tools/new: added (directory 600:600 0755)", WS + "/tools/new/new.txt: added (file 501:600 0644)"),
                before.diff(coop.mac.snapshot()), "the inherited entries would name the deleted group by its bare UUID");
    }

    private String describe(String path) {
        FileInfo info = coop.mac.fileInfo(path).orElseThrow();
        return info.owner() + ":" + info.group() + " " + info.octalMode();
    }
}
