package dev.cagent;

import dev.cagent.lint.Lint;
import dev.cagent.lint.LintReport;
import dev.cagent.seatbelt.SeatbeltPolicy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable description of a cage: the agent account and the ordered steps that build its
 * walls. Made by {@link Cage#forUser(String)}; compare with {@code equals}; change a copy with
 * {@link #toBuilder()}; check with {@link #lint()}.
 */
public final class CagePlan {

    private final Builder state;
    private final List<Step> steps;

    private CagePlan(Builder state, List<Step> steps) {
        this.state = state;
        this.steps = List.copyOf(steps);
    }

    /** The agent's short name. */
    public String agent() {
        return state.name;
    }

    /** The human working beside the agent, when the plan names one. */
    public Optional<String> human() {
        return Optional.ofNullable(state.human);
    }

    /** The steps in the order a backend applies them (undo runs them backwards). */
    public List<Step> steps() {
        return steps;
    }

    /** The first step of a type, e.g. {@code plan.step(UserAccount.class)}. */
    public <T extends Step> Optional<T> step(Class<T> type) {
        return steps.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Every step of a type, in order. */
    public <T extends Step> List<T> stepsOf(Class<T> type) {
        return steps.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The agent account step; every plan has exactly one. */
    public UserAccount user() {
        return step(UserAccount.class).orElseThrow();
    }

    /** Lint codes the author accepted: their errors no longer refuse the plan. */
    public Set<String> acceptedRisks() {
        return Collections.unmodifiableSet(new TreeSet<>(state.acceptedRisks));
    }

    /** The findings of the plan on its own, without looking at any machine. */
    public LintReport lint() {
        return Lint.check(this);
    }

    /** A builder holding this plan's settings, to derive a changed plan. */
    public Builder toBuilder() {
        return state.copy();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CagePlan that && steps.equals(that.steps) && Objects.equals(state.human, that.state.human)
                && state.acceptedRisks.equals(that.state.acceptedRisks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(steps, state.human, state.acceptedRisks);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CagePlan for ").append(agent());
        human().ifPresent(h -> sb.append(" (working with ").append(h).append(')'));
        sb.append('\n');
        for (int i = 0; i < steps.size(); i++) {
            sb.append(String.format("%3d. %s%n", i + 1, steps.get(i)));
        }
        if (!state.acceptedRisks.isEmpty()) {
            sb.append("  accepted risks: ").append(String.join(", ", new TreeSet<>(state.acceptedRisks))).append('\n');
        }
        return sb.toString();
    }

    /**
     * Collects a plan's settings. Each method checks its own argument at once and throws an
     * {@link InvalidPlanException} naming the value and the fix; {@link #build()} checks what
     * spans several settings. Not thread-safe; the plan it builds is.
     */
    public static final class Builder {

        /** Where agent UIDs and group GIDs are allocated when none is given: above Apple's system range. */
        public static final IdRequest DEFAULT_ID_RANGE = new IdRequest.FirstFreeIn(600, 699);

        private String name;
        private String realName;
        private IdRequest uid = DEFAULT_ID_RANGE;
        private PrimaryGroup primaryGroup;
        private String shell = "/bin/zsh";
        private String home;
        private int homeMode = 0750;
        private boolean hidden = true;
        private Password password = Password.none();
        private String human;
        private String humanHome;
        private final Map<String, Denial> denials = new LinkedHashMap<>();
        private String groupName;
        private IdRequest gid = DEFAULT_ID_RANGE;
        private final Set<String> extraMembers = new LinkedHashSet<>();
        private String workspace;
        private int workspaceDirectoryMode = 02770;
        private int workspaceFileMode = 0660;
        private int workspaceExecutableFileMode = 0770;
        private boolean workspaceInheritableAccess = true;
        private Umask humanUmask;
        private String humanUmaskFile;
        private ClaudeCodeHook.Location hookLocation;
        private String hookSettingsFile;
        private List<String> jqCandidates = ClaudeCodeHook.DEFAULT_JQ_CANDIDATES;
        private boolean seatbelt;
        private String seatbeltProfileFile;
        private List<String> seatbeltWritableRoots;
        private final Set<String> seatbeltExtraWritable = new LinkedHashSet<>();
        private final Set<String> seatbeltReadable = new LinkedHashSet<>(SeatbeltProfile.DEFAULT_READABLE);
        private boolean seatbeltNetwork = true;
        private final List<CustomStep> customSteps = new ArrayList<>();
        private final Set<String> acceptedRisks = new LinkedHashSet<>();

        private record Denial(String requested, Set<AclRight> rights) {
        }

        Builder(String name) {
            this.name = Names.checkShortName("user name", name);
        }

        /** The display name ({@code RealName}); defaults to the short name. */
        public Builder realName(String realName) {
            this.realName = Names.checkRealName("realName", realName);
            return this;
        }

        /** A fixed UID. Below 500 is Apple's system range: lint warns. */
        public Builder uid(int uid) {
            this.uid = IdRequest.exactly("uid", uid);
            return this;
        }

        /** The first UID free on the machine in {@code from..to} (the default is 600-699). */
        public Builder uidFirstFreeIn(int from, int to) {
            this.uid = IdRequest.firstFreeIn("uid", from, to);
            return this;
        }

        /** A fixed primary GID, e.g. 20 (staff, which lint warns about). Default: the collaboration group. */
        public Builder primaryGroupId(int gid) {
            this.primaryGroup = PrimaryGroup.id(gid);
            return this;
        }

        /** The login shell ({@code UserShell}), an absolute path; default {@code /bin/zsh}. */
        public Builder shell(String shell) {
            this.shell = MacPaths.check("shell", shell);
            return this;
        }

        /** The home directory ({@code NFSHomeDirectory}), in its canonical spelling ({@code /var/x} is {@code /private/var/x}); default {@code /Users/NAME}. */
        public Builder home(String home) {
            String checked = MacPaths.canonical(MacPaths.check("home", home));
            if (checked.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 511) {
                throw new InvalidPlanException("home", "home path is longer than 511 bytes, the macOS limit for home directories");
            }
            if (checked.equals("/")) {
                throw new InvalidPlanException("home", "home '/' would hand the whole disk to the agent: give a directory of its own, e.g. /Users/" + name);
            }
            this.home = checked;
            return this;
        }

        /** The home directory's mode; default 0750 (group members may enter, others not). */
        public Builder homeMode(int mode) {
            Modes.check("homeMode", mode);
            if ((mode & 0002) != 0) {
                throw new InvalidPlanException("homeMode", "mode 0" + Integer.toOctalString(mode) + " lets everyone write the agent's home: drop the others' write bit, e.g. 0750");
            }
            this.homeMode = mode;
            return this;
        }

        /** Hide the account from the login window ({@code IsHidden 1}); default true. */
        public Builder hidden(boolean hidden) {
            this.hidden = hidden;
            return this;
        }

        /** No password: nobody can log in as the agent; sudo can still start it. The default. */
        public Builder noPassword() {
            this.password = Password.none();
            return this;
        }

        /** A password, passed to dscl on standard input only; refused if it cannot pass unaltered. */
        public Builder password(Secret secret) {
            this.password = Password.of(required("password", secret, "pass Secret.of(...), or call noPassword()"));
            return this;
        }

        /** The person who works beside the agent; default home {@code /Users/NAME}. */
        public Builder human(String human) {
            this.human = Names.checkShortName("human", human);
            return this;
        }

        /** The human's home when it is not {@code /Users/NAME}, in its canonical spelling. */
        public Builder humanHome(String path) {
            this.humanHome = MacPaths.canonical(MacPaths.check("humanHome", path));
            return this;
        }

        /**
         * Denies the agent what the seed's {@code read,write,execute,list} means on {@code path}:
         * on a directory list, add_file and search (read, write and execute on a file; {@code list}
         * is {@code read}'s name on directories, not a fourth right).
         */
        public Builder deny(String path) {
            return deny(path, AclRight.seedDenial());
        }

        /** Denies the agent the given rights on {@code path}. */
        public Builder deny(String path, AclRight first, AclRight... more) {
            Set<AclRight> rights = new HashSet<>(Arrays.asList(required("deny", more, "name the further rights, or none")));
            rights.add(first);
            return deny(path, rights);
        }

        /** Denies the agent the given rights on {@code path}; repeated paths (also {@code /etc} and {@code /private/etc}) merge. */
        public Builder deny(String path, Set<AclRight> rights) {
            String checked = MacPaths.check("deny", path);
            required("deny", rights, "name at least one right, e.g. EnumSet.of(AclRight.READ_DATA)");
            for (AclRight right : rights) {
                required("deny", right, "the rights for " + checked + " include null: remove it, or name a right such as AclRight.READ_DATA");
            }
            if (rights.isEmpty()) {
                throw new InvalidPlanException("deny", "no rights given for " + checked + ": name at least one, e.g. AclRight.READ_DATA");
            }
            String canonical = MacPaths.canonical(checked);
            Denial existing = denials.get(canonical);
            EnumSet<AclRight> merged = EnumSet.copyOf(rights);
            if (existing != null) {
                merged.addAll(existing.rights());
            }
            denials.put(canonical, new Denial(existing != null ? existing.requested() : checked, merged));
            return this;
        }

        /** Denies only listing {@code path} (e.g. {@code /Users}): what is below stays reachable. */
        public Builder denyListing(String path) {
            return deny(path, EnumSet.of(AclRight.READ_DATA));
        }

        /** A collaboration group of the human and the agent; its GID is the first free in 600-699 unless set. */
        public Builder collaborationGroup(String name) {
            this.groupName = Names.checkShortName("collaborationGroup", name);
            return this;
        }

        /** A fixed GID for the collaboration group. */
        public Builder collaborationGroupId(int gid) {
            this.gid = IdRequest.exactly("collaborationGroupId", gid);
            return this;
        }

        /** The first free GID in {@code from..to} for the collaboration group. */
        public Builder collaborationGroupIdFirstFreeIn(int from, int to) {
            this.gid = IdRequest.firstFreeIn("collaborationGroupId", from, to);
            return this;
        }

        /** Another explicit member of the collaboration group (the agent and the human are always members). */
        public Builder alsoMember(String user) {
            extraMembers.add(Names.checkShortName("member", user));
            return this;
        }

        /** The directory both edit; owned by the agent and the collaboration group. */
        public Builder workspace(String path) {
            String checked = MacPaths.canonical(MacPaths.check("workspace", path));
            if (checked.equals("/")) {
                throw new InvalidPlanException("workspace", "the workspace '/' would hand the whole disk to the group: give a directory of its own, e.g. /Users/" + name + "/workshop");
            }
            this.workspace = checked;
            return this;
        }

        /** Modes for the workspace: directories (default 2770) and plain files (default 660); executable files get the file mode plus the execute bits of its read bits. */
        public Builder workspaceModes(int directoryMode, int fileMode) {
            Modes.check("workspace directory mode", directoryMode);
            Modes.check("workspace file mode", fileMode);
            this.workspaceDirectoryMode = directoryMode;
            this.workspaceFileMode = fileMode;
            this.workspaceExecutableFileMode = fileMode | ((fileMode & 0444) >> 2);
            return this;
        }

        /** Whether to add inheritable group allow entries to the workspace; default true. */
        public Builder workspaceInheritableAccess(boolean enabled) {
            this.workspaceInheritableAccess = enabled;
            return this;
        }

        /** Adds {@code umask UMASK} to the human's {@code ~/.zshrc} as a marked block. */
        public Builder humanUmask(String umask) {
            this.humanUmask = Umask.parse(umask);
            return this;
        }

        /** Adds {@code umask UMASK} to the given shell startup file of the human's. */
        public Builder humanUmask(String file, String umask) {
            String checkedFile = MacPaths.check("umask file", file);
            this.humanUmask = Umask.parse(umask);
            this.humanUmaskFile = checkedFile;
            return this;
        }

        /** The Claude Code hook in the agent's user settings ({@code ~/.claude/settings.json}). */
        public Builder claudeCodeHook() {
            return claudeCodeHook(ClaudeCodeHook.Location.USER);
        }

        /** The Claude Code hook in the chosen settings file (the root-owned one at its default path). */
        public Builder claudeCodeHook(ClaudeCodeHook.Location location) {
            this.hookLocation = required("claudeCodeHook", location, "choose ClaudeCodeHook.Location.USER, PROJECT or ROOT_OWNED");
            this.hookSettingsFile = null;
            return this;
        }

        /** The Claude Code hook in a root-owned settings file at {@code path}, passed with {@code --settings} at launch. */
        public Builder claudeCodeHookRootOwned(String path) {
            this.hookSettingsFile = MacPaths.check("claude settings file", path);
            this.hookLocation = ClaudeCodeHook.Location.ROOT_OWNED;
            return this;
        }

        /** Where to look for jq, in order (default /usr/bin/jq, /opt/homebrew/bin/jq, /usr/local/bin/jq). */
        public Builder jqCandidates(String... paths) {
            List<String> checked = new ArrayList<>();
            for (String p : required("jq", paths, "name at least one path, e.g. /usr/bin/jq")) {
                checked.add(ClaudeCodeHook.checkJqPath(p));
            }
            if (checked.isEmpty()) {
                throw new InvalidPlanException("jq", "no path given: name at least one, e.g. /usr/bin/jq");
            }
            this.jqCandidates = List.copyOf(checked);
            return this;
        }

        /**
         * Adds a Seatbelt profile, the cage's second wall, that the backend's launcher starts every
         * program through ({@code sandbox-exec}): root-owned at
         * {@code /Library/Application Support/cagent/NAME/seatbelt.sb}; writes only in the agent's
         * home, the workspace, {@code /private/tmp} and {@code /private/var/folders}; reads the
         * system, {@code /opt/homebrew}, Claude Code's managed and root-owned settings; network allowed;
         * the plan's denies repeated. Tools that sandbox themselves (Claude Code's own /sandbox,
         * {@code swift build}) fail inside it: a sandbox cannot be nested.
         */
        public Builder seatbelt() {
            this.seatbelt = true;
            return this;
        }

        /** Adds the Seatbelt profile (see {@link #seatbelt()}) at {@code path}, which only root may write. */
        public Builder seatbeltProfileFile(String path) {
            String checked = MacPaths.canonical(MacPaths.check("seatbelt profile file", path));
            if (checked.equals("/")) {
                throw new InvalidPlanException("seatbelt profile file", "'/' is a directory: give the profile a file of its own, e.g. "
                        + rootOwnedDirectory() + "/" + SeatbeltProfile.FILE_NAME);
            }
            this.seatbeltProfileFile = checked;
            return seatbelt();
        }

        /** Adds the Seatbelt profile and lets programs in it write (and read) at {@code path} too, in its canonical spelling. */
        public Builder seatbeltWritable(String path) {
            seatbeltExtraWritable.add(writableRoot(path));
            return seatbelt();
        }

        /**
         * Adds the Seatbelt profile with exactly these writable roots instead of the default ones
         * (the agent's home, the workspace, the temporary directories); none makes a read-only cage.
         */
        public Builder seatbeltWritableRoots(String... paths) {
            List<String> roots = new ArrayList<>();
            for (String path : required("seatbelt writable", paths, "name the directories, or none for a read-only cage")) {
                roots.add(writableRoot(path));
            }
            this.seatbeltWritableRoots = List.copyOf(roots);
            return seatbelt();
        }

        private static String writableRoot(String path) {
            String checked = MacPaths.canonical(MacPaths.check("seatbelt writable", path));
            SeatbeltProfile.refuseWholeDisk(checked);
            return checked;
        }

        /** Adds the Seatbelt profile and lets programs in it read (and run) what lies at {@code path} too, e.g. /Applications/Xcode.app. */
        public Builder seatbeltReadable(String path) {
            seatbeltReadable.add(MacPaths.canonical(MacPaths.check("seatbelt readable", path)));
            return seatbelt();
        }

        /** Adds the Seatbelt profile and says whether programs in it may use the network (default true; Claude Code needs it for its API). */
        public Builder seatbeltNetwork(boolean allowed) {
            this.seatbeltNetwork = allowed;
            return seatbelt();
        }

        /** Adds a step of your own, applied after the built-in ones. */
        public Builder step(CustomStep step) {
            customSteps.add(required("step", step, "pass a CustomStep instance"));
            return this;
        }

        /** Accepts a lint finding's risk: an error with this code no longer refuses the plan. */
        public Builder acceptRisk(String code) {
            if (!Lint.knows(code)) {
                throw new InvalidPlanException("acceptRisk", "unknown lint code " + Texts.visible(code) + ": use one of " + Lint.codes());
            }
            acceptedRisks.add(code);
            return this;
        }

        /** Checks what spans several settings and builds the immutable plan. */
        public CagePlan build() {
            String agentHome = home != null ? home : "/Users/" + name;
            String humanHomePath = human == null ? null : (humanHome != null ? humanHome : "/Users/" + human);
            if (human != null && human.equals(name)) {
                throw new InvalidPlanException("human", "the human '" + human + "' is the agent itself: name the person's own account, e.g. human(\"alice\")");
            }
            if (humanHomePath != null && MacPaths.isSameOrBelow(agentHome, humanHomePath)) {
                throw new InvalidPlanException("home", "the agent's home " + agentHome + " lies in " + human + "'s home " + humanHomePath + ": give it a home of its own, e.g. /Users/" + name);
            }
            if (groupName == null && primaryGroup == null) {
                throw new InvalidPlanException("primaryGroupId", "the agent needs a primary group: add collaborationGroup(\"NAME\") (it becomes the primary group) or set primaryGroupId(GID)");
            }
            if (workspace != null && groupName == null) {
                throw new InvalidPlanException("workspace", "a shared workspace needs a collaboration group to own it: add collaborationGroup(\"collabo\")");
            }
            if (humanUmask != null && human == null) {
                throw new InvalidPlanException("humanUmask", "whose shell gets the umask? add human(\"NAME\")");
            }
            if (hookLocation == ClaudeCodeHook.Location.PROJECT && workspace == null) {
                throw new InvalidPlanException("claudeCodeHook", "project settings live in the workspace: add workspace(PATH) or choose Location.USER");
            }
            if (humanHome != null && human == null) {
                throw new InvalidPlanException("humanHome", "whose home is " + humanHome + "? add human(\"NAME\")");
            }
            if (!extraMembers.isEmpty() && groupName == null) {
                throw new InvalidPlanException("alsoMember", "members " + extraMembers + " need a group to join: add collaborationGroup(\"NAME\")");
            }
            if (!gid.equals(DEFAULT_ID_RANGE) && groupName == null) {
                throw new InvalidPlanException("collaborationGroupId", "GID " + gid + " is for the collaboration group, which the plan does not have: add collaborationGroup(\"NAME\")");
            }

            List<Step> steps = new ArrayList<>();
            PrimaryGroup primary = primaryGroup != null ? primaryGroup : PrimaryGroup.collaborationGroup();
            steps.add(new UserAccount(name, realName != null ? realName : name, uid, primary, shell, agentHome, hidden, password));
            if (groupName != null) {
                List<String> members = new ArrayList<>();
                if (human != null) {
                    members.add(human);
                }
                members.add(name);
                extraMembers.stream().filter(m -> !members.contains(m)).forEach(members::add);
                steps.add(new CollaborationGroup(groupName, gid, members));
            }
            steps.add(new HomeDirectory(agentHome, name, homeMode));
            denials.forEach((path, d) -> steps.add(new AccessDenial(path, d.requested(), name, d.rights())));
            if (workspace != null) {
                steps.add(new SharedWorkspace(workspace, name, groupName, workspaceDirectoryMode, workspaceFileMode,
                        workspaceExecutableFileMode, workspaceInheritableAccess));
            }
            if (humanUmask != null) {
                steps.add(new ShellUmask(humanUmaskFile != null ? humanUmaskFile : humanHomePath + "/.zshrc", human, humanUmask));
            }
            ClaudeCodeHook hook = hookLocation == null ? null : switch (hookLocation) {
                case USER -> new ClaudeCodeHook(agentHome + "/.claude/settings.json", hookLocation, name, jqCandidates);
                case PROJECT -> new ClaudeCodeHook(workspace + "/.claude/settings.json", hookLocation, name, jqCandidates);
                case ROOT_OWNED -> new ClaudeCodeHook(hookSettingsFile != null ? hookSettingsFile
                        : rootOwnedDirectory() + "/claude-settings.json", hookLocation, "root", jqCandidates);
            };
            if (hook != null) {
                steps.add(hook);
            }
            if (seatbelt) {
                steps.add(seatbeltProfile(agentHome, hook));
            }
            steps.addAll(customSteps);
            return new CagePlan(copy(), steps);
        }

        /** Where cagent keeps the agent's root-owned files by default: the Claude Code settings, the Seatbelt profile. */
        private String rootOwnedDirectory() {
            return "/Library/Application Support/cagent/" + name;
        }

        /**
         * The profile for this plan: the writable roots given or the defaults, the readable paths
         * plus what the hook needs (its root-owned settings, a jq the profile would not reach
         * otherwise), and the plan's denies on search and on reading.
         */
        private SeatbeltProfile seatbeltProfile(String agentHome, ClaudeCodeHook hook) {
            String file = seatbeltProfileFile != null ? seatbeltProfileFile : rootOwnedDirectory() + "/" + SeatbeltProfile.FILE_NAME;
            Set<String> writable = new LinkedHashSet<>();
            if (seatbeltWritableRoots != null) {
                writable.addAll(seatbeltWritableRoots);
            } else {
                writable.add(agentHome);
                if (workspace != null) {
                    writable.add(workspace);
                }
                writable.addAll(SeatbeltProfile.TEMPORARY_ROOTS);
            }
            writable.addAll(seatbeltExtraWritable);
            writable.stream().filter(root -> MacPaths.isBelow(file, root)).findFirst().ifPresent(root -> {
                throw new InvalidPlanException("seatbelt profile file", "the profile " + file + " lies in " + root
                        + ", where the sandbox lets the agent write: it could rewrite its own profile; keep it where only root writes, e.g. "
                        + rootOwnedDirectory() + "/" + SeatbeltProfile.FILE_NAME);
            });
            List<String> hidden = new ArrayList<>();
            List<String> unreadable = new ArrayList<>();
            denials.forEach((path, d) -> {
                if (d.rights().contains(AclRight.EXECUTE)) {
                    hidden.add(path);
                } else if (d.rights().contains(AclRight.READ_DATA)) {
                    unreadable.add(path);
                }
            });
            Set<String> readable = new LinkedHashSet<>(seatbeltReadable);
            SeatbeltProfile base = new SeatbeltProfile(file, List.copyOf(writable), List.copyOf(readable), hidden, unreadable, seatbeltNetwork);
            if (hook != null && hook.location() == ClaudeCodeHook.Location.ROOT_OWNED) {
                readable.add(MacPaths.canonical(hook.settingsFile()));
            }
            if (hook != null) {
                hook.jqCandidates().stream().map(MacPaths::canonical).filter(jq -> !SeatbeltPolicy.allowsReading(base, jq)).forEach(readable::add);
            }
            return new SeatbeltProfile(file, base.writableRoots(), List.copyOf(readable), hidden, unreadable, seatbeltNetwork);
        }

        /** {@code value}, or an {@link InvalidPlanException} naming {@code field} and the fix when it is null. */
        private static <T> T required(String field, T value, String fix) {
            if (value == null) {
                throw new InvalidPlanException(field, "value is missing (null): " + fix);
            }
            return value;
        }

        private Builder copy() {
            Builder b = new Builder(name);
            b.realName = realName;
            b.uid = uid;
            b.primaryGroup = primaryGroup;
            b.shell = shell;
            b.home = home;
            b.homeMode = homeMode;
            b.hidden = hidden;
            b.password = password;
            b.human = human;
            b.humanHome = humanHome;
            b.denials.putAll(denials);
            b.groupName = groupName;
            b.gid = gid;
            b.extraMembers.addAll(extraMembers);
            b.workspace = workspace;
            b.workspaceDirectoryMode = workspaceDirectoryMode;
            b.workspaceFileMode = workspaceFileMode;
            b.workspaceExecutableFileMode = workspaceExecutableFileMode;
            b.workspaceInheritableAccess = workspaceInheritableAccess;
            b.humanUmask = humanUmask;
            b.humanUmaskFile = humanUmaskFile;
            b.hookLocation = hookLocation;
            b.hookSettingsFile = hookSettingsFile;
            b.jqCandidates = jqCandidates;
            b.seatbelt = seatbelt;
            b.seatbeltProfileFile = seatbeltProfileFile;
            b.seatbeltWritableRoots = seatbeltWritableRoots;
            b.seatbeltExtraWritable.addAll(seatbeltExtraWritable);
            b.seatbeltReadable.clear();
            b.seatbeltReadable.addAll(seatbeltReadable);
            b.seatbeltNetwork = seatbeltNetwork;
            b.customSteps.addAll(customSteps);
            b.acceptedRisks.addAll(acceptedRisks);
            return b;
        }
    }
}
