package dev.cagent.testkit;

import dev.cagent.exec.Command;
import dev.cagent.exec.CommandRunner;
import dev.cagent.exec.Stdin;
import org.junit.jupiter.api.Test;


import static dev.cagent.testkit.Shell.assertOk;
import static dev.cagent.testkit.Shell.assertResult;
import static dev.cagent.testkit.Shell.read;
import static dev.cagent.testkit.Shell.sudo;
import static dev.cagent.testkit.Shell.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileCommandsTest {

    private final FakeMac mac = FakeMac.stock();

    // --- limits ----------------------------------------------------------------------------------

    @Test
    void namesLongerThan255UnitsAndPathsOf1024BytesAreTooLong() {
        CommandRunner root = mac.as("root");
        String longest = "/private/tmp/" + "n".repeat(255);
        assertOk(write(root, "/bin/mkdir", "-m", "0755", longest));
        assertResult(1, "", "mkdir: /private/tmp/" + "n".repeat(256) + ": File name too long\n",
                write(root, "/bin/mkdir", "-m", "0755", "/private/tmp/" + "n".repeat(256)));
        // 85 three-byte characters are 255 units: a name may have them
        assertOk(write(root, "/bin/mkdir", "-m", "0755", "/private/tmp/" + "語".repeat(85)));
        String deep = longest + "/" + "d".repeat(255) + "/" + "e".repeat(255);
        assertOk(write(root, "/bin/mkdir", "-p", "-m", "0755", deep));
        String file = deep + "/" + "f".repeat(1023 - deep.length() - 1);
        assertOk(write(root, "/usr/bin/tee", file));
        assertResult(1, "", "stat: " + file + "g: stat: File name too long\n", read(root, "/usr/bin/stat", "-f", "%N", file + "g"));
    }

    // --- ls --------------------------------------------------------------------------------------

    @Test
    void lsShowsSetuidSetgidAndStickyAsLowerOrUpperCase() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.mkdir("/private/tmp/w", "alice", "staff", 02770);
        root.writeFile("/private/tmp/x", "root", "wheel", 06644, "abc");
        root.mkdir("/private/tmp/t", "root", "admin", 01776);
        assertResult(0, """
                drwxrwxrwT  2 root   admin  64 Dec  3 16:27 /private/tmp/t
                drwxrws---  2 alice  staff  64 Dec  3 16:27 /private/tmp/w
                -rwSr-Sr--  1 root   wheel   3 Dec  3 16:27 /private/tmp/x
                """, "", read(root, "/bin/ls", "-led", "/private/tmp/x", "/private/tmp/w", "/private/tmp/t"));
    }

    @Test
    void lsDoesNotFollowALinkOperandAndReportsMissingOperandsButListsTheOthers() {
        mac.symlink("/Users/alice/link", "Documents/notes.txt");
        assertResult(1, """
                lrwxr-xr-x  1 alice  staff  19 Dec  3 16:27 /Users/alice/link -> Documents/notes.txt
                -rw-r--r--  1 alice  staff  23 Dec  3 16:27 /Users/alice/Documents/notes.txt
                """.lines().sorted((a, b) -> a.substring(47).compareTo(b.substring(47))).map(l -> l + "\n").reduce("", String::concat),
                "ls: /Users/alice/missing: No such file or directory\n",
                read(mac, "/bin/ls", "-led", "/Users/alice/link", "/Users/alice/missing", "/Users/alice/Documents/notes.txt"));
    }

    @Test
    void lsPrintsEveryAclEntryWithItsIndexAndTheUuidOfADeletedUser() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.addUser("meeseeks", 600, 20, "/Users/meeseeks");
        assertOk(write(root, "/bin/chmod", "+a", "meeseeks deny list,add_file,search", "/Users/alice"));
        String uuid = root.record("/Users/meeseeks").get("GeneratedUID").get(0);
        assertResult(0, """
                drwxr-x---@ 15 alice  staff  480 Dec  3 16:27 /Users/alice
                 0: user:meeseeks deny list,add_file,search
                 1: group:everyone deny delete
                """, "", read(root, "/bin/ls", "-led", "/Users/alice"));
        assertOk(write(root, "/usr/bin/dscl", ".", "-delete", "/Users/meeseeks"));
        assertResult(0, "drwxr-x---@ 15 alice  staff  480 Dec  3 16:27 /Users/alice\n 0: " + uuid
                        + " deny list,add_file,search\n 1: group:everyone deny delete\n", "",
                read(root, "/bin/ls", "-led", "/Users/alice"));
        assertResult(0, "drwxr-x---@ 15 alice  staff  480 Dec  3 16:27 /Users/alice\n", "", read(root, "/bin/ls", "-ld", "/Users/alice"));
    }

    @Test
    void lsNeedsSearchOnTheWay() {
        FakeMac mac = FakeMac.stock();
        mac.addGroup("meeseeks", 600);
        mac.addUser("meeseeks", 600, 600, "/Users/meeseeks");
        assertResult(1, "", "ls: /Users/alice/Documents: Permission denied\n",
                read(mac.as("meeseeks"), "/bin/ls", "-led", "/Users/alice/Documents"));
    }

    @Test
    void aPrimaryGroupOfStaffReachesWhatStaffMaySearch() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("meeseeks", 600, 20, "/Users/meeseeks");
        assertResult(0, "drwx------@ 3 alice  staff  96 Dec  3 16:27 /Users/alice/Documents\n", "",
                read(mac.as("meeseeks"), "/bin/ls", "-ld", "/Users/alice/Documents"));
    }

    @Test
    void lsOfADirectoryWithoutDashDFailsLoudly() {
        assertResult(127, "", "fake-mac: unsupported: /bin/ls -le /Users (listing a directory's contents is not modelled: pass -d)\n",
                read(mac, "/bin/ls", "-le", "/Users"));
        assertResult(127, "", "fake-mac: unsupported: /bin/ls -la /Users\n", read(mac, "/bin/ls", "-la", "/Users"));
    }

    // --- stat ------------------------------------------------------------------------------------

    @Test
    void statPrintsOneLinePerOperandWithoutFollowingLinks() {
        assertResult(1, """
                40750 501 20 alice staff /Users/alice
                120755 0 0 root wheel /etc
                100644 501 20 alice staff /Users/alice/.zshrc
                """, "stat: /nope: stat: No such file or directory\n",
                read(mac, "/usr/bin/stat", "-f", "%p %u %g %Su %Sg %N", "/Users/alice", "/etc", "/nope", "/Users/alice/.zshrc"));
        assertResult(0, "drwxrwxrwt 2 % 64\n", "", read(mac, "/usr/bin/stat", "-f", "%Sp %l %% %z", "/private/tmp"));
    }

    @Test
    void statPrintsNumbersForOwnersWithoutAccount() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.addUser("ghost", 777, 20, "/var/empty");
        root.writeFile("/private/tmp/f", "ghost", "staff", 0600, "");
        assertOk(write(root, "/usr/bin/dscl", ".", "-delete", "/Users/ghost"));
        assertResult(0, "777 staff\n", "", read(root, "/usr/bin/stat", "-f", "%Su %Sg", "/private/tmp/f"));
    }

    @Test
    void statFormatsItDoesNotKnowFailLoudly() {
        assertResult(127, "", "fake-mac: unsupported: /usr/bin/stat -f %m /etc (stat format %m is not modelled)\n",
                read(mac, "/usr/bin/stat", "-f", "%m", "/etc"));
    }

    // --- find ------------------------------------------------------------------------------------

    @Test
    void findListsTheTreeButNoLinksSortedAsLsSortsItsOperands() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.mkdir("/private/tmp/w", "alice", "staff", 0755);
        root.mkdir("/private/tmp/w/b", "alice", "staff", 0755);
        root.writeFile("/private/tmp/w/b/f", "alice", "staff", 0644, "hello\n");
        root.writeFile("/private/tmp/w/b c", "alice", "staff", 0644, "");
        root.symlink("/private/tmp/w/link", "/Users/alice");
        assertResult(0, """
                drwxr-xr-x  5 alice  staff  160 Dec  3 16:27 /private/tmp/w
                drwxr-xr-x  3 alice  staff   96 Dec  3 16:27 /private/tmp/w/b
                -rw-r--r--  1 alice  staff    0 Dec  3 16:27 /private/tmp/w/b c
                -rw-r--r--  1 alice  staff    6 Dec  3 16:27 /private/tmp/w/b/f
                """, "", read(root, "/usr/bin/find", "-x", "/private/tmp/w", "!", "-type", "l", "-exec", "/bin/ls", "-led", "{}", "+"));
    }

    @Test
    void findSelectsByPathPatternWithStarsQuestionMarksSetsAndEscapes() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.mkdir("/private/tmp/w", "alice", "staff", 0755);
        root.mkdir("/private/tmp/w/a*b", "alice", "staff", 0755);
        root.writeFile("/private/tmp/w/a*b/f?", "alice", "staff", 0644, "");
        root.writeFile("/private/tmp/w/axb", "alice", "staff", 0644, "");
        assertResult(0, "/private/tmp/w/a*b/f?\n", "", read(root, "/usr/bin/find", "-x", "/private/tmp/w", "-path", "/private/tmp/w/a\\*b/f\\?", "-print"));
        assertResult(0, "/private/tmp/w/a*b\n/private/tmp/w/axb\n", "", read(root, "/usr/bin/find", "-x", "/private/tmp/w", "-path", "/private/tmp/w/a?b", "-print"));
        assertResult(0, "/private/tmp/w/a*b/f?\n", "", read(root, "/usr/bin/find", "-x", "/private/tmp/w", "-path", "*/f*", "-print"));
        assertResult(0, "/private/tmp/w/a*b\n/private/tmp/w/axb\n", "", read(root, "/usr/bin/find", "-x", "/private/tmp/w", "-path", "*[ab]", "-print"));
        assertResult(127, "", "fake-mac: unsupported: /usr/bin/find /private/tmp/w -path '*[a-b]' -print"
                        + " (find: -path with a bracket expression other than a set of plain characters)\n",
                read(root, "/usr/bin/find", "/private/tmp/w", "-path", "*[a-b]", "-print"));
    }

    @Test
    void findOfAMissingDirectoryExits1() {
        assertResult(1, "", "find: /nope: No such file or directory\n",
                read(mac, "/usr/bin/find", "-x", "/nope", "!", "-type", "l", "-exec", "/bin/ls", "-led", "{}", "+"));
        assertResult(127, "", "fake-mac: unsupported: /usr/bin/find /Users -name x (find: primary -name)\n", read(mac, "/usr/bin/find", "/Users", "-name", "x"));
    }

    @Test
    void findSelectsByTypeOwnerGroupAndModeWithBsdPrecedence() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.mkdir("/private/tmp/w", "alice", "staff", 02770);
        root.mkdir("/private/tmp/w/d", "root", "wheel", 0755);
        root.writeFile("/private/tmp/w/plain", "alice", "staff", 0644, "");
        root.writeFile("/private/tmp/w/d/tool", "alice", "staff", 0750, "");
        root.writeFile("/private/tmp/w/ok", "alice", "staff", 0660, "");
        root.symlink("/private/tmp/w/link", "/Users/alice");
        assertResult(0, "/private/tmp/w/d\n", "", read(root, "/usr/bin/find", "-x", "/private/tmp/w", "!", "-type", "l",
                "(", "!", "-user", "alice", "-o", "!", "-group", "staff", ")", "-print"));
        assertResult(0, "/private/tmp/w/d\n", "", read(root, "/usr/bin/find", "/private/tmp/w", "-type", "d", "!", "-perm", "2770"));
        assertResult(0, "/private/tmp/w/d/tool\n", "", read(root, "/usr/bin/find", "/private/tmp/w", "-type", "f", "!", "-perm", "0660",
                "(", "-perm", "-0100", "-o", "-perm", "-0010", "-o", "-perm", "-0001", ")"));
        assertResult(0, "/private/tmp/w/plain\n", "", read(root, "/usr/bin/find", "/private/tmp/w", "-type", "f", "!", "-perm", "0660",
                "!", "(", "-perm", "-0100", "-o", "-perm", "-0010", "-o", "-perm", "-0001", ")"));
    }

    @Test
    void findExecdirRunsTheUtilityInsideEachMatchsDirectoryWithItsBareName() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.mkdir("/private/tmp/w", "alice", "staff", 0755);
        root.mkdir("/private/tmp/w/d", "alice", "staff", 0755);
        root.writeFile("/private/tmp/w/a", "alice", "staff", 0644, "");
        root.writeFile("/private/tmp/w/d/b", "alice", "staff", 0600, "");
        root.writeFile("/private/tmp/w/d/-R", "alice", "staff", 0600, "");
        root.clearRecorded();
        assertResult(0, "", "", root.run(Command.write("/usr/bin/find", "-x", "/private/tmp/w", "-type", "f", "-execdir", "/bin/chmod", "-h", "0660", "{}", "+")));
        assertEquals(0660, root.fileInfo("/private/tmp/w/a").orElseThrow().mode());
        assertEquals(0660, root.fileInfo("/private/tmp/w/d/b").orElseThrow().mode());
        assertEquals(0660, root.fileInfo("/private/tmp/w/d/-R").orElseThrow().mode(), "after the mode, chmod reads every word as a file");
        assertEquals(0755, root.fileInfo("/private/tmp/w/d").orElseThrow().mode());
    }

    @Test
    void findExecdirOnTheStartingPointIsRefusedAndMindepthLeavesItOut() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.mkdir("/private/tmp/w", "alice", "staff", 0755);
        root.mkdir("/private/tmp/w/d", "alice", "staff", 0755);
        assertResult(127, "", "fake-mac: unsupported: /usr/bin/find -x /private/tmp/w -type d -execdir /bin/chmod -h 0770 '{}' +"
                        + " (find: -execdir on the starting point /private/tmp/w (BSD find passes its bare name, run in the directory find was started in))\n",
                root.run(Command.write("/usr/bin/find", "-x", "/private/tmp/w", "-type", "d", "-execdir", "/bin/chmod", "-h", "0770", "{}", "+")));
        assertResult(0, "", "", root.run(Command.write("/usr/bin/find", "-x", "/private/tmp/w", "-mindepth", "1", "-type", "d",
                "-execdir", "/bin/chmod", "-h", "0770", "{}", "+")));
        assertEquals(0755, root.fileInfo("/private/tmp/w").orElseThrow().mode());
        assertEquals(0770, root.fileInfo("/private/tmp/w/d").orElseThrow().mode());
    }

    @Test
    void aHardLinkIsASecondNameOfTheSameFileAndFindCountsTheNames() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.mkdir("/private/tmp/w", "alice", "staff", 0755);
        root.writeFile("/private/tmp/w/own", "alice", "staff", 0644, "");
        root.hardLink("/private/tmp/w/sudoers", "/private/etc/sudoers");
        assertResult(0, """
                -r--r-----  2 root  wheel  45 Dec  3 16:27 /private/tmp/w/sudoers
                """, "", read(root, "/bin/ls", "-led", "/private/tmp/w/sudoers"));
        assertResult(0, "/private/tmp/w/own\n", "", read(root, "/usr/bin/find", "-x", "/private/tmp/w", "-type", "f", "-links", "1"));
        assertResult(0, "/private/tmp/w/sudoers\n", "", read(root, "/usr/bin/find", "-x", "/private/tmp/w", "-type", "f", "-links", "+1"));
        assertOk(write(root, "/bin/chmod", "0644", "/private/tmp/w/sudoers"));
        assertEquals(0644, root.fileInfo("/private/etc/sudoers").orElseThrow().mode(), "one file, two names");
        assertOk(write(root, "/bin/rm", "-f", "/private/tmp/w/sudoers"));
        assertResult(0, "1\n", "", read(root, "/usr/bin/stat", "-f", "%l", "/private/etc/sudoers"));
    }

    @Test
    void oneFindRunsEachActionOnlyOnTheEntriesThatReachIt() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.mkdir("/private/tmp/w", "alice", "staff", 0755);
        root.writeFile("/private/tmp/w/tool", "alice", "staff", 0755, "");
        root.writeFile("/private/tmp/w/text", "alice", "staff", 0644, "");
        root.writeFile("/private/tmp/w/done", "alice", "staff", 0660, "");
        assertResult(0, "", "", root.run(Command.write("/usr/bin/find", "-x", "/private/tmp/w", "-type", "f", "!", "-perm", "0660",
                "(", "-perm", "-0100", "-exec", "/bin/chmod", "-h", "0770", "{}", "+", "-o", "-exec", "/bin/chmod", "-h", "0660", "{}", "+", ")")));
        assertEquals(0770, root.fileInfo("/private/tmp/w/tool").orElseThrow().mode());
        assertEquals(0660, root.fileInfo("/private/tmp/w/text").orElseThrow().mode());
        assertEquals(0660, root.fileInfo("/private/tmp/w/done").orElseThrow().mode());
    }

    @Test
    void findReportsAFailingUtilityWithExit1() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.mkdir("/private/tmp/w", "alice", "staff", 0755);
        root.writeFile("/private/tmp/w/theirs", "root", "wheel", 0644, "");
        var result = root.as("alice").run(Command.write("/usr/bin/find", "/private/tmp/w", "-type", "f", "-exec", "/bin/chmod", "-h", "0600", "{}", "+"));
        assertEquals(1, result.exitCode());
        assertTrue(result.stderr().contains("Operation not permitted"), result.stderr());
        assertEquals(0644, root.fileInfo("/private/tmp/w/theirs").orElseThrow().mode());
    }

    @Test
    void findReportsDirectoriesItCannotRead() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.mkdir("/private/tmp/w", "alice", "staff", 0755);
        root.mkdir("/private/tmp/w/secret", "root", "wheel", 0700);
        root.writeFile("/private/tmp/w/secret/f", "root", "wheel", 0600, "");
        assertResult(1, """
                drwxr-xr-x  3 alice  staff  96 Dec  3 16:27 /private/tmp/w
                drwx------  3 root   wheel  96 Dec  3 16:27 /private/tmp/w/secret
                """, "find: /private/tmp/w/secret: Permission denied\n",
                read(root.as("alice"), "/usr/bin/find", "-x", "/private/tmp/w", "!", "-type", "l", "-exec", "/bin/ls", "-led", "{}", "+"));
    }

    // --- cat, tee --------------------------------------------------------------------------------

    @Test
    void catPrintsBytesOrTheBsdErrors() {
        assertResult(0, "Shopping: milk, coffee\n", "", read(mac, "/bin/cat", "/Users/alice/Documents/notes.txt"));
        assertResult(1, "", "cat: /nope: No such file or directory\n", read(mac, "/bin/cat", "/nope"));
        assertResult(1, "", "cat: /private/var/root: Is a directory\n", read(mac, "/bin/cat", "/private/var/root"));
        assertResult(1, "", "cat: /private/etc/sudoers: Permission denied\n", read(mac, "/bin/cat", "/private/etc/sudoers"));
        assertResult(0, "root ALL = (ALL) ALL\n%admin  ALL = (ALL) ALL\n", "", sudo(mac, "/bin/cat", "/etc/sudoers"));
    }

    @Test
    void teeCreatesWithTheUmaskAndTheDirectorysGroupAndEchoesStdin() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.mkdir("/private/tmp/shared", "root", "admin", 0777);
        assertResult(0, "umask 002\n", "", root.as("alice").run(Command.write("/usr/bin/tee", "/private/tmp/shared/f").withStdin(Stdin.text("umask 002\n"))));
        FileInfo info = root.fileInfo("/private/tmp/shared/f").orElseThrow();
        assertEquals("alice", info.owner());
        assertEquals("admin", info.group(), "BSD: a new file takes its directory's group");
        assertEquals(0644, info.mode());
        assertEquals("umask 002\n", root.readFile("/private/tmp/shared/f"));
    }

    @Test
    void teeAppendsWithDashA() {
        assertOk(mac.run(Command.write("/usr/bin/tee", "-a", "/Users/alice/log").withStdin(Stdin.text("one\n"))));
        assertOk(mac.run(Command.write("/usr/bin/tee", "-a", "/Users/alice/log").withStdin(Stdin.text("two\n"))));
        assertEquals("one\ntwo\n", mac.readFile("/Users/alice/log"));
        assertEquals(0644, mac.fileInfo("/Users/alice/log").orElseThrow().mode());
    }

    @Test
    void teeOverwritesKeepingOwnerAndModeAndFollowsLinks() {
        mac.symlink("/Users/alice/rc", ".zshrc");
        assertOk(mac.run(Command.write("/usr/bin/tee", "/Users/alice/rc").withStdin(Stdin.text("new\n"))));
        assertEquals("new\n", mac.readFile("/Users/alice/.zshrc"));
        assertEquals(0644, mac.fileInfo("/Users/alice/.zshrc").orElseThrow().mode());
        assertEquals(FileInfo.Type.SYMLINK, mac.fileInfo("/Users/alice/rc").orElseThrow().type());
    }

    @Test
    void teeStillEchoesWhenItCannotWrite() {
        assertResult(1, "x", "tee: /private/etc/hosts: Permission denied\n",
                mac.run(Command.write("/usr/bin/tee", "/private/etc/hosts").withStdin(Stdin.text("x"))));
        assertResult(1, "x", "tee: /nope/f: No such file or directory\n",
                mac.run(Command.write("/usr/bin/tee", "/nope/f").withStdin(Stdin.text("x"))));
        assertResult(1, "x", "tee: /usr/bin/evil: Operation not permitted\n",
                mac.run(Command.write("/usr/bin/sudo", "-n", "--", "/usr/bin/tee", "/usr/bin/evil").withStdin(Stdin.text("x"))));
        assertFalse(mac.exists("/usr/bin/evil"));
    }

    // --- mkdir -----------------------------------------------------------------------------------

    @Test
    void mkdirMakesOneLevelWithTheGivenModeRegardlessOfTheUmask() {
        assertOk(write(mac, "/bin/mkdir", "-m", "2770", "/Users/alice/workshop"));
        FileInfo info = mac.fileInfo("/Users/alice/workshop").orElseThrow();
        assertEquals(02770, info.mode());
        assertEquals("staff", info.group());
        assertResult(1, "", "mkdir: /Users/alice/workshop: File exists\n", write(mac, "/bin/mkdir", "-m", "700", "/Users/alice/workshop"));
        assertResult(1, "", "mkdir: /Users/alice/a/b: No such file or directory\n", write(mac, "/bin/mkdir", "-m", "700", "/Users/alice/a/b"));
        assertResult(1, "", "mkdir: /Users/x: Permission denied\n", write(mac, "/bin/mkdir", "-m", "700", "/Users/x"));
        assertResult(1, "", "mkdir: /System/x: Operation not permitted\n", sudo(mac, "/bin/mkdir", "-m", "700", "/System/x"));
        assertResult(1, "", "mkdir: invalid file mode: u+rwx\n", write(mac, "/bin/mkdir", "-m", "u+rwx", "/Users/alice/y"));
    }

    @Test
    void mkdirDashPMakesParentsWithTheUmaskAndAcceptsExistingDirectories() {
        assertOk(write(mac, "/bin/mkdir", "-p", "-m", "700", "/Users/alice/a/b/c"));
        assertEquals(0755, mac.fileInfo("/Users/alice/a").orElseThrow().mode());
        assertEquals(0755, mac.fileInfo("/Users/alice/a/b").orElseThrow().mode());
        assertEquals(0700, mac.fileInfo("/Users/alice/a/b/c").orElseThrow().mode());
        assertOk(write(mac, "/bin/mkdir", "-p", "-m", "700", "/Users/alice/a/b/c"));
        assertResult(1, "", "mkdir: /Users/alice/.zshrc: File exists\n", write(mac, "/bin/mkdir", "-p", "/Users/alice/.zshrc"));
        assertResult(1, "", "mkdir: /Users/alice/.zshrc: Not a directory\n", write(mac, "/bin/mkdir", "-p", "/Users/alice/.zshrc/x"));
        assertResult(1, "", "mkdir: /Users/bob: Permission denied\n", write(mac, "/bin/mkdir", "-p", "/Users/bob/x"));
    }

    // --- mv, rm, rmdir ---------------------------------------------------------------------------

    @Test
    void mvRenamesAndReplacesALinkAtTheDestinationItself() {
        mac.writeFile("/Users/alice/new", "alice", "staff", 0644, "fresh");
        mac.symlink("/Users/alice/settings", "/private/etc/hosts");
        assertOk(write(mac, "/bin/mv", "-f", "/Users/alice/new", "/Users/alice/settings"));
        assertEquals(FileInfo.Type.FILE, mac.fileInfo("/Users/alice/settings").orElseThrow().type());
        assertEquals("fresh", mac.readFile("/Users/alice/settings"));
        assertTrue(mac.readFile("/private/etc/hosts").startsWith("127.0.0.1"), "the link's target is untouched");
        assertFalse(mac.exists("/Users/alice/new"));
    }

    @Test
    void mvIntoADirectoryTheDestinationLeadsTo() {
        mac.writeFile("/Users/alice/new", "alice", "staff", 0644, "fresh");
        mac.symlink("/Users/alice/docs", "Documents");
        assertOk(write(mac, "/bin/mv", "-f", "/Users/alice/new", "/Users/alice/docs"));
        assertEquals("fresh", mac.readFile("/Users/alice/Documents/new"));
    }

    @Test
    void mvFailuresNameBothPaths() {
        assertResult(1, "", "mv: rename /Users/alice/nope to /Users/alice/x: No such file or directory\n",
                write(mac, "/bin/mv", "-f", "/Users/alice/nope", "/Users/alice/x"));
        assertResult(1, "", "mv: rename /private/etc/hosts to /Users/alice/hosts: Permission denied\n",
                write(mac, "/bin/mv", "-f", "/private/etc/hosts", "/Users/alice/hosts"));
    }

    @Test
    void rmRemovesFilesAndTreesAndIsQuietAboutMissingOnesWithDashF() {
        assertOk(write(mac, "/bin/rm", "-f", "/Users/alice/.zsh_history", "/Users/alice/nothing"));
        assertFalse(mac.exists("/Users/alice/.zsh_history"));
        assertResult(1, "", "rm: /Users/alice/nothing: No such file or directory\n", write(mac, "/bin/rm", "/Users/alice/nothing"));
        assertResult(1, "", "rm: /Users/alice/.ssh: is a directory\n", write(mac, "/bin/rm", "-f", "/Users/alice/.ssh"));
        assertOk(write(mac, "/bin/rm", "-rf", "/Users/alice/.ssh"));
        assertFalse(mac.exists("/Users/alice/.ssh"));
        assertResult(1, "", "rm: /private/etc/hosts: Permission denied\n", write(mac, "/bin/rm", "-f", "/private/etc/hosts"));
        assertResult(1, "", "rm: /usr/bin/sudo: Operation not permitted\n", sudo(mac, "/bin/rm", "-f", "/usr/bin/sudo"));
    }

    @Test
    void everyoneDenyDeleteProtectsAHomeEvenFromItsOwnerButNotFromRoot() {
        assertResult(1, "", "rm: /Users/alice/Desktop: Permission denied\n", write(mac, "/bin/rm", "-rf", "/Users/alice/Desktop"));
        assertResult(1, "", "rmdir: /Users/alice/Desktop: Permission denied\n", write(mac, "/bin/rmdir", "/Users/alice/Desktop"));
        assertOk(sudo(mac, "/bin/rmdir", "/Users/alice/Desktop"));
        assertFalse(mac.exists("/Users/alice/Desktop"));
    }

    @Test
    void stickyTmpLetsOnlyTheOwnerDelete() {
        FakeMac root = FakeMac.builder().caller("root").build();
        root.writeFile("/private/tmp/roots", "root", "wheel", 0666, "");
        root.writeFile("/private/tmp/alices", "alice", "staff", 0644, "");
        assertResult(1, "", "rm: /private/tmp/roots: Permission denied\n", write(root.as("alice"), "/bin/rm", "-f", "/private/tmp/roots"));
        assertOk(write(root.as("alice"), "/bin/rm", "-f", "/tmp/alices"));
    }

    @Test
    void rmdirRemovesOnlyEmptyDirectories() {
        assertResult(1, "", "rmdir: /Users/alice/.ssh: Directory not empty\n", write(mac, "/bin/rmdir", "/Users/alice/.ssh"));
        assertResult(1, "", "rmdir: /Users/alice/.zshrc: Not a directory\n", write(mac, "/bin/rmdir", "/Users/alice/.zshrc"));
        assertResult(1, "", "rmdir: /Users/alice/nope: No such file or directory\n", write(mac, "/bin/rmdir", "/Users/alice/nope"));
        assertOk(write(mac, "/bin/rmdir", "/Users/alice/.Trash"));
        assertFalse(mac.exists("/Users/alice/.Trash"));
    }

    // --- mktemp ----------------------------------------------------------------------------------

    @Test
    void mktempMakesAPrivateDirectoryInTheUsersTemporaryFolder() {
        String first = read(mac, "/usr/bin/mktemp", "-d", "-t", "cagent").stdout();
        String second = read(mac, "/usr/bin/mktemp", "-d", "-t", "cagent").stdout();
        assertTrue(first.matches("/private/var/folders/zz/[0-9a-z]{24}0000gn/T/cagent\\.[A-Za-z0-9]{8}\n"), first);
        assertFalse(first.equals(second));
        FileInfo info = mac.fileInfo(first.strip()).orElseThrow();
        assertEquals("alice", info.owner());
        assertEquals(0700, info.mode());
        assertEquals(first, FakeMac.stock().run(Command.read("/usr/bin/mktemp", "-d", "-t", "cagent")).stdout(), "reproducible");
        FakeMac root = FakeMac.builder().caller("root").build();
        assertTrue(read(root, "/usr/bin/mktemp", "-d", "-t", "cagent").stdout()
                .startsWith("/private/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/cagent."));
    }

}
