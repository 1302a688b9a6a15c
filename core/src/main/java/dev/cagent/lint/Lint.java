package dev.cagent.lint;

import dev.cagent.AccessDenial;
import dev.cagent.AclRight;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.IdRequest;
import dev.cagent.MacPaths;
import dev.cagent.Modes;
import dev.cagent.Password;
import dev.cagent.PrimaryGroup;
import dev.cagent.SeatbeltProfile;
import dev.cagent.SharedWorkspace;
import dev.cagent.ShellUmask;
import dev.cagent.UserAccount;
import dev.cagent.CollaborationGroup;
import dev.cagent.HomeDirectory;
import dev.cagent.seatbelt.SeatbeltPolicy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds what a plan gets wrong before it touches a machine. Pure: the plan (and, when a backend
 * has probed, a few {@link MachineFacts}) in, findings out.
 */
public final class Lint {

    /** Paths whose search right every process needs: denying them breaks the agent or the system. */
    static final Set<String> CRITICAL_PATHS = Set.of("/", "/private", "/private/tmp", "/dev", "/usr", "/bin", "/sbin",
            "/System", "/Library", "/private/var/folders", "/Applications");

    /** Claude Code creates and deletes its temp files under /private/tmp/claude-UID: any deny there gets in its way. */
    private static final String SHARED_TEMP = "/private/tmp";

    /** Rights on a directory without which nobody can work in it: list, add_file, search, add_subdirectory, delete_child. */
    private static final Set<AclRight> WORKING_RIGHTS = EnumSet.of(AclRight.READ_DATA, AclRight.WRITE_DATA, AclRight.EXECUTE,
            AclRight.APPEND_DATA, AclRight.DELETE_CHILD);

    /** Something under /private/var or /private/etc that the agent's programs read, and what it gives them. */
    private record Essential(String path, String what) {
    }

    private static final List<Essential> VAR_ESSENTIALS = List.of(
            new Essential("/private/var/folders", "its TMPDIR (/var/folders/...)"),
            new Essential("/private/var/run/mDNSResponder", "DNS (the resolver talks to /var/run/mDNSResponder)"),
            new Essential("/private/var/db/timezone", "the time zone (/var/db/timezone)"));

    private static final List<Essential> ETC_ESSENTIALS = List.of(
            new Essential("/private/etc/zshenv", "zsh's /etc/zshenv"),
            new Essential("/private/etc/zprofile", "zsh's /etc/zprofile (so path_helper never builds PATH from /etc/paths)"),
            new Essential("/private/etc/paths", "/etc/paths"),
            new Essential("/private/etc/ssl/cert.pem", "the TLS CA file /etc/ssl/cert.pem"),
            new Essential("/private/etc/hosts", "/etc/hosts"),
            new Essential("/private/etc/services", "/etc/services"),
            new Essential("/private/etc/shells", "/etc/shells"));

    private Lint() {
    }

    public static LintReport check(CagePlan plan) {
        return check(plan, MachineFacts.NONE);
    }

    public static LintReport check(CagePlan plan, MachineFacts facts) {
        List<Finding> findings = new ArrayList<>();
        UserAccount user = plan.user();
        plan.stepsOf(AccessDenial.class).forEach(d -> {
            checkDenial(d, plan, facts, findings);
            // through a link the deny lands elsewhere: what is true of that place counts as well
            String real = facts.realPath(d.path());
            if (!real.equals(d.path())) {
                List<Finding> there = new ArrayList<>();
                checkDenial(new AccessDenial(real, d.requested(), d.principal(), d.rights()), plan, facts, there);
                there.stream().filter(f -> findings.stream().noneMatch(known -> known.rule() == f.rule() && known.subject().equals(d.path())))
                        .map(f -> new Finding(f.rule(), d.path() + " -> " + real, f.message() + " (" + d.path() + " leads there)", f.fix()))
                        .forEach(findings::add);
            }
        });
        checkAccount(user, plan, findings);
        plan.step(SharedWorkspace.class).ifPresent(ws -> checkWorkspace(ws, plan, findings));
        plan.step(ShellUmask.class).ifPresent(u -> checkUmask(u, plan, findings));
        plan.step(ClaudeCodeHook.class).ifPresent(h -> {
            if (h.location() != ClaudeCodeHook.Location.ROOT_OWNED) {
                findings.add(new Finding(Rule.HOOK_EDITABLE_BY_AGENT, h.settingsFile(),
                        "the agent owns " + h.settingsFile() + " and can remove the hook, or switch every hook off with \"disableAllHooks\": true in a project's settings",
                        "claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED) writes a root-owned file passed with --settings at launch"));
            }
        });
        plan.step(SeatbeltProfile.class).ifPresent(p -> checkSeatbelt(p, plan, findings));
        return new LintReport(findings, plan.acceptedRisks());
    }

