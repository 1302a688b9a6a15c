package dev.cagent;

import dev.cagent.claude.ClaudeHook;
import dev.cagent.claude.HookRun;
import dev.cagent.seatbelt.SeatbeltPolicy;
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
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Attacks on the Claude Code hook command (run for real in /bin/sh with jq) and on the Seatbelt
 * profile's text (read back with an independent SBPL evaluator: last matching rule wins).
 */
class HookAndSeatbeltAttackTest {

    // ================================================================== hook

    @Nested
    class Hook {

        @TempDir
        Path dir;

        @TempDir
        Path outside;

        private String command;

        @BeforeEach
        void locateJq() {
            Path jq = findJq();
            assumeTrue(jq != null, "jq not installed");
            command = ClaudeHook.command(jq.toString());
        }

        private Path file(Path where, String name, String mode) throws IOException {
            Path file = Files.writeString(where.resolve(name), "text\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            return file;
        }

        private String call(String pathJson) {
            return "{\"session_id\":\"s\",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Write\",\"tool_input\":{\"file_path\":" + pathJson
                    + ",\"content\":\"x\"}}";
        }

        private String quoted(String s) {
            return new com.google.gson.JsonPrimitive(s).toString();
        }

        @Test
        void dotDotLeadsChmodOutsideTheWorkspace() throws IOException {
            Path secret = file(outside, "secret.txt", "rw-------");
            HookRun run = runHook(command, dir, call(quoted(dir + "/../" + outside.getFileName() + "/secret.txt")));
            run.assertQuiet();
            // documented scope is "an absolute path naming an existing regular file": '..' is not refused
            assertEquals("rw-rw----", mode(secret), "documents behaviour: '..' is followed (the hook runs as the agent, so only its own files)");
        }

        @Test
        void unicodeEscapesForTheSlashAreJustSlashes() throws IOException {
            Path f = file(dir, "esc.txt", "rw-r--r--");
            String json = quoted(f.toString()).replace("/", "\\u002f");
            runHook(command, dir, call(json)).assertQuiet();
            assertEquals("rw-rw-r--", mode(f));
        }

        @Test
        void aLeadingDashNameWorksAndIsNoOption() throws IOException {
            Path f = file(dir, "-R", "rw-r--r--");
            Path sub = Files.createDirectory(dir.resolve("-Rdir"));
            Path inner = file(sub, "in.txt", "rw-------");
            runHook(command, dir, call(quoted(f.toString()))).assertQuiet();
            runHook(command, dir, call("\"-R\"")).assertQuiet();
            runHook(command, dir, call("\"--version\"")).assertQuiet();
            assertEquals("rw-rw-r--", mode(f));
            assertEquals("rw-------", mode(inner));
        }

        @Test
        void commandSubstitutionAndBackticksInEscapedJsonRunNothing() throws IOException {
            Path canary = dir.resolve("pwned");
            for (String evil : List.of(dir + "/$(touch " + canary + ")", dir + "/`touch " + canary + "`", dir + "/x\";touch " + canary + ";\"",
                    dir + "/x';touch " + canary + ";'", dir + "/\n$(touch " + canary + ")\n")) {
                runHook(command, dir, call(quoted(evil))).assertQuiet();
            }
            assertFalse(Files.exists(canary));
        }

        @Test
        void twoJsonDocumentsOnStdinDoNotCombineIntoAThirdPath() throws IOException {
            // jq -j joins the outputs of several documents: "/d/x." + "/y." -> "/d/x./y"
            Path combinedDir = Files.createDirectory(dir.resolve("x."));
            Path combined = file(combinedDir, "y", "rw-------");
            String first = call(quoted(dir + "/x"));
            String second = call(quoted("/y"));
            runHook(command, dir, first + "\n" + second).assertQuiet();
            assertEquals("rw-------", mode(combined), "a file neither document named changed its mode");
        }

        @Test
        void invalidUtf8InThePathDoesNotNameAnotherFile() throws IOException {
            // jq turns the byte 0xFF into U+FFFD: a file whose name holds U+FFFD must not be changed instead
            Path replaced = file(dir, "a\uFFFDb.txt", "rw-------");
            byte[] prefix = ("{\"tool_input\":{\"file_path\":\"" + dir + "/a").getBytes(StandardCharsets.UTF_8);
            byte[] suffix = "b.txt\"}}".getBytes(StandardCharsets.UTF_8);
            byte[] stdin = new byte[prefix.length + 1 + suffix.length];
            System.arraycopy(prefix, 0, stdin, 0, prefix.length);
            stdin[prefix.length] = (byte) 0xFF;
            System.arraycopy(suffix, 0, stdin, prefix.length + 1, suffix.length);
            runHook(command, dir, stdin).assertQuiet();
            assertEquals("rw-------", mode(replaced), "jq's replacement character named another file");
        }

        @Test
        void aLoneSurrogateEscapeDoesNotNameTheReplacementFile() throws IOException {
            Path replaced = file(dir, "a\uFFFDb.txt", "rw-------");
            runHook(command, dir, call("\"" + dir + "/a\\ud800b.txt\"")).assertQuiet();
            assertEquals("rw-------", mode(replaced), "jq's replacement of a lone surrogate named another file");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{}", "{\"tool_input\":null}", "{\"tool_input\":[{\"file_path\":\"/etc/passwd\"}]}", "{\"tool_input\":\"/etc\"}",
                "{\"tool_input\":{\"file_path\":[\"/x\"]}}", "{\"tool_input\":{\"file_path\":true}}", "\u0000\u0001", "{\"a\":1}{",
                "{\"tool_input\":{\"file_path\":\"/\"}}", "{\"tool_input\":{\"file_path\":\"\"}}"})
        void oddJsonExitsZeroQuietly(String stdin) {
            runHook(command, dir, stdin).assertQuiet();
        }

        @Test
        void deeplyNestedJsonExitsZeroQuietly() {
            String deep = "[".repeat(200_000) + "]".repeat(200_000);
            runHook(command, dir, deep).assertQuiet();
        }

        @Test
        void hugeJsonStillWorksWithinTheTimeout() throws IOException {
            Path f = file(dir, "big.txt", "rw-r--r--");
            String content = "x".repeat(30 * 1024 * 1024);
            String json = "{\"tool_name\":\"Write\",\"tool_input\":{\"content\":\"" + content + "\",\"file_path\":" + quoted(f.toString()) + "}}";
            long start = System.nanoTime();
            runHook(command, dir, json).assertQuiet();
            assertEquals("rw-rw-r--", mode(f), "after " + (System.nanoTime() - start) / 1_000_000 + " ms");
        }

        @Test
        void aFifoIsNotOpenedAndDoesNotHangTheHook() throws Exception {
            Path fifo = dir.resolve("fifo");
            Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
            assumeTrue(mk.waitFor() == 0);
            String before = mode(fifo);
            runHook(command, dir, call(quoted(fifo.toString()))).assertQuiet();
            assertEquals(before, mode(fifo));
        }

        @Test
        void withoutJqAHugeInputStillExitsZero() {
            String noJq = ClaudeHook.command(dir.resolve("none/jq").toString());
            runHook(noJq, dir, "{\"tool_input\":{\"content\":\"" + "y".repeat(5 * 1024 * 1024) + "\"}}").assertQuiet();
        }
    }

