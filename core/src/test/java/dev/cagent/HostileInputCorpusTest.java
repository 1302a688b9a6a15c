package dev.cagent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile values for every setting that takes text or a number. Each case states its verdict:
 * refused (an {@link InvalidPlanException} naming the setting, printable, never showing a
 * password) or accepted and then held by the plan exactly as stated (unaltered, unless the row
 * says how it is spelled canonically).
 */
class HostileInputCorpusTest {

    /** A setting under attack: how a value reaches the plan, and where the plan holds it. */
    enum Target {
        USER_NAME("user name", v -> Cage.forUser(v).collaborationGroup("collabo"), CagePlan::agent),
        GROUP_NAME("collaborationGroup", v -> base().collaborationGroup(v), p -> p.step(CollaborationGroup.class).orElseThrow().name()),
        HUMAN_NAME("human", v -> base().human(v), p -> p.human().orElseThrow()),
        MEMBER_NAME("member", v -> base().alsoMember(v), p -> last(p.step(CollaborationGroup.class).orElseThrow().members())),
        REAL_NAME("realName", v -> base().realName(v), p -> p.user().realName()),
        SHELL("shell", v -> base().shell(v), p -> p.user().shell()),
        HOME("home", v -> base().home(v), p -> p.user().home()),
        HUMAN_HOME("humanHome", v -> base().human("alice").humanHome(v).humanUmask("002"),
                p -> p.step(ShellUmask.class).orElseThrow().file().replaceFirst("/\\.zshrc$", "")),
        WORKSPACE("workspace", v -> base().workspace(v), p -> p.step(SharedWorkspace.class).orElseThrow().path()),
        DENY("deny", v -> base().deny(v), p -> p.step(AccessDenial.class).orElseThrow().requested()),
        UMASK_FILE("umask file", v -> base().human("alice").humanUmask(v, "002"), p -> p.step(ShellUmask.class).orElseThrow().file()),
        SETTINGS_FILE("claude settings file", v -> base().claudeCodeHookRootOwned(v), p -> p.step(ClaudeCodeHook.class).orElseThrow().settingsFile()),
        JQ_PATH("jq", v -> base().claudeCodeHook().jqCandidates(v), p -> p.step(ClaudeCodeHook.class).orElseThrow().jqCandidates().get(0)),
        SEATBELT_PROFILE("seatbelt profile file", v -> base().seatbeltProfileFile(v), p -> p.step(SeatbeltProfile.class).orElseThrow().profileFile()),
        SEATBELT_WRITABLE("seatbelt writable", v -> base().seatbeltWritable(v), p -> last(p.step(SeatbeltProfile.class).orElseThrow().writableRoots())),
        SEATBELT_READABLE("seatbelt readable", v -> base().seatbeltReadable(v), p -> last(p.step(SeatbeltProfile.class).orElseThrow().readablePaths())),
        UID("uid", v -> base().uid(Integer.parseInt(v)), p -> Integer.toString(((IdRequest.Exactly) p.user().uid()).id())),
        GID("collaborationGroupId", v -> base().collaborationGroupId(Integer.parseInt(v)),
                p -> Integer.toString(((IdRequest.Exactly) p.step(CollaborationGroup.class).orElseThrow().gid()).id())),
        PRIMARY_GID("primaryGroupId", v -> base().primaryGroupId(Integer.parseInt(v)), p -> Integer.toString(((PrimaryGroup.Id) p.user().primaryGroup()).gid())),
        PASSWORD("password", v -> base().password(v == null ? null : Secret.of(v)), p -> ((Password.Given) p.user().password()).secret().reveal()),
        UMASK("umask", v -> base().human("alice").humanUmask(v), p -> p.step(ShellUmask.class).orElseThrow().umask().octal());

        final String field;
        private final Function<String, CagePlan.Builder> give;
        private final Function<CagePlan, String> held;

        Target(String field, Function<String, CagePlan.Builder> give, Function<CagePlan, String> held) {
            this.field = field;
            this.give = give;
            this.held = held;
        }

        CagePlan build(String value) {
            return give.apply(value).build();
        }

        String heldBy(CagePlan plan) {
            return held.apply(plan);
        }

