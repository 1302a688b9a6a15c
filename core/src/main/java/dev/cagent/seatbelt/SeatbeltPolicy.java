package dev.cagent.seatbelt;

import dev.cagent.MacPaths;
import dev.cagent.SeatbeltProfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The text of a cage's Seatbelt profile (SBPL, the Scheme dialect {@code sandbox-exec} reads) and
 * the parameters that go with it. Pure: a {@link SeatbeltProfile} in, text out.
 *
 * <p>No path of the plan is ever written into the text: each is a parameter,
 * {@code (subpath (param "WRITABLE_ROOT_0"))}, whose value the launcher passes as
 * {@code -D WRITABLE_ROOT_0=/Users/meeseeks}, so that no quote or backslash in a path can change
 * the profile's meaning. The text holds only the fixed system paths below; two plans with as many
 * paths of each kind get the same text.
 *
 * <p>In SBPL the last rule that matches an operation decides. The profile therefore starts with
 * {@code (deny default)}, then allows what every process and a coding agent need, then the
 * writable and readable paths and the network, and ends with the plan's own denies, which no
 * allowance above can reopen. The allowances follow what {@code sandbox-exec} needs to run a shell
 * at all (reading {@code /} itself, the system's libraries, the devices, the system services
 * user lookups and temporary directories go through), the way OpenAI Codex's base policy,
 * Anthropic's sandbox-runtime and Agent Safehouse grant them.
 */
public final class SeatbeltPolicy {

    /**
     * Where the system keeps programs, libraries, frameworks and settings; read and mapped as
     * executables by every process. {@code /usr} holds {@code /usr/lib}, {@code /usr/bin},
     * {@code /usr/share} (terminfo, zsh's functions, locales) and Intel Homebrew's
     * {@code /usr/local}; the Preboot cryptexes hold the dynamic linker's shared cache on current
     * macOS; the Command Line Tools hold the git that {@code /usr/bin/git} hands over to;
     * {@code /private/var/db} holds the time zones and dyld's data, {@code /private/var/select}
     * the shell {@code /bin/sh} runs.
     */
    public static final List<String> SYSTEM_PATHS = List.of("/usr", "/bin", "/sbin", "/System/Library", "/System/Volumes/Preboot/Cryptexes",
            "/Library/Apple", "/Library/Developer/CommandLineTools", "/private/etc", "/private/var/db", "/private/var/select");

    /** Services every process may ask: user and group lookups (whoami, ~, git, ssh), preferences, logging, notifications, the per-user temporary directory. */
    static final List<String> BASE_SERVICES = List.of("com.apple.system.opendirectoryd.libinfo", "com.apple.system.opendirectoryd.membership",
            "com.apple.cfprefsd.daemon", "com.apple.cfprefsd.agent", "com.apple.logd", "com.apple.system.logger",
            "com.apple.system.notification_center", "com.apple.bsd.dirhelper");

    /** Services a networked process asks: network configuration and DNS, certificate trust and revocation. */
    static final List<String> NETWORK_SERVICES = List.of("com.apple.SystemConfiguration.configd", "com.apple.SystemConfiguration.DNSConfiguration",
            "com.apple.trustd.agent", "com.apple.SecurityServer", "com.apple.ocspd", "com.apple.networkd");

    /** The socket of the system's DNS resolver; every name lookup goes through it. */
    static final String DNS_SOCKET = "/private/var/run/mDNSResponder";

    /** Where {@code /etc/resolv.conf} points: resolvers of their own (Go's, c-ares in node) read it. */
    static final String RESOLVER_CONFIGURATION = "/private/var/run/resolv.conf";

    private static final String WRITABLE_ROOT = "WRITABLE_ROOT_";
    private static final String READABLE = "READABLE_";
    private static final String HIDDEN = "HIDDEN_";
    private static final String UNREADABLE = "UNREADABLE_";
    private static final String PROTECTED_PARENT = "PROTECTED_PARENT_";

    private SeatbeltPolicy() {
    }

    /**
     * The parameters the profile reads, in the order the launcher passes them: each writable
     * root, readable path, hidden path, unreadable path, and each directory above a hidden or
     * unreadable one, named by kind and index ({@code WRITABLE_ROOT_0}, {@code READABLE_0}...).
     */
    public static Map<String, String> parameters(SeatbeltProfile profile) {
        Map<String, String> parameters = new LinkedHashMap<>();
        number(WRITABLE_ROOT, profile.writableRoots(), parameters);
        number(READABLE, profile.readablePaths(), parameters);
        number(HIDDEN, profile.hiddenPaths(), parameters);
        number(UNREADABLE, profile.unreadablePaths(), parameters);
        number(PROTECTED_PARENT, protectedParents(profile), parameters);
        return parameters;
    }