    private static Path findJq() {
        Stream<Path> candidates = Stream.concat(Stream.of(Paths.get("/usr/bin/jq")),
                Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).filter(p -> !p.isEmpty()).map(p -> Paths.get(p, "jq")));
        return candidates.filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static HookRun runHook(String command, Path cwd, String stdin) {
        return HookRun.of(command, cwd, stdin.getBytes(StandardCharsets.UTF_8));
    }

    private static HookRun runHook(String command, Path cwd, byte[] stdin) {
        return HookRun.of(command, cwd, stdin);
    }

    // ================================================================== seatbelt

    @Nested
    class Seatbelt {

        private CagePlan.Builder base() {
            return Cage.forUser("meeseeks").home("/Users/meeseeks").human("alice").collaborationGroup("collabo")
                    .workspace("/Users/meeseeks/workshop");
        }

        private SeatbeltProfile profile(CagePlan plan) {
            return plan.step(SeatbeltProfile.class).orElseThrow();
        }

        @Test
        void aDenyIsNotUndoneByABroaderOrNarrowerAllowance() {
            CagePlan plan = base().deny("/Users/alice").denyListing("/Users")
                    .seatbeltReadable("/Users")                    // broader
                    .seatbeltWritable("/Users/alice/project")      // narrower
                    .seatbeltReadable("/Users/alice/Documents")    // narrower
                    .acceptRisk("SEATBELT_NO_WORKSPACE_WRITE").build();
            Sbpl sbpl = new Sbpl(profile(plan));
            for (String p : List.of("/Users/alice", "/Users/alice/.ssh/id_ed25519", "/Users/alice/project/x", "/Users/alice/Documents/tax.pdf")) {
                assertFalse(sbpl.allows("file-read-data", p, false), "read " + p);
                assertFalse(sbpl.allows("file-write-data", p, false), "write " + p);
                assertFalse(sbpl.allows("file-read-metadata", p, true), "stat " + p);
            }
            assertFalse(sbpl.allows("file-read-data", "/Users", true), "list /Users");
            assertTrue(sbpl.allows("file-read-data", "/Users/bob/x", false), "sanity: the broader allowance works elsewhere");
            assertTrue(sbpl.allows("file-write-data", "/Users/meeseeks/workshop/a", false), "sanity: workspace writable");
            assertFalse(sbpl.allows("file-write-unlink", "/Users", true), "rename of a parent");
        }

