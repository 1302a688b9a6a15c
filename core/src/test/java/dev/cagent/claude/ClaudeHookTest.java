package dev.cagent.claude;

import dev.cagent.InvalidPlanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClaudeHookTest {

    @Test
    void theMatcherNamesEveryToolThatWritesFiles() {
        assertEquals("Write|Edit|MultiEdit|NotebookEdit", ClaudeHook.MATCHER);
    }

    @Test
    void theCommandIsExactlyThis() {
        assertEquals(": cagent-share-hook; f=$(/usr/bin/jq -n -j 'input | (.tool_input.file_path // .tool_input.notebook_path // .tool_response.filePath // empty)"
                        + " | strings | select(startswith(\"/\") and (explode | all(. != 0 and . != 65533))) | . + \".\"' 2>/dev/null) || exit 0;"
                        + " f=${f%.}; [ -n \"$f\" ] && [ -f \"$f\" ] && [ ! -L \"$f\" ] && /bin/chmod g+rw -- \"$f\" 2>/dev/null; exit 0",
                ClaudeHook.command("/usr/bin/jq"));
    }

    @Test
    void aJqPathThatNeedsQuotingIsSingleQuoted() {
        String command = ClaudeHook.command("/Users/Shared/My Tools/$jq`x`");
        assertTrue(command.contains(" f=$('/Users/Shared/My Tools/$jq`x`' -n -j "), command);
    }

    @Test
    void aJqPathInDecomposedFormIsWrittenComposed() {
        assertTrue(ClaudeHook.command("/opt/cafe\u0301/jq").contains(" f=$('/opt/caf\u00e9/jq' -n -j "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jq", "bin/jq", "~/bin/jq", "/usr/bin/jq/", "/usr/../bin/jq", "//usr/bin/jq", "/opt/it's/jq", "/opt/\"q\"/jq",
            "/opt/back\\slash/jq", "/usr/bin/jq\n", "/usr/bin/j\u0000q", "/usr/bin/\u202ejq", ""})
    void unusableJqPathsAreRefusedNamingThePath(String jqPath) {
        InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> ClaudeHook.command(jqPath));
        assertEquals("jq", e.field());
        assertTrue(e.getMessage().startsWith("jq: "), e.getMessage());
        assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20 || c == 0x202e), "the message shows control characters escaped: " + e.getMessage());
    }

    @Test
    void aNullJqPathIsRefused() {
        assertEquals("jq: path is missing (null)", assertThrows(InvalidPlanException.class, () -> ClaudeHook.command(null)).getMessage());
    }

    @Test
    void aQuoteInTheJqPathIsNamedWithTheFix() {
        InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> ClaudeHook.command("/opt/it's/jq"));
        assertEquals("jq: path '/opt/it's/jq' contains the quote ', which the hook command cannot carry unaltered:"
                + " install or link jq at a path without quotes or backslashes, e.g. /usr/local/bin/jq", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usr/bin/jq", "/opt/homebrew/bin/jq", "/Users/Shared/My Tools/jq"})
    void cagentRecognisesItsCommandWhateverTheJqPath(String jqPath) {
        assertTrue(ClaudeHook.isCagentHook(ClaudeHook.command(jqPath)));
    }

    @Test
    void otherCommandsAreNotCagents() {
        assertFalse(ClaudeHook.isCagentHook("jq -r '.tool_response.filePath // .tool_input.file_path' | { read -r f; [ -f \"$f\" ] && chmod 664 \"$f\"; } 2>/dev/null || true"));
        assertFalse(ClaudeHook.isCagentHook("echo : cagent-share-hook;"));
        assertFalse(ClaudeHook.isCagentHook(" : cagent-share-hook; moved by hand"), "only the exact prefix counts");
        assertFalse(ClaudeHook.isCagentHook(""));
        assertFalse(ClaudeHook.isCagentHook(null));
    }
}