        private static CagePlan.Builder base() {
            return Cage.forUser("meeseeks").collaborationGroup("collabo");
        }

        private static String last(List<String> values) {
            return values.get(values.size() - 1);
        }
    }

    static final List<Target> NAMES = List.of(Target.USER_NAME, Target.GROUP_NAME, Target.HUMAN_NAME, Target.MEMBER_NAME);
    static final List<Target> PATHS = List.of(Target.SHELL, Target.HOME, Target.WORKSPACE, Target.DENY, Target.UMASK_FILE, Target.SETTINGS_FILE, Target.JQ_PATH,
            Target.SEATBELT_PROFILE, Target.SEATBELT_WRITABLE, Target.SEATBELT_READABLE);
    static final List<Target> IDS = List.of(Target.UID, Target.GID, Target.PRIMARY_GID);

    /** The verdict on one value: accepted and held as {@code held}, or refused naming {@code field} (null: the target's own). */
    record Verdict(boolean accepted, String held, String field) {
        static Verdict refused() {
            return new Verdict(false, null, null);
        }

        /** Refused by a check that spans settings and names the other one. */
        static Verdict refusedNaming(String field) {
            return new Verdict(false, null, field);
        }

        static Verdict heldAs(String held) {
            return new Verdict(true, held, null);
        }

        @Override
        public String toString() {
            return accepted ? "accepted as " + visible(held) : "refused" + (field == null ? "" : " naming " + field);
        }
    }

    record Case(Target target, String value, Verdict verdict) {
        @Override
        public String toString() {
            return target + " " + visible(value) + " -> " + verdict;
        }
    }

    /** One hostile value for a group of targets, with the verdict for all of them and per-target exceptions. */
    private static final class Row {
        private final String value;
        private final List<Target> targets;
        private final Verdict verdict;
        private final Map<Target, Verdict> exceptions = new EnumMap<>(Target.class);

        private Row(List<Target> targets, String value, Verdict verdict) {
            this.targets = targets;
            this.value = value;
            this.verdict = verdict;
        }

        Row except(Target target, Verdict other) {
            exceptions.put(target, other);
            return this;
        }

        Stream<Case> cases() {
            return targets.stream().map(t -> new Case(t, value, exceptions.getOrDefault(t, verdict)));
        }
    }

    private static final List<Row> ROWS = new ArrayList<>();

    private static Row accepted(List<Target> targets, String value) {
        return row(targets, value, Verdict.heldAs(value));
    }

    private static Row acceptedAs(List<Target> targets, String value, String held) {
        return row(targets, value, Verdict.heldAs(held));
    }

    private static Row refused(List<Target> targets, String value) {
        return row(targets, value, Verdict.refused());
    }

    private static Row row(List<Target> targets, String value, Verdict verdict) {
        Row row = new Row(targets, value, verdict);
        ROWS.add(row);
        return row;
    }