    private static void checkDenial(AccessDenial d, CagePlan plan, MachineFacts facts, List<Finding> findings) {
        String path = d.path();
        String home = plan.user().home();
        // APFS compares names without case by default: /private/TMP is /private/tmp
        String criticalPath = CRITICAL_PATHS.stream().filter(p -> p.equalsIgnoreCase(path)).findFirst().orElse(null);
        boolean critical = SHARED_TEMP.equalsIgnoreCase(path)
                || (criticalPath != null && (d.blocksTraversal() || (d.rights().contains(AclRight.READ_DATA) && !criticalPath.equals("/Applications"))));
        if (critical) {
            findings.add(new Finding(Rule.DENY_CRITICAL_PATH, path,
                    "denying " + rightNames(d) + " on " + path + " breaks every program the agent runs" + criticalReason(criticalPath),
                    "remove deny(\"" + d.requested() + "\"); deny narrower paths below it instead"));
        }
        blockedBy(d, home).ifPresent(why -> findings.add(new Finding(Rule.DENY_BLOCKS_HOME, path,
                "the agent's home " + home + " " + why,
                fixFor(d, home))));
        plan.step(SharedWorkspace.class).ifPresent(ws -> blockedBy(d, ws.path()).ifPresent(why -> findings.add(new Finding(Rule.DENY_BLOCKS_WORKSPACE, path,
                "the workspace " + ws.path() + " " + why, fixFor(d, ws.path())))));
        List<String> reach = new ArrayList<>(List.of(home));
        plan.step(SharedWorkspace.class).ifPresent(ws -> reach.add(ws.path()));
        reach.stream().filter(place -> MacPaths.isBelow(path, place)).findFirst().ifPresent(place -> findings.add(new Finding(Rule.DENY_INSIDE_AGENTS_REACH, path,
                path + " lies in " + place + ", where the agent may add, rename and remove entries: it can move the denied entry away and put"
                        + " another, or a link, in its place, so the entry keeps nothing from it (and root's chmod would follow such a link)",
                "keep what the agent must not reach outside " + place + " and deny it there, e.g. in " + plan.human().map(h -> "/Users/" + h).orElse("/Users/Shared")
                        + "; remove deny(\"" + d.requested() + "\")")));
        List<String> lostUnderVar = lost(d, VAR_ESSENTIALS);
        if (!lostUnderVar.isEmpty() && !CRITICAL_PATHS.contains(path)) {
            findings.add(new Finding(Rule.DENY_PRIVATE_VAR, path,
                    "without " + path + " the agent loses " + String.join(", ", lostUnderVar) + (path.equals("/private/var") ? " and anything kept under /var" : ""),
                    "deny narrower paths (e.g. /private/var/db/sudo, /private/var/root), or denyListing(\"" + d.requested() + "\"); launch the agent with its own TMPDIR"));
        }
        List<String> lostUnderEtc = lost(d, ETC_ESSENTIALS);
        if (!lostUnderEtc.isEmpty() && !CRITICAL_PATHS.contains(path)) {
            findings.add(new Finding(Rule.DENY_PRIVATE_ETC, path,
                    "without " + path + " the agent loses " + String.join(", ", lostUnderEtc),
                    "deny the secrets in it instead (e.g. /private/etc/sudoers.d, /private/etc/ssh), or denyListing(\"" + d.requested()
                            + "\"), or accept that the agent runs with a fixed PATH and no system CA file"));
        }
        if (!facts.exists(path)) {
            findings.add(new Finding(Rule.DENY_TARGET_MISSING, path,
                    path + " does not exist on this machine, so there is nothing to put an ACL on",
                    "create it first, or remove deny(\"" + d.requested() + "\"); if you accept the risk, apply skips it"));
        }
    }