        @Test
        void theModelAndTheTextAgree() {
            CagePlan plan = base().deny("/Users/alice").denyListing("/Users").denyListing("/private/etc").deny("/Library/Keychains")
                    .deny("/Users/meeseeks/workshop/secrets").denyListing("/Users/meeseeks/workshop/closed")
                    .seatbeltReadable("/Users/Shared").build();
            SeatbeltProfile profile = profile(plan);
            Sbpl sbpl = new Sbpl(profile);
            List<String> probes = List.of("/", "/Users", "/Users/alice", "/Users/alice/x", "/Users/meeseeks", "/Users/meeseeks/workshop/a",
                    "/Users/meeseeks/workshop/secrets", "/Users/meeseeks/workshop/secrets/k", "/Users/meeseeks/workshop/closed",
                    "/Users/meeseeks/workshop/closed/f", "/private/etc", "/private/etc/hosts", "/Library/Keychains/x", "/Users/Shared/y",
                    "/private/tmp/z", "/usr/bin/env", "/opt/homebrew/bin/jq", "/Applications/x");
            List<String> disagree = new ArrayList<>();
            for (String p : probes) {
                if (SeatbeltPolicy.allowsReading(profile, p) != sbpl.allows("file-read-data", p, false)) {
                    disagree.add("read " + p + ": model " + SeatbeltPolicy.allowsReading(profile, p));
                }
                if (SeatbeltPolicy.allowsWriting(profile, p) != sbpl.allows("file-write-data", p, false)) {
                    disagree.add("write " + p + ": model " + SeatbeltPolicy.allowsWriting(profile, p));
                }
            }
            assertEquals(List.of(), disagree);
        }

        @ParameterizedTest
        @ValueSource(strings = {"/Users/Shared/a\"b", "/Users/Shared/a\\b", "/Users/Shared/a)(allow default)(", "/Users/Shared/a;b",
                "/Users/Shared/#\"x\"", "/Users/Shared/.*", "/Users/Shared/[a-z]+$", "/Users/Shared/a=b", "/Users/Shared/(param \"X\")"})
        void hostilePathsStayParametersAndTheTextParses(String hostile) throws Exception {
            CagePlan plan = base().deny(hostile).denyListing(hostile + "/l").seatbeltReadable(hostile + "/r").seatbeltWritable(hostile + "/w").build();
            SeatbeltProfile profile = profile(plan);
            String text = SeatbeltPolicy.render(profile);
            assertFalse(text.contains("Shared"), text);
            sexpParse(text);
            Map<String, String> params = SeatbeltPolicy.parameters(profile);
            assertTrue(params.containsValue(hostile), params.toString());
            // -D NAME=VALUE: the first '=' splits, so the value comes back whole
            params.forEach((k, v) -> {
                String word = k + "=" + v;
                assertEquals(v, word.substring(word.indexOf('=') + 1));
            });
            Sbpl sbpl = new Sbpl(profile);
            assertFalse(sbpl.allows("file-read-data", hostile + "/r/x", false), "hidden beats readable below it");
            assertFalse(sbpl.allows("file-write-data", hostile + "/w/x", false), "hidden beats writable below it");
        }

        @ParameterizedTest
        @ValueSource(strings = {"/Users/a\nb", "/Users/a\rb", "/Users/a\u0000b", "/Users/a\u0085b", "/Users/a\u2028b", "/Users/a\u202Eb"})
        void controlAndLineBreakCharactersAreRefused(String bad) {
            assertThrows(InvalidPlanException.class, () -> base().seatbeltReadable(bad).build(), Texts.visible(bad));
        }
    }

    private static void sexpParse(String text) throws Exception {
        Class<?> sexp = Class.forName("dev.cagent.seatbelt.Sexp");
        Method parse = sexp.getDeclaredMethod("parse", String.class);
        parse.setAccessible(true);
        try {
            parse.invoke(null, text);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new AssertionError("profile does not parse: " + e.getCause().getMessage() + "\n" + text, e.getCause());
        }
    }