    static {
        // ---- user and group short names: lowercase letters, digits, _ - ., not starting with - or ., at most 244 bytes
        accepted(NAMES, "meeseeks").except(Target.HUMAN_NAME, Verdict.refused()); // the human cannot be the agent
        accepted(NAMES, "_claude");
        accepted(NAMES, "a");
        accepted(NAMES, "a.b-c_d");
        accepted(NAMES, "agent007");
        accepted(NAMES, "0day");
        accepted(NAMES, "trailing-");
        accepted(NAMES, "trailing.");
        accepted(NAMES, "x".repeat(244));
        refused(NAMES, "x".repeat(245));
        refused(NAMES, null);
        refused(NAMES, "");
        refused(NAMES, "Meeseeks");
        refused(NAMES, "mee seeks");
        refused(NAMES, " meeseeks");
        refused(NAMES, "meeseeks ");
        refused(NAMES, "-rf");
        refused(NAMES, ".hidden");
        refused(NAMES, "..");
        refused(NAMES, "a/b");
        refused(NAMES, "a:b");
        refused(NAMES, "a;rm -rf /");
        refused(NAMES, "a|b");
        refused(NAMES, "a&&b");
        refused(NAMES, "$(id)");
        refused(NAMES, "`id`");
        refused(NAMES, "'quoted'");
        refused(NAMES, "\"quoted\"");
        refused(NAMES, "~root");
        refused(NAMES, "a\nb");
        refused(NAMES, "a\u0000b");
        refused(NAMES, "a\tb");
        refused(NAMES, "a\rb");
        refused(NAMES, "\u001b[31mred");
        refused(NAMES, "a\u007f");
        refused(NAMES, "a\u0085");
        refused(NAMES, "a\u2028");
        refused(NAMES, "é");
        refused(NAMES, "agent🙂");
        refused(NAMES, "ali\u202Eec");
        refused(NAMES, "ali\u200Bce");
        refused(NAMES, "123"); // stricter than macOS: tools read an all-digit name as an ID

        // ---- display names: any printable text without control characters or outer blanks, at most 255 characters
        List<Target> realName = List.of(Target.REAL_NAME);
        accepted(realName, "Mr. Meeseeks");
        accepted(realName, "O'Brien \"Bob\"");
        accepted(realName, "$(rm -rf /) `id`; echo | && x");
        accepted(realName, "Zoë Åström");
        accepted(realName, "李小龙");
        accepted(realName, "🤖 Agent");
        accepted(realName, "two  spaces\u00a0inside");
        accepted(realName, "zero\u200Bwidth");
        accepted(realName, "-leading dash");
        accepted(realName, "x".repeat(255));
        refused(realName, "x".repeat(256));
        refused(realName, null);
        refused(realName, "");
        refused(realName, "   ");
        refused(realName, " Leading");
        refused(realName, "Trailing ");
        refused(realName, "a\nb");
        refused(realName, "a\u0000b");
        refused(realName, "a\tb");
        refused(realName, "\u001b[2Jclear");
        refused(realName, "a\u007fb");
        refused(realName, "a\u0085b");
        refused(realName, "a\u2028b");
        refused(realName, "Mr. \u202Eskeeseem");
        refused(realName, "\u2066isolate\u2069");

        // ---- paths: absolute, normalised, printable; shells and files need no more, jq travels inside the hook command
        accepted(PATHS, "/Users/Shared/plain");
        accepted(PATHS, "/Users/Shared/with space");
        accepted(PATHS, "/Users/Shared/$HOME");
        accepted(PATHS, "/Users/Shared/$(id)");
        accepted(PATHS, "/Users/Shared/`id`");
        accepted(PATHS, "/Users/Shared/a;b|c&&d");
        accepted(PATHS, "/Users/Shared/-rf");
        accepted(PATHS, "/Users/Shared/.hidden");
        accepted(PATHS, "/Users/Shared/...");
        accepted(PATHS, "/Users/Shared/~tilde");
        accepted(PATHS, "/Users/Shared/*?[a]");
        accepted(PATHS, "/Users/Shared/café");
        accepted(PATHS, "/Users/Shared/🚀");
        accepted(PATHS, "/Users/Shared/no\u00a0break");
        accepted(PATHS, "/Users/Shared/zero\u200Bwidth");
        accepted(PATHS, "/Users/Shared/" + "p".repeat(255) + "/" + "p".repeat(255) + "/" + "p".repeat(68))
                .except(Target.HOME, Verdict.refused()); // homes: at most 511 bytes
        accepted(PATHS, "/Users/Shared/" + "n".repeat(255)); // the longest name APFS takes
        refused(PATHS, "/Users/Shared/" + "n".repeat(256));
        accepted(PATHS, "/Users/Shared/" + "語".repeat(255)).except(Target.HOME, Verdict.refused()); // names count UTF-16 units, not bytes
        accepted(PATHS, "/Users/Shared/" + "é".repeat(248)); // 510 bytes: a home may have it
        accepted(PATHS, "/Users/Shared/" + "é".repeat(249)).except(Target.HOME, Verdict.refused()); // 512 bytes in 263 characters: too long for a home
        accepted(PATHS, "/Users/Shared/it's").except(Target.JQ_PATH, Verdict.refused());
        accepted(PATHS, "/Users/Shared/say \"hi\"").except(Target.JQ_PATH, Verdict.refused());
        accepted(PATHS, "/Users/Shared/back\\slash").except(Target.JQ_PATH, Verdict.refused());
        acceptedAs(PATHS, "/Users/Shared/cafe\u0301", "/Users/Shared/caf\u00e9"); // decomposed input is held composed (NFC)
        refused(PATHS, "/Users/Shared/" + "p".repeat(1010)); // over PATH_MAX
        refused(PATHS, null);
        refused(PATHS, "");
        refused(PATHS, "relative/path");
        refused(PATHS, "./here");
        refused(PATHS, "~/agent");
        refused(PATHS, "~meeseeks/agent");
        refused(PATHS, " /Users/Shared/x");
        refused(PATHS, "/Users/Shared/x ");
        refused(PATHS, "/Users/Shared/ x");
        refused(PATHS, "/Users/Shared/x/");
        refused(PATHS, "/Users//Shared");
        refused(PATHS, "/Users/Shared/../alice");
        refused(PATHS, "/Users/./Shared");
        refused(PATHS, "/Users/Shared/x/..");
        refused(PATHS, "/Users/Shared/a\nb");
        refused(PATHS, "/Users/Shared/a\u0000b");
        refused(PATHS, "/Users/Shared/a\rb");
        refused(PATHS, "/Users/Shared/a\tb");
        refused(PATHS, "/Users/Shared/\u001b[31mred");
        refused(PATHS, "/Users/Shared/a\u007f");
        refused(PATHS, "/Users/Shared/a\u0085");
        refused(PATHS, "/Users/Shared/a\u2028");
        refused(PATHS, "/Users/Shared/\u202Etxt.exe");
        refused(List.of(Target.HOME, Target.WORKSPACE, Target.SEATBELT_PROFILE, Target.SEATBELT_WRITABLE), "/");
        accepted(List.of(Target.DENY), "/"); // lint reports it as an error
        accepted(List.of(Target.SEATBELT_READABLE), "/"); // reads everywhere; the plan's denies still hold
        // canonical spellings: the system links are resolved where the plan compares paths
        acceptedAs(List.of(Target.HOME), "/var/agents/meeseeks", "/private/var/agents/meeseeks");
        acceptedAs(List.of(Target.WORKSPACE, Target.SEATBELT_WRITABLE, Target.SEATBELT_READABLE), "/tmp/workshop", "/private/tmp/workshop")
                .except(Target.SEATBELT_PROFILE, Verdict.refused()); // in /private/tmp, where the sandboxed agent writes
        acceptedAs(List.of(Target.SEATBELT_PROFILE), "/etc/cagent/meeseeks.sb", "/private/etc/cagent/meeseeks.sb");
        accepted(List.of(Target.DENY), "/etc"); // held as requested; the denial's path is /private/etc
        accepted(List.of(Target.HUMAN_HOME), "/Users/alice");
        accepted(List.of(Target.HUMAN_HOME), "/Users/Alice Smith");
        acceptedAs(List.of(Target.HUMAN_HOME), "/var/people/alice", "/private/var/people/alice");
        row(List.of(Target.HUMAN_HOME), "/Users", Verdict.refusedNaming("home")); // the agent's home would lie inside it
        refused(List.of(Target.HUMAN_HOME), "~alice");
        refused(List.of(Target.HUMAN_HOME), "/Users/alice\n");

        // ---- numeric IDs: 1 to 2147483646
        accepted(IDS, "1");
        accepted(IDS, "69");
        accepted(IDS, "501");
        accepted(IDS, "600");
        accepted(IDS, "2147483646");
        refused(IDS, "0");
        refused(IDS, "-1");
        refused(IDS, "-2");
        refused(IDS, Integer.toString(Integer.MIN_VALUE));
        refused(IDS, Integer.toString(Integer.MAX_VALUE));

        // ---- passwords: printable ASCII without " and \, no outer blanks, at most 255 characters; never shown
        List<Target> password = List.of(Target.PASSWORD);
        accepted(password, "correct horse battery staple");
        accepted(password, "Hunter2'$`;|&&$(id)");
        accepted(password, "Hunter2~!#%^*()_+-={}[]:<>,.?/");
        accepted(password, "H".repeat(255));
        refused(password, "H".repeat(256));
        refused(password, null);
        refused(password, "");
        refused(password, "Hunter2\nInjected");
        refused(password, "Hunter2\u0000x");
        refused(password, "Hunter2\"x");
        refused(password, "Hunter2\\x");
        refused(password, "Hunter2é");
        refused(password, "Hunter2🙂");
        refused(password, " Hunter2x");
        refused(password, "Hunter2x ");
        refused(password, "Hunter2\tx");
        refused(password, "Hunter2\u001bx");
        refused(password, "Hunter2\u007fx");
        refused(password, "Hunter2\u202ex");

        // ---- umasks: three octal digits, optionally after a 0
        List<Target> umask = List.of(Target.UMASK);
        accepted(umask, "002");
        acceptedAs(umask, "0002", "002");
        accepted(umask, "022");
        accepted(umask, "077");
        accepted(umask, "000");
        accepted(umask, "777");
        refused(umask, "8");
        refused(umask, "abc");
        refused(umask, "0o1000");
        refused(umask, "0o002");
        refused(umask, "1000");
        refused(umask, "00002");
        refused(umask, "2");
        refused(umask, "02");
        refused(umask, "0x12");
        refused(umask, "-002");
        refused(umask, " 002");
        refused(umask, "002\n");
        refused(umask, "٠٠٢");
        refused(umask, "");
        refused(umask, null);
    }

