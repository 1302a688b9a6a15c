package dev.cagent.claude;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the hook command for real in {@code /bin/sh}, with the JSON Claude Code sends, against
 * real files, and checks their modes before and after.
 */
class ClaudeHookCommandTest {

    @TempDir
    Path dir;

    /** The hook with a jq that runs: skipped when jq is not installed, unless CAGENT_REQUIRE_JQ=1. */
    @Nested
    class WithJq {

        private String command;

        @BeforeEach
        void locateJq() {
            Path jq = findJq();
            if (jq == null && "1".equals(System.getenv("CAGENT_REQUIRE_JQ"))) {
                fail("jq is not installed but CAGENT_REQUIRE_JQ=1: install jq (apt-get install -y jq, or brew install jq) to test the hook command");
            }
            assumeTrue(jq != null, "jq is not installed: the hook command's tests with jq are skipped (set CAGENT_REQUIRE_JQ=1 to make this a failure)");
            command = ClaudeHook.command(jq.toString());
        }

        @Test
        void writeMakesTheFileGroupWritable() throws IOException {
            Path file = file("written.txt", "rw-r--r--");
            HookRun run = runHook(command, toolCall("Write", input(file, "content", "x"), response(file)));
            run.assertQuiet();
            assertEquals("rw-rw-r--", mode(file));
        }

        @Test
        void editKeepsExecuteBits() throws IOException {
            Path file = file("script.sh", "rwxr-xr-x");
            JsonObject in = input(file, "old_string", "a");
            in.addProperty("new_string", "b");
            runHook(command, toolCall("Edit", in, response(file))).assertQuiet();
            assertEquals("rwxrwxr-x", mode(file));
        }

        @Test
        void multiEditWithItsEditsList() throws IOException {
            Path file = file("private.txt", "rw-------");
            JsonObject in = new JsonObject();
            in.addProperty("file_path", file.toString());
            JsonArray edits = new JsonArray();
            JsonObject edit = new JsonObject();
            edit.addProperty("old_string", "a");
            edit.addProperty("new_string", "b");
            edits.add(edit);
            in.add("edits", edits);
            runHook(command, toolCall("MultiEdit", in, response(file))).assertQuiet();
            assertEquals("rw-rw----", mode(file));
        }

        @Test
        void notebookEditUsesNotebookPath() throws IOException {
            Path file = file("analysis.ipynb", "rw-r-----");
            JsonObject in = new JsonObject();
            in.addProperty("notebook_path", file.toString());
            in.addProperty("cell_id", "c1");
            in.addProperty("new_source", "print(1)");
            runHook(command, toolCall("NotebookEdit", in, null)).assertQuiet();
            assertEquals("rw-rw----", mode(file));
        }

        @Test
        void theResponsePathAloneIsEnough() throws IOException {
            Path file = file("from-response.txt", "rw-r--r--");
            runHook(command, toolCall("Write", new JsonObject(), response(file))).assertQuiet();
            assertEquals("rw-rw-r--", mode(file));
        }

        @Test
        void noPathMeansNoAction() throws IOException {
            // the seed's hook ran chmod on "null" here: a file of that name in the working directory must stay as it is
            Path namedNull = file("null", "rw-r--r--");
            JsonObject in = new JsonObject();
            in.addProperty("command", "ls");
            runHook(command, toolCall("Bash", in, null)).assertQuiet();
            assertEquals("rw-r--r--", mode(namedNull));
        }

        @Test
        void aMissingFileIsNotCreated() {
            Path missing = dir.resolve("missing.txt");
            runHook(command, toolCall("Write", input(missing, "content", "x"), response(missing))).assertQuiet();
            assertFalse(Files.exists(missing, LinkOption.NOFOLLOW_LINKS));
        }

        @Test
        void aSymbolicLinkAndItsTargetAreLeftAlone() throws IOException {
            Path target = file("target.txt", "rw-r--r--");
            Path link = Files.createSymbolicLink(dir.resolve("link.txt"), target);
            runHook(command, toolCall("Write", input(link, "content", "x"), response(link))).assertQuiet();
            assertEquals("rw-r--r--", mode(target));
        }

        @Test
        void aDirectoryIsLeftAlone() throws IOException {
            Path sub = Files.createDirectory(dir.resolve("sub"));
            Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr-xr-x"));
            runHook(command, toolCall("Write", input(sub, "content", "x"), null)).assertQuiet();
            assertEquals("rwxr-xr-x", mode(sub));
        }

        @Test
        void aRelativePathIsIgnored() throws IOException {
            Path file = file("relative.txt", "rw-r--r--");
            JsonObject in = new JsonObject();
            in.addProperty("file_path", "relative.txt");
            runHook(command, toolCall("Write", in, null)).assertQuiet();
            assertEquals("rw-r--r--", mode(file));
        }

        @ParameterizedTest
        @ValueSource(strings = {"with space.txt", "single'quote.txt", "double\"quote.txt", "$HOME.txt", "$(touch pwned).txt",
                "`touch pwned`.txt", "back\\slash.txt", "-rf", "--", "-", "star*.txt", "semi;colon|pipe&amp.txt",
                "été 🚀 файл.txt", "trailing newline\n", "\nleading newline", "tab\there.txt", "trailing dot."})
        void awkwardNamesWork(String name) throws IOException {
            Path file = file(name, "rw-r--r--");
            runHook(command, toolCall("Edit", input(file, "old_string", "a"), response(file))).assertQuiet();
            assertEquals("rw-rw-r--", mode(file));
            try (Stream<Path> entries = Files.list(dir)) {
                assertEquals(List.of(file), entries.toList(), "the name ran no command and touched nothing else");
            }
        }

