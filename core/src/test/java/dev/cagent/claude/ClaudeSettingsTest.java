package dev.cagent.claude;

import dev.cagent.InvalidPlanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ClaudeSettingsTest {

    private static final String JQ = "/usr/bin/jq";
    private static final String OTHER_JQ = "/opt/homebrew/bin/jq";

    /** A group holding cagent's hook with the given jq, as the file would have it (2-space layout, 3 levels deep). */
    private static String cagentGroup(String jq) {
        return "{\"matcher\": \"" + ClaudeHook.MATCHER + "\", \"hooks\": [" + cagentHook(jq) + "]}";
    }

    private static String cagentHook(String jq) {
        return "{\"type\": \"command\", \"command\": " + jsonString(ClaudeHook.command(jq)) + ", \"timeout\": 10}";
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static final String FOREIGN_HOOK = "{\"type\": \"command\", \"command\": \"echo foreign\"}";

    @Test
    void theHookSwitchesHooksOnAgainWhereTheFileSwitchedThemAllOff() {
        String withHook = ClaudeSettings.parse("{\n  \"model\": \"opus\"\n}\n").withCagentHook(JQ).toJson();
        ClaudeSettings off = ClaudeSettings.parse(withHook.replaceFirst("\\{", "{\n  \"disableAllHooks\": true,"));

        assertTrue(off.disablesAllHooks());
        assertTrue(off.hasCagentHook());
        assertEquals(withHook, off.withCagentHook(JQ).toJson());
        assertFalse(ClaudeSettings.parse("{\"disableAllHooks\": false}").disablesAllHooks());
        assertTrue(ClaudeSettings.parse("{\"disableAllHooks\": false}").withCagentHook(JQ).toJson().startsWith("{\n  \"disableAllHooks\": false,\n"));
    }

    @Test
    void emptySettingsAreAnEmptyObjectInClaudeCodesStyle() {
        assertEquals("{}\n", ClaudeSettings.empty().toJson());
        assertFalse(ClaudeSettings.empty().hasCagentHook());
        assertEquals(ClaudeSettings.parse("{}"), ClaudeSettings.empty());
    }

    @Test
    void theHookIsWrittenExactlyLikeThis() {
        assertEquals("{\n"
                + "  \"hooks\": {\n"
                + "    \"PostToolUse\": [\n"
                + "      {\n"
                + "        \"matcher\": \"Write|Edit|MultiEdit|NotebookEdit\",\n"
                + "        \"hooks\": [\n"
                + "          {\n"
                + "            \"type\": \"command\",\n"
                + "            \"command\": " + jsonString(ClaudeHook.command(JQ)) + ",\n"
                + "            \"timeout\": 10\n"
                + "          }\n"
                + "        ]\n"
                + "      }\n"
                + "    ]\n"
                + "  }\n"
                + "}\n", ClaudeSettings.empty().withCagentHook(JQ).toJson());
    }

    @Test
    void hasCagentHookLooksUnderPostToolUseOnly() {
        assertTrue(ClaudeSettings.parse("{\"hooks\": {\"PostToolUse\": [" + cagentGroup(OTHER_JQ) + "]}}").hasCagentHook());
        assertFalse(ClaudeSettings.parse("{\"hooks\": {\"PreToolUse\": [" + cagentGroup(JQ) + "]}}").hasCagentHook());
        assertFalse(ClaudeSettings.parse("{\"hooks\": {\"PostToolUse\": [{\"matcher\": \"Write\", \"hooks\": [" + FOREIGN_HOOK + "]}]}}").hasCagentHook());
    }

    @Test
    void anotherJqPathIsReplacedInPlace() {
        ClaudeSettings before = ClaudeSettings.parse("{\"hooks\": {\"PostToolUse\": [{\"matcher\": \"Bash\", \"hooks\": [" + FOREIGN_HOOK + "]}, "
                + cagentGroup(OTHER_JQ) + ", {\"matcher\": \"Read\", \"hooks\": [" + FOREIGN_HOOK + "]}]}}");
        ClaudeSettings after = before.withCagentHook(JQ);
        assertEquals(ClaudeSettings.parse("{\"hooks\": {\"PostToolUse\": [{\"matcher\": \"Bash\", \"hooks\": [" + FOREIGN_HOOK + "]}, "
                + cagentGroup(JQ) + ", {\"matcher\": \"Read\", \"hooks\": [" + FOREIGN_HOOK + "]}]}}"), after);
    }

    @Test
    void aChangedTimeoutOrMatcherIsRestored() {
        String tampered = "{\"hooks\": {\"PostToolUse\": [{\"matcher\": \"Write\", \"hooks\": [{\"type\": \"command\", \"command\": "
                + jsonString(ClaudeHook.command(JQ)) + ", \"timeout\": 600}]}]}}";
        assertEquals(ClaudeSettings.parse("{\"hooks\": {\"PostToolUse\": [" + cagentGroup(JQ) + "]}}"), ClaudeSettings.parse(tampered).withCagentHook(JQ));
    }

    @Test
    void copiesOfTheHookCollapseIntoOneWhereTheFirstWas() {
        ClaudeSettings twice = ClaudeSettings.parse("{\"hooks\": {\"PostToolUse\": [" + cagentGroup(JQ) + ", {\"matcher\": \"Bash\", \"hooks\": ["
                + FOREIGN_HOOK + "]}, " + cagentGroup(OTHER_JQ) + "]}}");
        assertEquals(ClaudeSettings.parse("{\"hooks\": {\"PostToolUse\": [" + cagentGroup(JQ) + ", {\"matcher\": \"Bash\", \"hooks\": [" + FOREIGN_HOOK + "]}]}}"),
                twice.withCagentHook(JQ));
    }

    @Test
    void aHookSharingAGroupWithOthersHooksMovesToItsOwnGroupRightAfter() {
        ClaudeSettings shared = ClaudeSettings.parse("{\"hooks\": {\"PostToolUse\": [{\"matcher\": \"Write|Edit\", \"hooks\": ["
                + FOREIGN_HOOK + ", " + cagentHook(JQ) + "]}]}}");
        assertEquals(ClaudeSettings.parse("{\"hooks\": {\"PostToolUse\": [{\"matcher\": \"Write|Edit\", \"hooks\": [" + FOREIGN_HOOK + "]}, "
                + cagentGroup(JQ) + "]}}"), shared.withCagentHook(JQ));
        assertEquals(ClaudeSettings.parse("{\"hooks\": {\"PostToolUse\": [{\"matcher\": \"Write|Edit\", \"hooks\": [" + FOREIGN_HOOK + "]}]}}"),
                shared.withoutCagentHook());
    }

    @Test
    void removalDropsOnlyWhatItEmptied() {
        ClaudeSettings settings = ClaudeSettings.parse("{\"hooks\": {\"SessionStart\": [], \"PostToolUse\": [" + cagentGroup(JQ) + "]}, \"model\": \"opus\"}");
        assertEquals(ClaudeSettings.parse("{\"hooks\": {\"SessionStart\": []}, \"model\": \"opus\"}"), settings.withoutCagentHook());
        ClaudeSettings onlyCagent = ClaudeSettings.parse("{\"model\": \"opus\", \"hooks\": {\"PostToolUse\": [" + cagentGroup(JQ) + "]}}");
        assertEquals(ClaudeSettings.parse("{\"model\": \"opus\"}"), onlyCagent.withoutCagentHook());
    }

    @Test
    void containersThatWereEmptyBeforeTheHookWentInGoWithIt() {
        // documented: the value keeps no memory of what the file held before, and Claude Code reads an empty "hooks" as none
        ClaudeSettings emptyHooks = ClaudeSettings.parse("{\"hooks\": {}}");
        assertEquals(ClaudeSettings.parse("{}"), emptyHooks.withCagentHook(JQ).withoutCagentHook());
        ClaudeSettings emptyList = ClaudeSettings.parse("{\"hooks\": {\"PostToolUse\": []}}");
        assertEquals(ClaudeSettings.parse("{}"), emptyList.withCagentHook(JQ).withoutCagentHook());
    }

    @Test
    void removingFromSettingsWithoutTheHookChangesNothing() {
        ClaudeSettings settings = ClaudeSettings.parse("{\"hooks\": {\"PostToolUse\": []}}");
        assertSame(settings, settings.withoutCagentHook());
        assertEquals("{\n  \"hooks\": {\n    \"PostToolUse\": []\n  }\n}", settings.withoutCagentHook().toJson().strip());
    }

    @Test
    void anUnusableJqPathIsRefusedBeforeAnyChange() {
        ClaudeSettings settings = ClaudeSettings.empty();
        InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> settings.withCagentHook("jq"));
        assertEquals("jq", e.field());
    }

    static Stream<Arguments> layouts() {
        return Stream.of(
                arguments("{\n  \"a\": 1\n}\n", "{\n  \"a\": 1,\n  \"hooks\": {\n    \"PostToolUse\": ["),
                arguments("{\n    \"a\": 1\n}\n", "{\n    \"a\": 1,\n    \"hooks\": {\n        \"PostToolUse\": ["),
                arguments("{\n\t\"a\": 1\n}\n", "{\n\t\"a\": 1,\n\t\"hooks\": {\n\t\t\"PostToolUse\": ["),
                arguments("{\"a\": 1}", "{\n  \"a\": 1,\n  \"hooks\": {\n    \"PostToolUse\": ["),
                arguments("{\n      \"a\": {\n   \"b\": 1\n      }\n}\n", "{\n   \"a\": {\n      \"b\": 1\n   },\n   \"hooks\": {"),
                arguments("{\r\n  \"a\": 1\r\n}\r\n", "{\r\n  \"a\": 1,\r\n  \"hooks\": {\r\n    \"PostToolUse\": ["));
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void theIndentationUnitAndLineEndingsAreKept(String file, String expectedStart) {
        String written = ClaudeSettings.parse(file).withCagentHook(JQ).toJson();
        assertTrue(written.startsWith(expectedStart), written);
    }

    @Test
    void theFinalNewlineIsKeptOrLeftOut() {
        assertEquals("{\n  \"a\": 1\n}", ClaudeSettings.parse("{\n  \"a\": 1\n}").toJson());
        assertEquals("{\n  \"a\": 1\n}\n", ClaudeSettings.parse("{\n  \"a\": 1\n}\n").toJson());
        assertTrue(ClaudeSettings.parse("{\"a\": 1}").withCagentHook(JQ).toJson().endsWith("}"));
    }

    @Test
    void valuesKeepTheirExactText() {
        String file = "{\n  \"n\": [\n    1.10,\n    1e5,\n    12345678901234567890,\n    -0,\n    1E-7\n  ],\n"
                + "  \"s\": \"é 🚀 <b> & = ' ₿\",\n  \"z\": null\n}\n";
        assertEquals(file, ClaudeSettings.parse(file).toJson());
    }

    @Test
    void escapedStringsRoundTripToEqualValues() {
        ClaudeSettings escaped = ClaudeSettings.parse("{\"s\": \"\\u00e9\\/\\t\\u0001\\ud83d\\ude80\\\"\\\\\"}");
        assertEquals("{\n  \"s\": \"é/\\t\\u0001🚀\\\"\\\\\"\n}", escaped.toJson());
        assertEquals(escaped, ClaudeSettings.parse(escaped.toJson()));
    }

    @Test
    void equalityIsSemanticAndOrderSensitive() {
        ClaudeSettings twoSpaces = ClaudeSettings.parse("{\n  \"a\": 1.10,\n  \"b\": [1e5]\n}\n");
        ClaudeSettings compact = ClaudeSettings.parse("{\"a\":1.1,\"b\":[100000]}");
        assertEquals(twoSpaces, compact, "layout and number spelling do not count");
        assertEquals(twoSpaces.hashCode(), compact.hashCode());
        assertNotEquals(twoSpaces.toJson(), compact.toJson(), "but each keeps its own text");
        assertNotEquals(ClaudeSettings.parse("{\"a\": 1, \"b\": 2}"), ClaudeSettings.parse("{\"b\": 2, \"a\": 1}"));
        assertNotEquals(ClaudeSettings.parse("{\"a\": [1, 2]}"), ClaudeSettings.parse("{\"a\": [2, 1]}"));
        assertNotEquals(ClaudeSettings.parse("{\"a\": \"1\"}"), ClaudeSettings.parse("{\"a\": 1}"));
        assertNotEquals(ClaudeSettings.parse("{\"a\": null}"), ClaudeSettings.parse("{}"));
    }

    @Test
    void toStringSummarisesWithoutContent() {
        ClaudeSettings settings = ClaudeSettings.parse("{\"env\": {\"ANTHROPIC_API_KEY\": \"sk-ant-api03-secret\"}, \"model\": \"opus\"}");
        assertEquals("ClaudeSettings[2 top-level keys, cagent hook absent]", settings.toString());
        assertEquals("ClaudeSettings[3 top-level keys, cagent hook present]", settings.withCagentHook(JQ).toString());
    }

    /** Each refused file, with where the problem is; every one holds a token that must never reach the message. */
    static Stream<Arguments> refusedFiles() {
        return Stream.of(
                arguments("invalid JSON", "{\"env\": {\"TOKEN\": \"sk-ant-XYZ\"} \"x\": 1}", 1, 34, "a ',' is missing"),
                arguments("line comment", "{\n  // sk-ant-XYZ\n  \"a\": 1\n}", 2, 4, "comments"),
                arguments("block comment", "{\n  \"a\": 1 /* sk-ant-XYZ */\n}", 2, 11, "comments"),
                arguments("trailing comma in object", "{\n  \"token\": \"sk-ant-XYZ\",\n}", 3, 2, "member name is missing"),
                arguments("trailing comma in array", "{\"a\": [\"sk-ant-XYZ\",]}", 1, 22, "trailing commas"),
                arguments("duplicate key", "{\"sk-ant-XYZ\": 1,\n \"sk-ant-XYZ\": 2}", 2, 14, "appears twice"),
                arguments("nested duplicate key", "{\"env\": {\"A\": \"sk-ant-XYZ\", \"B\": 1, \"A\": 2}}", 1, 40, "appears twice"),
                arguments("duplicate key spelled with an escape", "{\"sk-ant-XYZ\": 1, \"\\u0073k-ant-XYZ\": 2}", 1, 36, "appears twice"),
                arguments("top-level array", "[\"sk-ant-XYZ\"]", 1, 2, "top level is an array"),
                arguments("top-level string", "\"sk-ant-XYZ\"", 1, 2, "top level is a string"),
                arguments("top-level null", "null", 1, 5, "top level is null"),
                arguments("empty file", "", 1, 1, "the file is empty"),
                arguments("blank file", " \n\n", 3, 1, "the file is empty"),
                arguments("unclosed object", "{\"a\": \"sk-ant-XYZ\"", 1, 19, "ends early"),
                arguments("unterminated string", "{\"a\": \"sk-ant-XYZ", 1, 18, "not closed"),
                arguments("single quotes", "{'a': 'sk-ant-XYZ'}", 1, 3, "single quotes"),
                arguments("unquoted name", "{sk: 1}", 1, 3, "unquoted names"),
                arguments("NaN", "{\"a\": NaN, \"b\": \"sk-ant-XYZ\"}", 1, 7, "not strict JSON"),
                arguments("raw newline in a string", "{\"a\": \"sk-ant\nXYZ\"}", 1, 8, "raw control character"),
                arguments("bad unicode escape", "{\"a\": \"sk-ant-\\uXYZ0\"}", 1, 17, "invalid \\u escape"),
                arguments("bad escape", "{\"a\": \"sk-ant-XYZ\\q\"}", 1, 20, "invalid escape"),
                arguments("lone surrogate", "{\"a\": \"sk-ant-XYZ\\ud800\"}", 1, 25, "unpaired surrogate"),
                arguments("text after the object", "{\"a\": 1} sk-ant-XYZ", 1, 11, "not strict JSON"),
                arguments("second object", "{\"a\": 1}\n{\"b\": \"sk-ant-XYZ\"}", 2, 2, "not strict JSON"),
                arguments("hooks is an array", "{\"hooks\": [\"sk-ant-XYZ\"]}", 1, 12, "\"hooks\" is an array, not an object"),
                arguments("hooks is null", "{\"hooks\": null, \"x\": \"sk-ant-XYZ\"}", 1, 15, "\"hooks\" is null, not an object"),
                arguments("PostToolUse is an object", "{\"hooks\": {\"PostToolUse\": {\"x\": \"sk-ant-XYZ\"}}}", 1, 28, "\"PostToolUse\" is an object, not an array"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedFiles")
    void refusedFilesAreNamedByPositionNeverByContent(String kind, String file, int line, int column, String problem) {
        SettingsParseException e = assertThrows(SettingsParseException.class, () -> ClaudeSettings.parse(file));
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().startsWith("settings file, line " + line + ", column " + column + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().contains(". Fix: "), e.getMessage());
        for (String secret : new String[] {"sk-ant", "XYZ", "sk:", "token", "gson", "Strictness", "$."}) {
            assertFalse(e.getMessage().contains(secret), "the message must not quote the file or Gson's advice: " + e.getMessage());
        }
        assertEquals(null, e.getCause(), "no cause: Gson's messages quote the file");
    }

    @Test
    void aDuplicateInsideAnArrayOfObjectsIsFoundToo() {
        assertThrows(SettingsParseException.class, () -> ClaudeSettings.parse("{\"a\": [{\"k\": 1}, {\"k\": 1, \"k\": 2}]}"));
        assertEquals(ClaudeSettings.parse("{\"a\": [{\"k\": 1}, {\"k\": 2}]}").hashCode(), ClaudeSettings.parse("{\"a\":[{\"k\":1},{\"k\":2}]}").hashCode());
    }
}
