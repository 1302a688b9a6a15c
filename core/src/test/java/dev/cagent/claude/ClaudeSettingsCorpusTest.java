package dev.cagent.claude;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real settings files (src/test/resources/claude-settings) through parse, merge and removal. The
 * comparison reads the files with Gson's own tree, independently of the code under test.
 */
class ClaudeSettingsCorpusTest {

    private static final String JQ = "/usr/bin/jq";

    /** Files whose layout differs from what cagent writes (escapes spelled differently, one line): only these may change text on a plain round trip. */
    private static final Set<String> NOT_IN_WRITTEN_LAYOUT = Set.of("07-escaped-strings.json", "14-minified-one-line.json");

    /** Where cagent may add a member: the top level gets "hooks", "hooks" gets "PostToolUse". */
    private static final Map<String, String> ADDABLE_MEMBER = Map.of("$", "hooks", "$.hooks", "PostToolUse");

    static Stream<String> corpus() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(corpusDirectory())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList().stream();
        }
    }

    @Test
    void theCorpusHasEnoughFiles() throws Exception {
        assertTrue(corpus().count() >= 12);
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void theHookGoesInAndEverythingElseStaysInPlace(String name) throws Exception {
        String text = read(name);
        ClaudeSettings original = ClaudeSettings.parse(text);
        String merged = original.withCagentHook(JQ).toJson();

        assertPreserved(gsonTree(text), gsonTree(merged), "$");
        assertEquals(1, cagentCommands(gsonTree(merged)).size(), "cagent's hook exactly once");
        assertEquals(List.of(ClaudeHook.command(JQ)), cagentCommands(gsonTree(merged)));
        assertTrue(ClaudeSettings.parse(merged).hasCagentHook());
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void othersPostToolUseHooksAreKept(String name) throws Exception {
        String text = read(name);
        List<String> othersBefore = othersPostToolUseCommands(gsonTree(text));
        String merged = ClaudeSettings.parse(text).withCagentHook(JQ).toJson();
        assertEquals(othersBefore, othersPostToolUseCommands(gsonTree(merged)));
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void mergingTwiceIsMergingOnce(String name) throws Exception {
        ClaudeSettings once = ClaudeSettings.parse(read(name)).withCagentHook(JQ);
        ClaudeSettings twice = once.withCagentHook(JQ);
        assertSame(once, twice);
        assertEquals(once.toJson(), ClaudeSettings.parse(once.toJson()).withCagentHook(JQ).toJson(), "a second run on the written file writes the same text");
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void removingTheHookGivesTheOriginalBack(String name) throws Exception {
        ClaudeSettings original = ClaudeSettings.parse(read(name));
        ClaudeSettings roundTrip = original.withCagentHook(JQ).withoutCagentHook();
        assertFalse(roundTrip.hasCagentHook());
        if (original.hasCagentHook()) {
            assertEquals(ClaudeSettings.parse(read("expected/" + name.replace(".json", ".without-hook.json"))), roundTrip);
        } else {
            assertEquals(original, roundTrip);
            assertEquals(original.toJson(), roundTrip.toJson());
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void aFileInCagentsLayoutIsWrittenBackByteForByte(String name) throws Exception {
        String text = read(name);
        String rewritten = ClaudeSettings.parse(text).toJson();
        if (NOT_IN_WRITTEN_LAYOUT.contains(name)) {
            assertNotEquals(text, rewritten);
            assertEquals(ClaudeSettings.parse(text), ClaudeSettings.parse(rewritten));
        } else {
            assertEquals(text, rewritten);
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void theFileAsWrittenIsStrictJsonThatGsonReadsAlike(String name) throws Exception {
        ClaudeSettings merged = ClaudeSettings.parse(read(name)).withCagentHook(JQ);
        assertEquals(merged, ClaudeSettings.parse(merged.toJson()));
        assertPreserved(gsonTree(merged.toJson()), gsonTree(ClaudeSettings.parse(merged.toJson()).toJson()), "$");
    }

    /** Golden files: the exact text written for files in other layouts. */
    @ParameterizedTest
    @MethodSource("corpus")
    void theMergedTextMatchesItsGoldenFileWhereThereIsOne(String name) throws Exception {
        Path golden = corpusDirectory().resolve("expected").resolve(name.replace(".json", ".with-hook.json"));
        if (Files.exists(golden)) {
            assertEquals(Files.readString(golden, StandardCharsets.UTF_8), ClaudeSettings.parse(read(name)).withCagentHook(JQ).toJson());
        }
    }

    @Test
    void everyLayoutHasAGoldenFile() throws Exception {
        for (String name : List.of("01-empty-object.json", "07-escaped-strings.json", "10-four-space-indent.json", "11-tab-indent.json",
                "12-no-final-newline.json", "14-minified-one-line.json", "15-crlf-line-endings.json")) {
            assertTrue(Files.exists(corpusDirectory().resolve("expected").resolve(name.replace(".json", ".with-hook.json"))), name);
        }
    }

    /**
     * Every member and element of {@code original} is in {@code merged}, in the same order, with
     * the same value (numbers as the same text); cagent may only append "hooks" at the top,
     * "PostToolUse" in "hooks", and its own group at the end of "PostToolUse".
     */
    private static void assertPreserved(JsonElement original, JsonElement merged, String path) {
        if (original.isJsonObject()) {
            assertTrue(merged.isJsonObject(), path + " is still an object");
            List<String> names = new ArrayList<>(original.getAsJsonObject().keySet());
            List<String> mergedNames = new ArrayList<>(merged.getAsJsonObject().keySet());
            assertTrue(mergedNames.size() >= names.size(), path + " lost members");
            assertEquals(names, mergedNames.subList(0, names.size()), path + ": names and their order");
            List<String> added = mergedNames.subList(names.size(), mergedNames.size());
            assertTrue(added.isEmpty() || added.equals(List.of(ADDABLE_MEMBER.getOrDefault(path, "(none)"))), path + " gained " + added);
            for (String name : names) {
                assertPreserved(original.getAsJsonObject().get(name), merged.getAsJsonObject().get(name), path + "." + name);
            }
        } else if (original.isJsonArray()) {
            JsonArray before = original.getAsJsonArray();
            assertTrue(merged.isJsonArray(), path + " is still an array");
            JsonArray after = merged.getAsJsonArray();
            int added = after.size() - before.size();
            boolean mayAppendGroup = path.equals("$.hooks.PostToolUse") && cagentCommands(before).isEmpty();
            assertEquals(mayAppendGroup ? 1 : 0, added, path + ": number of elements added");
            for (int i = 0; i < before.size(); i++) {
                assertPreserved(before.get(i), after.get(i), path + "[" + i + "]");
            }
        } else if (original.isJsonNull()) {
            assertTrue(merged.isJsonNull(), path + " is still null");
        } else {
            assertTrue(merged.isJsonPrimitive(), path + " is still a primitive");
            assertEquals(original.getAsJsonPrimitive().isNumber(), merged.getAsJsonPrimitive().isNumber(), path + " kind");
            assertEquals(original.getAsJsonPrimitive().isString(), merged.getAsJsonPrimitive().isString(), path + " kind");
            assertEquals(original.getAsString(), merged.getAsString(), path + " value (numbers as their text)");
        }
    }

    /** The commands of cagent's hooks under hooks.PostToolUse, in order. */
    private static List<String> cagentCommands(JsonElement root) {
        return postToolUseCommands(root).stream().filter(ClaudeHook::isCagentHook).toList();
    }

    private static List<String> othersPostToolUseCommands(JsonElement root) {
        return postToolUseCommands(root).stream().filter(c -> !ClaudeHook.isCagentHook(c)).toList();
    }

    private static List<String> postToolUseCommands(JsonElement root) {
        JsonElement groups = root.isJsonArray() ? root : postToolUse(root);
        List<String> commands = new ArrayList<>();
        if (groups == null) {
            return commands;
        }
        for (JsonElement group : groups.getAsJsonArray()) {
            JsonElement hooks = group.getAsJsonObject().get("hooks");
            for (JsonElement hook : hooks.getAsJsonArray()) {
                commands.add(hook.getAsJsonObject().get("command").getAsString());
            }
        }
        return commands;
    }

    private static JsonElement postToolUse(JsonElement root) {
        JsonObject hooks = root.getAsJsonObject().getAsJsonObject("hooks");
        return hooks == null ? null : hooks.get("PostToolUse");
    }

    private static JsonElement gsonTree(String json) throws IOException {
        JsonReader reader = new JsonReader(new StringReader(json));
        reader.setStrictness(Strictness.STRICT);
        return JsonParser.parseReader(reader);
    }

    private static Path corpusDirectory() throws URISyntaxException {
        return Paths.get(Objects.requireNonNull(ClaudeSettingsCorpusTest.class.getResource("/claude-settings")).toURI());
    }

    private static String read(String name) throws IOException, URISyntaxException {
        return Files.readString(corpusDirectory().resolve(name), StandardCharsets.UTF_8);
    }
}