    private static void number(String prefix, List<String> paths, Map<String, String> into) {
        for (int i = 0; i < paths.size(); i++) {
            into.put(prefix + i, paths.get(i));
        }
    }

    /**
     * Every directory above a hidden or unreadable path, nearest first, each once; {@code /} and
     * the denied paths themselves are left out (their own rules cover them). Renaming one of these
     * directories (or the path itself) would move the denied file to a name no deny matches
     * (sandbox-runtime #8): the profile denies unlinking them, and a rename is an unlink of the
     * old name.
     */
    static List<String> protectedParents(SeatbeltProfile profile) {
        List<String> denied = Stream.concat(profile.hiddenPaths().stream(), profile.unreadablePaths().stream()).toList();
        List<String> parents = new ArrayList<>();
        for (String path : denied) {
            for (String dir = MacPaths.parent(path); !dir.equals("/"); dir = MacPaths.parent(dir)) {
                if (!parents.contains(dir) && !denied.contains(dir)) {
                    parents.add(dir);
                }
            }
        }
        return parents;
    }

    /** The profile's text: {@code (version 1)}, {@code (deny default)}, then the rules, each group with a comment that says why. */
    public static String render(SeatbeltProfile profile) {
        Text t = new Text();
        t.line("(version 1)");
        t.comment("cagent's Seatbelt profile, the cage's second wall; sandbox-exec reads it with -f, each path of the plan with -D NAME=VALUE.");
        t.comment("No path of the plan is written here: (param \"NAME\") stands for it. Of the rules that match, the last decides:");
        t.comment("allowances first, the plan's denies last.");
        t.line("(deny default)");

        t.gap("programs start programs; signals and process information stay inside this sandbox");
        t.line("(allow process-exec)");
        t.line("(allow process-fork)");
        t.line("(allow signal (target same-sandbox))");
        t.line("(allow process-info* (target same-sandbox))");

        t.gap("what the C library and every runtime ask at start: kernel settings, the CPUs (node's os.cpus()), preferences, semaphores");
        t.line("(allow sysctl-read)");
        t.line("(allow mach-host*)");
        t.line("(allow user-preference-read)");
        t.line("(allow ipc-posix-sem)");
        t.rule("(allow mach-lookup", BASE_SERVICES.stream().map(SeatbeltPolicy::service).toList());

        t.gap("/ itself (without it even /usr/bin/true aborts), the links /etc, /tmp, /var, and every directory's metadata, which realpath() reads on its way");
        t.rule("(allow file-read*", Stream.concat(Stream.of("/"), MacPaths.SYSTEM_LINKS.keySet().stream().sorted()).map(SeatbeltPolicy::literal).toList());
        t.line("(allow file-read-metadata (vnode-type DIRECTORY))");

        t.gap("the system's programs, libraries, frameworks and settings, read and mapped as executables");
        t.rule("(allow file-read* file-map-executable", SYSTEM_PATHS.stream().map(SeatbeltPolicy::subpath).toList());

        t.gap("devices: null, zero, the terminal and the standard streams, open descriptors, dyld's dtrace helper; randomness to read");
        t.rule("(allow file-read* file-write-data file-ioctl", Stream.of("/dev/null", "/dev/zero", "/dev/tty", "/dev/stdin", "/dev/stdout",
                "/dev/stderr", "/dev/dtracehelper").map(SeatbeltPolicy::literal).toList());
        t.line("(allow file-read* file-write-data (subpath \"/dev/fd\"))");
        t.rule("(allow file-read*", Stream.of("/dev/random", "/dev/urandom", "/dev/autofs_nowait").map(SeatbeltPolicy::literal).toList());

        t.gap("terminals: new pseudo-terminals, and the one the agent was started in");
        t.line("(allow pseudo-tty)");
        t.rule("(allow file-read* file-write-data file-ioctl", List.of(literal("/dev/ptmx"), "(regex #\"^/dev/ttys[0-9]+$\")"));

        t.group("where the agent writes (and reads, and runs what it built): its home, the workspace, the temporary directories",
                "(allow file-read* file-write* file-map-executable", WRITABLE_ROOT, profile.writableRoots(), SeatbeltPolicy::paramSubpath);
        t.group("what it reads besides the system: program prefixes, Claude Code's managed and root-owned settings",
                "(allow file-read* file-map-executable", READABLE, profile.readablePaths(), SeatbeltPolicy::paramSubpath);

        if (profile.network()) {
            t.gap("network: connections out and local servers in, DNS through the system's resolver, certificate checks");
            t.line("(allow network-outbound (remote ip \"*:*\"))");
            t.line("(allow network-outbound " + literal(DNS_SOCKET) + ")");
            t.line("(allow network-bind (local ip \"*:*\"))");
            t.line("(allow network-inbound (local ip \"*:*\"))");
            t.line("(allow system-socket)");
            t.line("(allow file-read* " + literal(RESOLVER_CONFIGURATION) + ")");
            t.rule("(allow mach-lookup", NETWORK_SERVICES.stream().map(SeatbeltPolicy::service).toList());
        } else {
            t.gap("no network: the plan says seatbeltNetwork(false)");
        }

        t.group("the plan's denies on search: nothing in or below these paths can be read or written",
                "(deny file-read* file-write*", HIDDEN, profile.hiddenPaths(), SeatbeltPolicy::paramSubpath);
        t.group("the plan's denies on reading: a directory's listing, a file's content",
                "(deny file-read-data", UNREADABLE, profile.unreadablePaths(), SeatbeltPolicy::paramLiteral);
        List<String> unlinkable = new ArrayList<>(names(UNREADABLE, profile.unreadablePaths().size()).stream().map(SeatbeltPolicy::paramLiteral).toList());
        unlinkable.addAll(names(PROTECTED_PARENT, protectedParents(profile).size()).stream().map(SeatbeltPolicy::paramLiteral).toList());
        if (!unlinkable.isEmpty()) {
            t.gap("a denied path and the directories above it keep their names: a rename, an unlink of the old name, would escape the denies");
            t.rule("(deny file-write-unlink", unlinkable);
        }
        return t.toString();
    }

