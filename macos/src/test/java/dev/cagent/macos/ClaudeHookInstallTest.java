package dev.cagent.macos;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.PlanRefusedException;
import dev.cagent.claude.ClaudeHook;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.cagent.macos.CoopFixture.AGENT;
import static dev.cagent.macos.CoopFixture.GROUP;
import static dev.cagent.macos.CoopFixture.HUMAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Claude Code hook merged into real settings files (core's corpus) at each place it can live:
 * every other key kept in its order, a second apply writes nothing, undo gives back the file byte
 * for byte, or takes out only cagent's entry when the file changed since.
 */
class ClaudeHookInstallTest {

    /** Core's corpus of settings files as people and Claude Code write them. */
    static final Path CORPUS = Path.of("..", "core", "src", "test", "resources", "claude-settings");

    static final String HOME = "/Users/meeseeks";
    static final String USER_SETTINGS = HOME + "/.claude/settings.json";
    static final String WS = "/Users/Shared/project";
    static final String PROJECT_SETTINGS = WS + "/.claude/settings.json";
    static final String ROOT_SETTINGS = "/Library/Application Support/cagent/meeseeks/claude-settings.json";

    static Stream<String> corpus() throws IOException {
        assertTrue(Files.isDirectory(CORPUS), "core's settings corpus is missing at " + CORPUS.toAbsolutePath());
        try (Stream<Path> files = Files.list(CORPUS)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
            assertTrue(names.size() >= 10, names.toString());
            return names.stream();
        }
    }

    static Stream<Arguments> corpusAtEveryLocation() throws IOException {
        List<Arguments> all = new ArrayList<>();
        for (String name : corpus().toList()) {
            for (ClaudeCodeHook.Location location : ClaudeCodeHook.Location.values()) {
                all.add(Arguments.of(name, location));
            }
        }
        return all.stream();
    }

    static String read(String name) {
        try {
            return Files.readString(CORPUS.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Mac where the agent's account and home exist already, as when it was made by hand before. */
    static CoopFixture macWithAgent(FakeMac mac) {
        mac.addUser(AGENT, 600, 20, HOME);
        mac.mkdir(HOME, AGENT, "staff", 0750);
        mac.mkdir(WS, HUMAN, "staff", 0755);
        mac.mkdir("/Library/Application Support/cagent", "root", "wheel", 0755);
        mac.mkdir("/Library/Application Support/cagent/meeseeks", "root", "wheel", 0755);
        return new CoopFixture(mac);
    }

    static CagePlan plan(ClaudeCodeHook.Location location) {
        return Cage.forUser(AGENT).uid(600).primaryGroupId(20).human(HUMAN).collaborationGroup(GROUP).workspace(WS)
                .claudeCodeHook(location).build();
    }

    /** Places a settings file where the location keeps it, owned as Claude Code or the person would leave it. */
    static String place(CoopFixture coop, ClaudeCodeHook.Location location, String content) {
        switch (location) {
            case USER -> {
                coop.mac.mkdir(HOME + "/.claude", AGENT, "staff", 0700);
                coop.mac.writeFile(USER_SETTINGS, AGENT, "staff", 0600, content);
                return USER_SETTINGS;
            }
            case PROJECT -> {
                coop.mac.mkdir(WS + "/.claude", HUMAN, "staff", 0755);
                coop.mac.writeFile(PROJECT_SETTINGS, HUMAN, "staff", 0644, content);
                return PROJECT_SETTINGS;
            }
            default -> {
                coop.mac.writeFile(ROOT_SETTINGS, "root", "wheel", 0644, content);
                return ROOT_SETTINGS;
            }
        }
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("corpusAtEveryLocation")
    void theHookGoesInEverythingElseStaysAndUndoGivesTheFileBackByteForByte(String name, ClaudeCodeHook.Location location) {
        CoopFixture coop = macWithAgent(FakeMac.stock());
        String original = read(name);
        String path = place(coop, location, original);
        CagePlan plan = plan(location);
        MacSnapshot before = coop.mac.snapshot();

        coop.apply(plan);
        String installed = coop.mac.readFile(path);
        assertEquals(1, cagentHookGroups(installed), installed);
        assertEquals(withoutCagentHooks(original), withoutCagentHooks(installed), "every other key and value, in order");
        JsonObject group = cagentGroup(installed);
        assertEquals(ClaudeHook.MATCHER, group.get("matcher").getAsString());
        assertEquals(ClaudeHook.command("/usr/bin/jq"), group.getAsJsonArray("hooks").get(0).getAsJsonObject().get("command").getAsString());

        coop.reapplyOnlyReads(plan);

        coop.undo();
        assertEquals(original, coop.mac.readFile(path), "byte for byte");
        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    @Test
    void theUserSettingsAreWrittenAsTheAgentAtomicallyWithABackupAndKeepTheirMode() {
        CoopFixture coop = macWithAgent(FakeMac.stock());
        String original = read("02-permissions.json");
        place(coop, ClaudeCodeHook.Location.USER, original);
        int mark = coop.mac.recorded().size();
        coop.apply(plan(ClaudeCodeHook.Location.USER));
        List<String> writes = coop.writesSince(mark).stream().map(RecordedCommand::argv).map(List::toString)
                .filter(a -> a.contains("settings.json")).toList();
        assertEquals(List.of(
                "[/usr/bin/sudo, -n, --, /usr/bin/tee, " + new StateFiles(StateFiles.DEFAULT_ROOT, AGENT).backupOf(USER_SETTINGS, original) + "]",
                "[/usr/bin/sudo, -n, -u, meeseeks, --, /usr/bin/tee, /Users/meeseeks/.claude/settings.json.cagent-new]",
                "[/usr/bin/sudo, -n, -u, meeseeks, --, /bin/chmod, -h, 0600, /Users/meeseeks/.claude/settings.json.cagent-new]",
                "[/usr/bin/sudo, -n, -u, meeseeks, --, /bin/mv, -f, /Users/meeseeks/.claude/settings.json.cagent-new, /Users/meeseeks/.claude/settings.json]"),
                writes.stream().filter(a -> !a.contains("journal")).toList());
        FileInfo info = coop.mac.fileInfo(USER_SETTINGS).orElseThrow();
        assertEquals("meeseeks 0600", info.owner() + " " + info.octalMode());
        assertFalse(coop.mac.exists(USER_SETTINGS + ".cagent-new"));
        List<RecordedCommand> reads = coop.mac.recorded().stream().filter(c -> c.argv().contains("/bin/cat") && c.argv().contains(USER_SETTINGS)).toList();
        assertFalse(reads.isEmpty());
        reads.forEach(c -> assertEquals(List.of("/usr/bin/sudo", "-n", "-u", AGENT, "--", "/bin/cat", USER_SETTINGS), c.argv(),
                "read with the agent's rights: a root read would follow a link the agent planted"));
    }

    @Test
    void theAgentsClaudeDirectoryIsMadeByApplyAndRemovedByUndoWhenEmpty() {
        CoopFixture coop = macWithAgent(FakeMac.stock());
        MacSnapshot before = coop.mac.snapshot();
        coop.apply(plan(ClaudeCodeHook.Location.USER));
        FileInfo dir = coop.mac.fileInfo(HOME + "/.claude").orElseThrow();
        assertEquals("meeseeks 0700", dir.owner() + " " + dir.octalMode());
        FileInfo file = coop.mac.fileInfo(USER_SETTINGS).orElseThrow();
        assertEquals("meeseeks 0600", file.owner() + " " + file.octalMode());
        coop.undo();
        assertFalse(coop.mac.exists(HOME + "/.claude"));
        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    @Test
    void theAgentsClaudeDirectoryStaysWhenClaudeCodePutFilesInIt() {
        CoopFixture coop = macWithAgent(FakeMac.stock());
        coop.apply(plan(ClaudeCodeHook.Location.USER));
        coop.mac.createFileAs(AGENT, HOME + "/.claude/history.jsonl", "{}\n", 077);
        coop.undo();
        assertTrue(coop.mac.exists(HOME + "/.claude/history.jsonl"));
        assertFalse(coop.mac.exists(USER_SETTINGS), "the settings file cagent created is gone");
    }

    @Test
    void aSettingsFileClaudeCodeChangedKeepsTheDirectoryCagentMadeForIt() {
        CoopFixture coop = macWithAgent(FakeMac.stock());
        coop.apply(plan(ClaudeCodeHook.Location.USER));
        String installed = coop.mac.readFile(USER_SETTINGS);
        coop.mac.writeFileAs(AGENT, USER_SETTINGS, installed.replaceFirst("\\{", "{\n  \"model\": \"opus\","));
        dev.cagent.report.UndoReport report = coop.undo();
        assertEquals("{\"model\":\"opus\"}", JsonParser.parseString(coop.mac.readFile(USER_SETTINGS)).toString(), "the file stays, without the hook");
        assertTrue(report.undone().stream().anyMatch(u -> u.endsWith("; kept " + HOME + "/.claude (holds other files)")), report::toString);
    }

    @Test
    void undoAfterClaudeCodeChangedTheFileTakesOutOnlyCagentsEntry() {
        CoopFixture coop = macWithAgent(FakeMac.stock());
        place(coop, ClaudeCodeHook.Location.USER, "{\n  \"model\": \"sonnet\"\n}\n");
        coop.apply(plan(ClaudeCodeHook.Location.USER));
        String installed = coop.mac.readFile(USER_SETTINGS);
        String edited = installed.replace("\"model\": \"sonnet\",", "\"model\": \"sonnet\",\n  \"permissions\": {\n    \"allow\": [\"Bash(ls)\"]\n  },");
        assertTrue(edited.contains("Bash(ls)"), installed);
        coop.mac.writeFileAs(AGENT, USER_SETTINGS, edited);
        coop.undo();
        String after = coop.mac.readFile(USER_SETTINGS);
        assertEquals("{\"model\":\"sonnet\",\"permissions\":{\"allow\":[\"Bash(ls)\"]}}", JsonParser.parseString(after).toString());
    }

    @Test
    void aFileThatDoesNotParseIsRefusedAndLeftUntouched() {
        CoopFixture coop = macWithAgent(FakeMac.stock());
        String broken = "{\n  \"model\": \"sonnet\",\n}\n";
        place(coop, ClaudeCodeHook.Location.USER, broken);
        MacSnapshot before = coop.mac.snapshot();
        int mark = coop.mac.recorded().size();
        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> coop.backend.apply(plan(ClaudeCodeHook.Location.USER)));
        assertTrue(refused.getMessage().contains(USER_SETTINGS + " is not valid JSON"), refused.getMessage());
        assertTrue(refused.getMessage().contains("line 3"), refused.getMessage());
        assertTrue(refused.getMessage().contains("leaves it untouched"), refused.getMessage());
        assertFalse(refused.getMessage().contains("sonnet"), "the refusal never quotes the file");
        assertEquals(List.of(), coop.writesSince(mark));
        assertEquals(List.of(), before.diff(coop.mac.snapshot()));
    }

    @Test
    void withoutJqTheHookIsRefusedAtApplyNamingTheFix() {
        CoopFixture coop = new CoopFixture(FakeMac.builder().jq(false).build());
        CagePlan plan = Cage.forUser(AGENT).collaborationGroup(GROUP).claudeCodeHook().build();
        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> coop.backend.apply(plan));
        assertTrue(refused.getMessage().contains("jq was not found at /usr/bin/jq, /opt/homebrew/bin/jq, /usr/local/bin/jq"), refused.getMessage());
        assertTrue(refused.getMessage().contains("brew install jq"), refused.getMessage());
        assertEquals(0, coop.mac.recorded().stream().filter(RecordedCommand::isWrite).count());
    }

    @Test
    void jqFoundElsewhereIsNamedInTheHook() {
        FakeMac mac = FakeMac.builder().jq(false).build();
        mac.writeFile("/usr/local/bin/jq", "root", "wheel", 0755, "");
        CoopFixture coop = new CoopFixture(mac);
        coop.apply(Cage.forUser(AGENT).collaborationGroup(GROUP).claudeCodeHook().build());
        assertEquals(ClaudeHook.command("/usr/local/bin/jq"), cagentGroup(mac.readFile(USER_SETTINGS))
                .getAsJsonArray("hooks").get(0).getAsJsonObject().get("command").getAsString());
    }

    @Test
    void aRootOwnedFileIsWrittenByRootAndCannotBeChangedByTheAgent() {
        CoopFixture coop = new CoopFixture();
        coop.apply(Cage.forUser(AGENT).collaborationGroup(GROUP).claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED).build());
        FileInfo info = coop.mac.fileInfo(ROOT_SETTINGS).orElseThrow();
        assertEquals("root:admin 0644", info.owner() + ":" + info.group() + " " + info.octalMode(), "a new file takes its directory's group");
        assertFalse(coop.mac.canAccess(AGENT, ROOT_SETTINGS, dev.cagent.testkit.Access.WRITE));
        assertFalse(coop.mac.canAccess(AGENT, "/Library/Application Support/cagent/meeseeks", dev.cagent.testkit.Access.WRITE));
        assertTrue(coop.mac.canAccess(AGENT, ROOT_SETTINGS, dev.cagent.testkit.Access.READ), "Claude Code reads it as the agent");
    }

    @Test
    void aRootOwnedFileWhereTheAgentWritesIsRefused() {
        CoopFixture coop = new CoopFixture();
        CagePlan plan = Cage.forUser(AGENT).collaborationGroup(GROUP).workspace("/Users/meeseeks/workshop")
                .claudeCodeHookRootOwned("/Users/meeseeks/workshop/.claude/root-settings.json").build();
        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> coop.backend.apply(plan));
        assertTrue(refused.getMessage().contains("lies in /Users/meeseeks, which the agent controls"), refused.getMessage());
        assertTrue(refused.getMessage().contains("/Library/Application Support/cagent/meeseeks/claude-settings.json"), refused.getMessage());
        assertEquals(0, coop.mac.recorded().stream().filter(RecordedCommand::isWrite).count());
    }

    @Test
    void theAgentsSettingsFileBelongingToAnotherAccountIsRefused() {
        CoopFixture coop = macWithAgent(FakeMac.stock());
        coop.mac.mkdir(HOME + "/.claude", AGENT, "staff", 0700);
        coop.mac.writeFile(USER_SETTINGS, "root", "wheel", 0600, "{}\n");
        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> coop.backend.apply(plan(ClaudeCodeHook.Location.USER)));
        assertTrue(refused.getMessage().contains(USER_SETTINGS + " belongs to root, and cagent edits it as meeseeks"), refused.getMessage());
        assertTrue(refused.getMessage().contains("sudo chown meeseeks " + USER_SETTINGS), refused.getMessage());
    }

    // --- reading the JSON independently of the code under test

    private static List<JsonObject> groupsOf(JsonObject root) {
        List<JsonObject> groups = new ArrayList<>();
        if (root.has("hooks") && root.getAsJsonObject("hooks").has("PostToolUse")) {
            root.getAsJsonObject("hooks").getAsJsonArray("PostToolUse").forEach(g -> groups.add(g.getAsJsonObject()));
        }
        return groups;
    }

    private static boolean isCagents(JsonObject group) {
        for (JsonElement hook : group.getAsJsonArray("hooks")) {
            JsonElement command = hook.getAsJsonObject().get("command");
            if (command != null && command.getAsString().startsWith(": cagent-share-hook;")) {
                return true;
            }
        }
        return false;
    }

    private static long cagentHookGroups(String json) {
        return groupsOf(JsonParser.parseString(json).getAsJsonObject()).stream().filter(ClaudeHookInstallTest::isCagents).count();
    }

    private static JsonObject cagentGroup(String json) {
        return groupsOf(JsonParser.parseString(json).getAsJsonObject()).stream().filter(ClaudeHookInstallTest::isCagents).findFirst().orElseThrow();
    }

    /** The settings as compact JSON in their order, without cagent's groups and the containers only they filled. */
    private static String withoutCagentHooks(String json) {
        JsonObject root = JsonParser.parseString(json).getAsJsonObject();
        if (root.has("hooks") && root.getAsJsonObject("hooks").has("PostToolUse")) {
            JsonObject hooks = root.getAsJsonObject("hooks");
            JsonArray kept = new JsonArray();
            groupsOf(root).stream().filter(g -> !isCagents(g)).forEach(kept::add);
            boolean hadOthers = !kept.isEmpty() || hooks.getAsJsonArray("PostToolUse").isEmpty();
            if (hadOthers) {
                hooks.add("PostToolUse", kept);
            } else {
                hooks.remove("PostToolUse");
                if (hooks.isEmpty()) {
                    root.remove("hooks");
                }
            }
        }
        return root.toString();
    }
}