    /**
     * What the agent loses of {@code essentials} through {@code d}: those below a path where search
     * is denied, and those denied themselves (read or search). Denying only {@code list} on a
     * directory hides its listing but leaves every file in it readable.
     */
    private static List<String> lost(AccessDenial d, List<Essential> essentials) {
        return essentials.stream()
                .filter(e -> MacPaths.isBelow(e.path(), d.path()) ? d.blocksTraversal()
                        : e.path().equals(d.path()) && (d.blocksTraversal() || d.rights().contains(AclRight.READ_DATA)))
                .map(Essential::what)
                .toList();
    }

    /** Why a deny keeps the agent out of {@code target}, or empty when it does not (denying e.g. only writesecurity does not). */
    private static java.util.Optional<String> blockedBy(AccessDenial d, String target) {
        if (d.path().equals(target) && d.rights().stream().anyMatch(WORKING_RIGHTS::contains)) {
            return java.util.Optional.of("is itself denied (" + rightNames(d) + ")");
        }
        if (MacPaths.isBelow(target, d.path()) && d.blocksTraversal()) {
            return java.util.Optional.of("lies below " + d.path() + ", where search is denied: no path through it can be reached");
        }
        return java.util.Optional.empty();
    }

    private static String fixFor(AccessDenial d, String target) {
        if (d.path().equals(target)) {
            return "remove deny(\"" + d.requested() + "\")";
        }
        return "use denyListing(\"" + d.requested() + "\") to hide the listing but keep the path through it, or move " + target + " outside " + d.path();
    }

    private static String criticalReason(String path) {
        return switch (path) {
            case "/" -> " (every path starts there)";
            case "/private/tmp", "/private" -> " (Claude Code keeps its temp files under /private/tmp/claude-UID)";
            case "/dev" -> " (/dev/null, /dev/tty, /dev/urandom)";
            case "/usr", "/bin", "/sbin" -> " (the system's programs and libraries)";
            case "/System", "/Library" -> " (frameworks the dynamic linker loads)";
            case "/private/var/folders" -> " (per-user temp and cache directories)";
            default -> "";
        };
    }

    /** The groups whose members are administrators, by name and GID: admin (80) may use sudo, wheel (0) is root's. */
    public static final Map<String, Integer> ADMINISTRATOR_GROUPS = administratorGroups();

    private static Map<String, Integer> administratorGroups() {
        Map<String, Integer> groups = new LinkedHashMap<>(); // in this order, so that probes run in the same order every time
        groups.put("admin", 80);
        groups.put("wheel", 0);
        return Collections.unmodifiableMap(groups);
    }

    private static void checkAccount(UserAccount user, CagePlan plan, List<Finding> findings) {
        String fix = "give the agent a group of its own: collaborationGroup(\"collabo\") with a free GID, e.g. collaborationGroupIdFirstFreeIn(600, 699)";
        plan.step(CollaborationGroup.class).ifPresent(g -> {
            if (ADMINISTRATOR_GROUPS.containsKey(g.name()) || g.gid() instanceof IdRequest.Exactly id && ADMINISTRATOR_GROUPS.containsValue(id.id())) {
                findings.add(new Finding(Rule.AGENT_IS_ADMINISTRATOR, "group " + g.name() + " " + g.gid(),
                        "the collaboration group makes the agent a member of an administrators' group (admin 80 may use sudo, wheel 0 is root's)", fix));
            }
        });
        if (user.primaryGroup() instanceof PrimaryGroup.Id id && ADMINISTRATOR_GROUPS.containsValue(id.gid())) {
            findings.add(new Finding(Rule.AGENT_IS_ADMINISTRATOR, "primary GID " + id.gid(),
                    "with primary group " + id.gid() + " the agent counts as a member of an administrators' group (sudo's %admin rule matches it)", fix));
        }
        if (user.primaryGroup() instanceof PrimaryGroup.Id id && id.gid() == 20) {
            findings.add(new Finding(Rule.PRIMARY_GROUP_STAFF, user.name(),
                    "with primary group staff (20) the agent gets group access to everything group-owned by staff, which is most of every user's files",
                    "let the collaboration group be the primary group (leave primaryGroupId unset) or give the agent a group of its own"));
        }
        if (user.uid().lowest() < 500) {
            findings.add(new Finding(Rule.ID_IN_SYSTEM_RANGE, "UID " + user.uid(),
                    "UIDs below 500 are Apple's: upgrades add system accounts there (Sequoia took 300-304)",
                    "use a UID from 501 up that no one holds, e.g. uidFirstFreeIn(600, 699)"));
        }
        plan.step(CollaborationGroup.class).ifPresent(g -> {
            if (g.gid().lowest() < 500) {
                findings.add(new Finding(Rule.ID_IN_SYSTEM_RANGE, "GID " + g.gid(),
                        "GIDs below 500 are Apple's: upgrades add system groups there (a stock Mac has e.g. staff 20, network 69, admin 80)",
                        "use a GID from 501 up, e.g. collaborationGroupIdFirstFreeIn(600, 699)"));
            }
        });
        if (user.primaryGroup() instanceof PrimaryGroup.Id id && id.gid() < 500 && id.gid() != 20) {
            findings.add(new Finding(Rule.ID_IN_SYSTEM_RANGE, "primary GID " + id.gid(),
                    "GID " + id.gid() + " is in Apple's system range", "let the collaboration group be the primary group"));
        }
        if (user.password() instanceof Password.Given) {
            findings.add(new Finding(Rule.PASSWORD_SET, user.name(),
                    "a password lets anyone who learns it log in as the agent; starting the agent through sudo needs none",
                    "noPassword()"));
        }
    }