    /**
     * Whether programs under the profile may read the file or list the directory at {@code path}
     * (in any spelling, through {@code /etc}, {@code /tmp}, {@code /var}): {@code /}, or below a
     * system, writable or readable path, and not hidden or unreadable by the plan's denies.
     */
    public static boolean allowsReading(SeatbeltProfile profile, String path) {
        String canonical = MacPaths.canonical(path);
        if (isDenied(profile, canonical) || profile.unreadablePaths().contains(canonical)) {
            return false;
        }
        return canonical.equals("/")
                || Stream.of(SYSTEM_PATHS, profile.writableRoots(), profile.readablePaths()).flatMap(List::stream)
                .anyMatch(root -> MacPaths.isSameOrBelow(canonical, root));
    }

    /** Whether programs under the profile may write at {@code path} (in any spelling). */
    public static boolean allowsWriting(SeatbeltProfile profile, String path) {
        String canonical = MacPaths.canonical(path);
        return !isDenied(profile, canonical) && profile.writableRoots().stream().anyMatch(root -> MacPaths.isSameOrBelow(canonical, root));
    }

    private static boolean isDenied(SeatbeltProfile profile, String canonical) {
        return profile.hiddenPaths().stream().anyMatch(hidden -> MacPaths.isSameOrBelow(canonical, hidden));
    }

    private static List<String> names(String prefix, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    private static String literal(String fixedPath) {
        return "(literal \"" + fixedPath + "\")";
    }

    private static String subpath(String fixedPath) {
        return "(subpath \"" + fixedPath + "\")";
    }

    private static String service(String name) {
        return "(global-name \"" + name + "\")";
    }

    private static String paramSubpath(String name) {
        return "(subpath (param \"" + name + "\"))";
    }

    private static String paramLiteral(String name) {
        return "(literal (param \"" + name + "\"))";
    }

    /** The profile's lines as they are written. */
    private static final class Text {
        private final StringBuilder sb = new StringBuilder();

        void line(String line) {
            sb.append(line).append('\n');
        }

        void comment(String text) {
            line("; " + text);
        }

        /** A blank line and a comment: the start of a group of rules. */
        void gap(String why) {
            sb.append('\n');
            comment(why);
        }

        /** One rule, its filters one per line; never without a filter, which would match everything. */
        void rule(String head, List<String> filters) {
            if (filters.isEmpty()) {
                throw new IllegalArgumentException(head + " without a filter would match every operation of its kind");
            }
            line(head);
            for (int i = 0; i < filters.size(); i++) {
                line("    " + filters.get(i) + (i == filters.size() - 1 ? ")" : ""));
            }
        }

        /** A rule over numbered parameters; nothing at all when there are none. */
        void group(String why, String head, String prefix, List<String> paths, java.util.function.UnaryOperator<String> filter) {
            if (paths.isEmpty()) {
                return;
            }
            gap(why);
            rule(head, names(prefix, paths.size()).stream().map(filter).toList());
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