    /**
     * A tiny independent SBPL evaluator for file operations: rules in order, the last that matches
     * decides; filters literal, subpath, regex, vnode-type, with (param "X") resolved.
     */
    static final class Sbpl {
        private final List<List<Object>> rules = new ArrayList<>();
        private final Map<String, String> params;

        record Str(String value) {
        }

        Sbpl(SeatbeltProfile profile) {
            this.params = SeatbeltPolicy.parameters(profile);
            String text = SeatbeltPolicy.render(profile);
            int[] pos = {0};
            while (true) {
                skip(text, pos);
                if (pos[0] >= text.length()) {
                    break;
                }
                @SuppressWarnings("unchecked")
                List<Object> form = (List<Object>) read(text, pos);
                rules.add(form);
            }
        }

        private static void skip(String t, int[] p) {
            while (p[0] < t.length()) {
                char c = t.charAt(p[0]);
                if (c == ';') {
                    while (p[0] < t.length() && t.charAt(p[0]) != '\n') {
                        p[0]++;
                    }
                } else if (Character.isWhitespace(c)) {
                    p[0]++;
                } else {
                    return;
                }
            }
        }

        private static Object read(String t, int[] p) {
            skip(t, p);
            char c = t.charAt(p[0]);
            if (c == '(') {
                p[0]++;
                List<Object> list = new ArrayList<>();
                while (true) {
                    skip(t, p);
                    if (t.charAt(p[0]) == ')') {
                        p[0]++;
                        return list;
                    }
                    list.add(read(t, p));
                }
            }
            if (c == '"' || (c == '#' && t.charAt(p[0] + 1) == '"')) {
                boolean regex = c == '#';
                p[0] += regex ? 2 : 1;
                StringBuilder sb = new StringBuilder();
                while (t.charAt(p[0]) != '"') {
                    if (t.charAt(p[0]) == '\\' && !regex) {
                        p[0]++;
                    }
                    sb.append(t.charAt(p[0]++));
                }
                p[0]++;
                return regex ? List.of("#regex", sb.toString()) : new Str(sb.toString());
            }
            int start = p[0];
            while (p[0] < t.length() && !Character.isWhitespace(t.charAt(p[0])) && t.charAt(p[0]) != '(' && t.charAt(p[0]) != ')') {
                p[0]++;
            }
            return t.substring(start, p[0]);
        }

        boolean allows(String operation, String path, boolean directory) {
            Boolean decision = null;
            for (List<Object> rule : rules) {
                if (!(rule.get(0) instanceof String action) || !(action.equals("allow") || action.equals("deny"))) {
                    continue;
                }
                List<String> ops = new ArrayList<>();
                List<List<?>> filters = new ArrayList<>();
                for (Object o : rule.subList(1, rule.size())) {
                    if (o instanceof String s) {
                        ops.add(s);
                    } else if (o instanceof List<?> l) {
                        filters.add(l);
                    }
                }
                boolean opMatches = ops.stream().anyMatch(o -> o.equals("default") || o.equals(operation)
                        || (o.endsWith("*") && operation.startsWith(o.substring(0, o.length() - 1))));
                if (!opMatches) {
                    continue;
                }
                boolean filterMatches = filters.isEmpty() || filters.stream().anyMatch(f -> matches(f, path, directory));
                if (filterMatches) {
                    decision = action.equals("allow");
                }
            }
            return Boolean.TRUE.equals(decision);
        }

        private boolean matches(List<?> filter, String path, boolean directory) {
            String kind = (String) filter.get(0);
            if (kind.equals("#regex")) {
                return false;
            }
            Object arg = filter.get(1);
            return switch (kind) {
                case "literal" -> path.equals(value(arg));
                case "subpath" -> MacPaths.isSameOrBelow(path, value(arg));
                case "regex" -> arg instanceof List<?> r && Pattern.compile((String) r.get(1)).matcher(path).find();
                case "vnode-type" -> directory && arg.equals("DIRECTORY");
                default -> false; // target, global-name, remote, local: not file filters
            };
        }

        private String value(Object arg) {
            if (arg instanceof Str s) {
                return s.value();
            }
            List<?> param = (List<?>) arg;
            assertEquals("param", param.get(0));
            String name = ((Str) param.get(1)).value();
            String v = params.get(name);
            if (v == null) {
                throw new AssertionError("the profile reads parameter " + name + ", which the launcher does not pass");
            }
            return v;
        }
    }
}