    private static void checkWorkspace(SharedWorkspace ws, CagePlan plan, List<Finding> findings) {
        if (Modes.anyExecute(ws.fileMode()) || (ws.fileMode() & 06000) != 0) {
            findings.add(new Finding(Rule.WORKSPACE_FILES_EXECUTABLE, ws.path(),
                    "file mode " + Modes.octal(ws.fileMode()) + " (the seed's chmod -R 2770) makes every regular file executable" + ((ws.fileMode() & 06000) != 0 ? " and setuid/setgid" : ""),
                    "workspaceModes(02770, 0660): directories 2770, files 660; files that were executable keep their execute bits"));
        }
        if ((ws.directoryMode() & 0070) != 0070 || (ws.fileMode() & 0060) != 0060) {
            findings.add(new Finding(Rule.WORKSPACE_NOT_GROUP_EDITABLE, ws.path(),
                    "directories " + Modes.octal(ws.directoryMode()) + " and files " + Modes.octal(ws.fileMode()) + " do not give the group read, write (and search on directories)",
                    "workspaceModes(02770, 0660)"));
        }
        if (!ws.inheritableGroupAccess()) {
            findings.add(new Finding(Rule.WORKSPACE_NO_INHERITED_ACCESS, ws.path(),
                    "without inheritable group entries a file created under umask 022 (most programs, the agent's tools) is not writable by the other",
                    "workspaceInheritableAccess(true)"));
        }
        UserAccount user = plan.user();
        if (MacPaths.isBelow(ws.path(), user.home()) && !MacPaths.parent(ws.path()).equals(user.home())) {
            String step = MacPaths.parent(ws.path());
            while (!MacPaths.parent(step).equals(user.home())) {
                step = MacPaths.parent(step);
            }
            findings.add(new Finding(Rule.WORKSPACE_DEEP_IN_AGENTS_HOME, ws.path(),
                    "the agent may rename " + step + " in its home and put a link to any directory there: root's commands on the workspace"
                            + " start from its path and would follow that link",
                    "workspace(\"" + user.home() + "/" + MacPaths.name(ws.path()) + "\") (right in the agent's home), or a place outside it, e.g. /Users/Shared/"
                            + MacPaths.name(ws.path())));
        }
        if (MacPaths.isBelow(ws.path(), user.home())) {
            plan.step(HomeDirectory.class).ifPresent(home -> {
                if ((home.mode() & 0010) == 0) {
                    findings.add(new Finding(Rule.HOME_CLOSED_TO_GROUP, ws.path(),
                            "the workspace lies in the agent's home, whose mode " + Modes.octal(home.mode()) + " keeps the group from passing through",
                            "homeMode(0750), or put the workspace elsewhere, e.g. /Users/Shared/" + user.name()));
                }
            });
        }
    }