        @Test
        void aNulInThePathIsRefusedRatherThanDropped() throws IOException {
            // a shell would drop the NUL and chmod "ab", which is not the file the tool named
            Path withoutNul = file("ab", "rw-r--r--");
            JsonObject in = new JsonObject();
            in.addProperty("file_path", dir + "/a\u0000b");
            runHook(command, toolCall("Write", in, null)).assertQuiet();
            assertEquals("rw-r--r--", mode(withoutNul));
        }

        @Test
        void aPathThatIsNotAStringIsIgnored() throws IOException {
            JsonObject in = new JsonObject();
            JsonObject notAString = new JsonObject();
            notAString.addProperty("path", dir.toString());
            in.add("file_path", notAString);
            runHook(command, toolCall("Write", in, null)).assertQuiet();
            in.addProperty("file_path", 42);
            runHook(command, toolCall("Write", in, null)).assertQuiet();
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "not json", "{\"tool_input\": {\"file_path\": ", "[1, 2]", "null"})
        void brokenInputExitsZeroQuietly(String stdin) {
            runHook(command, stdin).assertQuiet();
        }

        @Test
        void aFailingChmodStillExitsZero() {
            // the shell's own status file: a regular file whose mode even root cannot change
            assumeTrue(Files.isRegularFile(Paths.get("/proc/self/status")), "needs Linux /proc");
            JsonObject in = new JsonObject();
            in.addProperty("file_path", "/proc/self/status");
            runHook(command, toolCall("Write", in, null)).assertQuiet();
        }

        @Test
        void aJqPathWithASpaceWorks() throws IOException {
            Path jqDir = Files.createDirectory(dir.resolve("my tools"));
            Path jq = Files.writeString(jqDir.resolve("jq"), "#!/bin/sh\nexec '" + findJq() + "' \"$@\"\n");
            Files.setPosixFilePermissions(jq, PosixFilePermissions.fromString("rwx------"));
            Path file = file("f.txt", "rw-r--r--");
            runHook(ClaudeHook.command(jq.toString()), toolCall("Write", input(file, "content", "x"), response(file))).assertQuiet();
            assertEquals("rw-rw-r--", mode(file));
        }
    }

    /** Without jq (not installed where the hook looks) the hook must do nothing and still succeed. */
    @Nested
    class WithoutJq {

        @Test
        void nothingChangesAndTheExitCodeIsZero() throws IOException {
            String command = ClaudeHook.command(dir.resolve("no-such-dir/jq").toString());
            Path file = file("written.txt", "rw-r--r--");
            runHook(command, toolCall("Write", input(file, "content", "x"), response(file))).assertQuiet();
            assertEquals("rw-r--r--", mode(file));
        }

        @Test
        void aJqThatFailsChangesNothing() throws IOException {
            Path failingJq = Files.writeString(dir.resolve("jq"), "#!/bin/sh\necho /etc/passwd\nexit 3\n");
            Files.setPosixFilePermissions(failingJq, PosixFilePermissions.fromString("rwx------"));
            Path file = file("written.txt", "rw-r--r--");
            runHook(ClaudeHook.command(failingJq.toString()), toolCall("Write", input(file, "content", "x"), response(file))).assertQuiet();
            assertEquals("rw-r--r--", mode(file));
        }
    }

    private Path file(String name, String mode) throws IOException {
        Path file = Files.writeString(dir.resolve(name), "text\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static JsonObject input(Path file, String field, String value) {
        JsonObject in = new JsonObject();
        in.addProperty("file_path", file.toString());
        in.addProperty(field, value);
        return in;
    }

    private static JsonObject response(Path file) {
        JsonObject out = new JsonObject();
        out.addProperty("filePath", file.toString());
        out.addProperty("success", true);
        return out;
    }

    /** The JSON Claude Code writes to a PostToolUse hook's stdin. */
    private static String toolCall(String tool, JsonObject toolInput, JsonObject toolResponse) {
        JsonObject call = new JsonObject();
        call.addProperty("session_id", "s");
        call.addProperty("transcript_path", "/Users/meeseeks/.claude/projects/p/s.jsonl");
        call.addProperty("cwd", "/Users/meeseeks/workshop");
        call.addProperty("hook_event_name", "PostToolUse");
        call.addProperty("tool_name", tool);
        call.add("tool_input", toolInput);
        if (toolResponse != null) {
            call.add("tool_response", toolResponse);
        }
        return call.toString();
    }

    private HookRun runHook(String command, String stdin) {
        return HookRun.of(command, dir, stdin.getBytes(StandardCharsets.UTF_8));
    }

    /** jq at /usr/bin/jq (where macOS 15 ships it) or on PATH; null when absent. */
    private static Path findJq() {
        Stream<Path> candidates = Stream.concat(Stream.of(Paths.get("/usr/bin/jq")),
                Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).filter(p -> !p.isEmpty()).map(p -> Paths.get(p, "jq")));
        return candidates.filter(Files::isExecutable).findFirst().orElse(null);
    }
}