    static Stream<Case> corpus() {
        return ROWS.stream().flatMap(Row::cases);
    }

    @Test
    void theCorpusIsLarge() {
        assertTrue(corpus().count() >= 150, "cases: " + corpus().count());
        assertTrue(ROWS.size() >= 150, "distinct rows: " + ROWS.size());
        for (Target target : Target.values()) {
            assertTrue(corpus().anyMatch(c -> c.target() == target && c.verdict().accepted()), target + " has an accepted case");
            assertTrue(corpus().anyMatch(c -> c.target() == target && !c.verdict().accepted()), target + " has a refused case");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachValueGetsItsStatedVerdict(Case c) {
        if (c.verdict().accepted()) {
            CagePlan plan;
            try {
                plan = c.target().build(c.value());
            } catch (InvalidPlanException e) {
                fail("expected " + c + " but it was refused: " + e.getMessage());
                return;
            }
            assertEquals(c.verdict().held(), c.target().heldBy(plan), "the plan holds the value as stated");
            if (c.target() == Target.PASSWORD) {
                assertFalse(plan.toString().contains(c.value()), "the plan never shows the password");
            }
        } else {
            InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> c.target().build(c.value()), "expected " + c);
            String field = c.verdict().field() != null ? c.verdict().field() : c.target().field;
            assertEquals(field, e.field(), e.getMessage());
            assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
            assertTrue(e.getMessage().length() < 600, "the message is short, not an echo of a long value");
            assertTrue(e.getMessage().chars().noneMatch(HostileInputCorpusTest::rendersInvisibly), "control characters are escaped: " + visible(e.getMessage()));
            if (c.target() == Target.PASSWORD && c.value() != null && !c.value().isEmpty()) {
                assertFalse(e.getMessage().contains(c.value()), "the message never shows the password");
                assertFalse(e.getMessage().contains(c.value().strip().substring(0, Math.min(7, c.value().strip().length()))), e.getMessage());
            }
        }
    }

    @Test
    void aDeniedSystemLinkIsHeldAsRequestedAndAppliedAtItsTarget() {
        AccessDenial denial = Target.DENY.build("/etc").step(AccessDenial.class).orElseThrow();
        assertEquals("/private/etc", denial.path());
        assertEquals("/etc", denial.requested());
    }

    private static boolean rendersInvisibly(int c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0x061c
                || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    private static String visible(String s) {
        if (s == null) {
            return "null";
        }
        String shown = s.length() > 40 ? s.substring(0, 20) + "...(" + s.length() + " chars)" : s;
        StringBuilder sb = new StringBuilder("\"");
        shown.codePoints().forEach(cp -> {
            if (rendersInvisibly(cp) || cp == 0x200b || cp == 0xa0) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('"').toString();
    }

    @Test
    void noRowIsEmptyOfTargets() {
        assertTrue(ROWS.stream().allMatch(r -> !r.targets.isEmpty() && Objects.nonNull(r.verdict)));
    }
}