    private static void checkUmask(ShellUmask u, CagePlan plan, List<Finding> findings) {
        if (!u.umask().keepsGroupWrite()) {
            findings.add(new Finding(Rule.UMASK_MASKS_GROUP_WRITE, u.file(),
                    "umask " + u.umask() + " removes group write from every new file", "humanUmask(\"002\")"));
        }
        // with inheritable group entries on the workspace, what the umask misses is covered
        java.util.Optional<SharedWorkspace> workspace = plan.step(SharedWorkspace.class);
        if (workspace.isEmpty() || !workspace.get().inheritableGroupAccess()) {
            findings.add(new Finding(Rule.UMASK_ONLY_INTERACTIVE, u.file(),
                    "umask in " + MacPaths.name(u.file()) + " reaches only interactive shells, not the IDE, Finder or the agent's tools; only inheritable group entries on the workspace keep every new file shared",
                    workspace.isPresent() ? "workspaceInheritableAccess(true)"
                            : "add workspace(PATH) with collaborationGroup(NAME): its inheritable group entries share new files whatever the umask"));
        }
    }

    private static void checkSeatbelt(SeatbeltProfile profile, CagePlan plan, List<Finding> findings) {
        String writable = profile.writableRoots().isEmpty() ? "nowhere" : "only in " + String.join(", ", profile.writableRoots())
                + (profile.hiddenPaths().isEmpty() ? "" : " (and not in " + String.join(", ", profile.hiddenPaths()) + ")");
        plan.step(SharedWorkspace.class).map(SharedWorkspace::path).filter(ws -> !SeatbeltPolicy.allowsWriting(profile, ws)).ifPresent(ws ->
                findings.add(new Finding(Rule.SEATBELT_NO_WORKSPACE_WRITE, ws,
                        "the Seatbelt profile lets the agent write " + writable + ": it cannot edit the workspace it shares with you",
                        "seatbeltWritable(\"" + ws + "\")")));
        String home = plan.user().home();
        if (!SeatbeltPolicy.allowsWriting(profile, home)) {
            findings.add(new Finding(Rule.SEATBELT_NO_HOME_WRITE, home,
                    "the Seatbelt profile lets the agent write " + writable + ": Claude Code keeps its settings, login and history in the home"
                            + " (~/.claude, ~/.claude.json), and the launcher the agent's TMPDIR",
                    "seatbeltWritable(\"" + home + "\")"));
        }
        List<String> temporary = SeatbeltProfile.TEMPORARY_ROOTS.stream().filter(t -> !SeatbeltPolicy.allowsWriting(profile, t)).toList();
        if (!temporary.isEmpty()) {
            findings.add(new Finding(Rule.SEATBELT_NO_TEMP_WRITE, String.join(", ", temporary),
                    "the Seatbelt profile keeps the agent from writing " + String.join(" and ", temporary)
                            + ": Claude Code keeps its temporary files in /private/tmp/claude-UID, and programs that ask the system for a"
                            + " temporary directory get one below /private/var/folders",
                    temporary.stream().map(t -> "seatbeltWritable(\"" + t + "\")").collect(Collectors.joining(", "))));
        }
        if (!profile.network()) {
            findings.add(new Finding(Rule.SEATBELT_NETWORK_OFF, profile.profileFile(),
                    "programs the launcher starts cannot reach the network, Claude Code's API and package registries included",
                    "seatbeltNetwork(true), or start only programs that work offline"));
        }
        findings.add(new Finding(Rule.SEATBELT_NESTED_SANDBOX, profile.profileFile(),
                "a sandbox cannot be nested: inside sandbox-exec, a tool that sandboxes itself (Claude Code's own /sandbox, swift build)"
                        + " fails with 'sandbox_apply: Operation not permitted'",
                "turn such a tool's own sandbox off in the cage, where the profile takes its place; or leave out seatbelt()"));
    }

    private static String rightNames(AccessDenial d) {
        return d.rights().stream().map(r -> r.nameOn(true)).collect(Collectors.joining(","));
    }

    /** True when {@code code} names a rule. */
    public static boolean knows(String code) {
        return Arrays.stream(Rule.values()).anyMatch(r -> r.name().equals(code));
    }

    /** Every rule's code. */
    public static List<String> codes() {
        return Arrays.stream(Rule.values()).map(Rule::name).toList();
    }
}
