package dev.cagent.seatbelt;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.SeatbeltProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated profile read back with an independent S-expression reader: exactly the reviewed
 * text for the corrected seed plan, well-formed SBPL that starts closed, every path of the plan a
 * parameter and none pasted in, the plan's denies last, and nothing that depends on path values.
 */
class SeatbeltPolicyTest {

    /** The corrected cage of the seed (as the macOS tests build it) with the profile's defaults. */
    static CagePlan correctedWithSeatbelt() {
        return Cage.forUser("meeseeks")
                .realName("Mr. Meeseeks")
                .human("alice")
                .deny("/Users/alice")
                .denyListing("/Users")
                .denyListing("/private/etc")
                .denyListing("/private/var")
                .deny("/Library/Keychains")
                .collaborationGroup("collabo")
                .workspace("/Users/meeseeks/workshop")
                .humanUmask("002")
                .claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED)
                .seatbelt()
                .build();
    }

    static SeatbeltProfile profile(CagePlan plan) {
        return plan.step(SeatbeltProfile.class).orElseThrow();
    }

    /** The only paths the text may name itself: the system's, never one of the plan's. */
    static final Set<String> FIXED_PATHS = Set.of("/", "/etc", "/tmp", "/var",
            "/usr", "/bin", "/sbin", "/System/Library", "/System/Volumes/Preboot/Cryptexes", "/Library/Apple", "/Library/Developer/CommandLineTools",
            "/private/etc", "/private/var/db", "/private/var/select",
            "/dev/null", "/dev/zero", "/dev/tty", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/dtracehelper", "/dev/fd",
            "/dev/random", "/dev/urandom", "/dev/autofs_nowait", "/dev/ptmx",
            "/private/var/run/mDNSResponder", "/private/var/run/resolv.conf");

    /** Rules that take no filter: they are about processes, not paths. */
    static final Set<String> FILTERLESS = Set.of("(deny default)", "(allow process-exec)", "(allow process-fork)", "(allow sysctl-read)",
            "(allow mach-host*)", "(allow user-preference-read)", "(allow ipc-posix-sem)", "(allow pseudo-tty)", "(allow system-socket)");

    static final Pattern PARAMETER_NAME = Pattern.compile("(WRITABLE_ROOT|READABLE|HIDDEN|UNREADABLE|PROTECTED_PARENT)_[0-9]+");

    @Test
    void theCorrectedPlansProfileIsTheReviewedText() throws IOException {
        String golden;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/seatbelt/corrected-plan.sb"), "golden file")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(golden, SeatbeltPolicy.render(profile(correctedWithSeatbelt())));
    }

    @Test
    void theCorrectedPlansParametersAreItsPaths() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("WRITABLE_ROOT_0", "/Users/meeseeks");
        expected.put("WRITABLE_ROOT_1", "/Users/meeseeks/workshop");
        expected.put("WRITABLE_ROOT_2", "/private/tmp");
        expected.put("WRITABLE_ROOT_3", "/private/var/folders");
        expected.put("READABLE_0", "/opt/homebrew");
        expected.put("READABLE_1", "/Library/Application Support/ClaudeCode");
        expected.put("READABLE_2", "/Library/Application Support/cagent/meeseeks/claude-settings.json");
        expected.put("HIDDEN_0", "/Users/alice");
        expected.put("HIDDEN_1", "/Library/Keychains");
        expected.put("UNREADABLE_0", "/Users");
        expected.put("UNREADABLE_1", "/private/etc");
        expected.put("UNREADABLE_2", "/private/var");
        expected.put("PROTECTED_PARENT_0", "/Library");
        expected.put("PROTECTED_PARENT_1", "/private");
        assertEquals(expected, SeatbeltPolicy.parameters(profile(correctedWithSeatbelt())));
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(SeatbeltPolicy.parameters(profile(correctedWithSeatbelt())).keySet()), "in this order");
    }

    @Test
    void theTextIsWellFormedSbplThatStartsClosed() {
        String text = SeatbeltPolicy.render(profile(correctedWithSeatbelt()));
        List<Sexp.Node> forms = Sexp.parse(text);
        assertTrue(text.startsWith("(version 1)\n"), text);
        assertEquals("(version 1)", forms.get(0).toString());
        assertEquals("(deny default)", forms.get(1).toString());
        for (Sexp.Node form : forms.subList(1, forms.size())) {
            Sexp.ListNode rule = assertInstanceOf(Sexp.ListNode.class, form, "every rule is a list: " + form);
            assertTrue(Set.of("allow", "deny").contains(rule.head()), "every rule allows or denies: " + rule);
            int operations = operations(rule).size();
            assertTrue(operations >= 1, "a rule names its operations: " + rule);
            List<Sexp.Node> filters = rule.items().subList(1 + operations, rule.items().size());
            filters.forEach(f -> assertInstanceOf(Sexp.ListNode.class, f, "a filter is a list: " + rule));
            if (filters.isEmpty()) {
                assertTrue(FILTERLESS.contains(rule.toString()), "only process rules go without a filter, which would match every path: " + rule);
            }
        }
    }

    @Test
    void everyPathOfThePlanIsAParameterAndEveryParameterIsUsed() {
        SeatbeltProfile profile = profile(correctedWithSeatbelt());
        List<Sexp.Node> forms = Sexp.parse(SeatbeltPolicy.render(profile));
        Set<String> used = new LinkedHashSet<>();
        List<String> strings = new ArrayList<>();
        forms.forEach(f -> collect(f, used, strings));
        assertEquals(SeatbeltPolicy.parameters(profile).keySet(), used, "every parameter is read, and nothing else is");
        for (String s : strings) {
            boolean allowed = FIXED_PATHS.contains(s) || PARAMETER_NAME.matcher(s).matches() || s.startsWith("com.apple.") || s.equals("*:*");
            assertTrue(allowed, "a string that is neither a fixed system path, a parameter name, a service nor an address: " + s);
        }
    }

    @Test
    void noPathValueEverReachesTheText() {
        String hostile = "/Users/Shared/we\"ird) (allow default) \\ ;x";
        CagePlan plan = Cage.forUser("meeseeks").home("/Users/Shared/agent home").collaborationGroup("collabo")
                .workspace(hostile).deny("/Users/Shared/(secret)").denyListing("/Users/Shared/\"listed\"")
                .seatbeltReadable("/Applications/Café.app").seatbeltWritable("/Volumes/Work ; rm").build();
        SeatbeltProfile profile = profile(plan);
        String text = SeatbeltPolicy.render(profile);
        for (String value : SeatbeltPolicy.parameters(profile).values()) {
            if (!FIXED_PATHS.contains(value)) {
                assertFalse(text.contains(value), value + " is in the text");
            }
        }
        assertFalse(text.contains("Shared") || text.contains("Café") || text.contains("Work ; rm"), text);
        Sexp.parse(text);

        CagePlan samePlanElsewhere = Cage.forUser("rick").home("/Users/rick").collaborationGroup("lab")
                .workspace("/Users/Shared/lab").deny("/Users/morty").denyListing("/Users/Shared/x")
                .seatbeltReadable("/Applications/Xcode.app").seatbeltWritable("/Volumes/Build").build();
        assertEquals(text, SeatbeltPolicy.render(profile(samePlanElsewhere)), "the text depends only on how many paths of each kind there are");
    }

    @Test
    void thePlansDeniesComeAfterEveryAllowance() {
        List<Sexp.Node> forms = Sexp.parse(SeatbeltPolicy.render(profile(correctedWithSeatbelt())));
        List<String> heads = forms.subList(2, forms.size()).stream().map(f -> ((Sexp.ListNode) f).head()).toList();
        int lastAllow = heads.lastIndexOf("allow");
        int firstDeny = heads.indexOf("deny");
        assertTrue(firstDeny > lastAllow, "the last matching rule decides: " + heads);
        List<List<String>> denies = forms.subList(2 + firstDeny, forms.size()).stream().map(f -> operations((Sexp.ListNode) f)).toList();
        assertEquals(List.of(List.of("file-read*", "file-write*"), List.of("file-read-data"), List.of("file-write-unlink")), denies);
    }

    @Test
    void theNetworkRulesComeOnlyWithTheNetwork() {
        CagePlan online = correctedWithSeatbelt();
        CagePlan offline = online.toBuilder().seatbeltNetwork(false).build();
        Set<String> onlineOperations = allOperations(profile(online));
        Set<String> offlineOperations = allOperations(profile(offline));
        assertTrue(onlineOperations.containsAll(Set.of("network-outbound", "network-inbound", "network-bind", "system-socket")), onlineOperations.toString());
        assertTrue(offlineOperations.stream().noneMatch(o -> o.startsWith("network") || o.equals("system-socket")), offlineOperations.toString());
        String offlineText = SeatbeltPolicy.render(profile(offline));
        for (String networkOnly : List.of("com.apple.trustd.agent", "com.apple.SystemConfiguration.configd", "mDNSResponder", "resolv.conf")) {
            assertTrue(SeatbeltPolicy.render(profile(online)).contains(networkOnly), networkOnly);
            assertFalse(offlineText.contains(networkOnly), networkOnly);
        }
        assertTrue(offlineText.contains("com.apple.system.opendirectoryd.libinfo"), "user lookups work offline too");
    }

    @Test
    void aKindWithoutPathsGetsNoRuleAtAll() {
        CagePlan readOnly = Cage.forUser("meeseeks").collaborationGroup("collabo").seatbeltWritableRoots().build();
        SeatbeltProfile profile = profile(readOnly);
        assertEquals(List.of(), profile.writableRoots());
        assertEquals(Map.of("READABLE_0", "/opt/homebrew", "READABLE_1", "/Library/Application Support/ClaudeCode"), SeatbeltPolicy.parameters(profile));
        List<Sexp.Node> forms = Sexp.parse(SeatbeltPolicy.render(profile));
        assertEquals(List.of("(deny default)"), forms.stream().map(f -> (Sexp.ListNode) f).filter(f -> "deny".equals(f.head())).map(Object::toString).toList());
        assertTrue(forms.stream().noneMatch(f -> f.toString().contains("file-write*")), "nothing is writable");
    }

    @Test
    void theDirectoriesAboveADeniedPathKeepTheirNamesButAreNotDeniedThemselves() {
        CagePlan plan = Cage.forUser("meeseeks").collaborationGroup("collabo").denyListing("/Users").deny("/Users/alice/secrets").deny("/Users/bob/keys").seatbelt().build();
        Map<String, String> parameters = SeatbeltPolicy.parameters(profile(plan));
        assertEquals(List.of("/Users/alice", "/Users/bob"), parameters.entrySet().stream().filter(e -> e.getKey().startsWith("PROTECTED_PARENT_"))
                .map(Map.Entry::getValue).toList(), "/Users is unreadable: its own rule keeps it in place");
        String text = SeatbeltPolicy.render(profile(plan));
        assertTrue(text.contains("(deny file-write-unlink\n    (literal (param \"UNREADABLE_0\"))\n    (literal (param \"PROTECTED_PARENT_0\"))\n"
                + "    (literal (param \"PROTECTED_PARENT_1\")))\n"), text);
    }

    @Test
    void whatTheProfileLetsProgramsReadAndWrite() {
        SeatbeltProfile profile = profile(correctedWithSeatbelt());
        for (String readable : List.of("/", "/usr/bin/git", "/bin/zsh", "/etc/zprofile", "/private/etc/ssl/cert.pem", "/tmp/claude-600/x",
                "/Users/meeseeks/.claude.json", "/Users/meeseeks/workshop/README.md", "/opt/homebrew/bin/claude",
                "/Library/Application Support/cagent/meeseeks/claude-settings.json", "/Library/Developer/CommandLineTools/usr/bin/git")) {
            assertTrue(SeatbeltPolicy.allowsReading(profile, readable), readable);
        }
        for (String unreadable : List.of("/Users/alice", "/Users/alice/.ssh/id_ed25519", "/Library/Keychains/System.keychain", "/Users", "/private/etc",
                "/etc", "/Library/Application Support/cagent/meeseeks/seatbelt.sb", "/Applications/Xcode.app", "/Users/bob", "/private/var/root")) {
            assertFalse(SeatbeltPolicy.allowsReading(profile, unreadable), unreadable);
        }
        for (String writable : List.of("/Users/meeseeks/workshop/a", "/Users/meeseeks/.claude", "/tmp/x", "/private/var/folders/zz/T/x")) {
            assertTrue(SeatbeltPolicy.allowsWriting(profile, writable), writable);
        }
        for (String readOnly : List.of("/usr/bin/git", "/opt/homebrew/bin", "/Users/alice/x", "/private/etc/hosts", "/Library/Application Support/cagent/meeseeks/seatbelt.sb")) {
            assertFalse(SeatbeltPolicy.allowsWriting(profile, readOnly), readOnly);
        }
        CagePlan hiddenWorkspace = correctedWithSeatbelt().toBuilder().deny("/Users/meeseeks/workshop/secret").build();
        assertFalse(SeatbeltPolicy.allowsWriting(profile(hiddenWorkspace), "/Users/meeseeks/workshop/secret/key"), "a deny wins over a writable root");
        assertNotEquals(profile, profile(hiddenWorkspace));
    }

    /** The operation symbols of a rule: the symbols after allow/deny, up to the first filter. */
    private static List<String> operations(Sexp.ListNode rule) {
        List<String> operations = new ArrayList<>();
        for (Sexp.Node n : rule.items().subList(1, rule.items().size())) {
            if (!(n instanceof Sexp.Symbol s)) {
                break;
            }
            operations.add(s.name());
        }
        return operations;
    }

    private static Set<String> allOperations(SeatbeltProfile profile) {
        Set<String> all = new LinkedHashSet<>();
        Sexp.parse(SeatbeltPolicy.render(profile)).forEach(f -> all.addAll(operations((Sexp.ListNode) f)));
        return all;
    }

    /** Parameter names read by {@code (param "NAME")}, and every string in the text. */
    private static void collect(Sexp.Node node, Set<String> parameters, List<String> strings) {
        if (node instanceof Sexp.Str s) {
            strings.add(s.value());
        } else if (node instanceof Sexp.ListNode list) {
            if ("param".equals(list.head())) {
                assertEquals(2, list.items().size(), list.toString());
                parameters.add(assertInstanceOf(Sexp.Str.class, list.items().get(1), list.toString()).value());
            }
            Stream.of(list.items().toArray(Sexp.Node[]::new)).forEach(n -> collect(n, parameters, strings));
        }
    }
}
