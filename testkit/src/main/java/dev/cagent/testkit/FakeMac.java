package dev.cagent.testkit;

import dev.cagent.Names;
import dev.cagent.Secret;
import dev.cagent.exec.Command;
import dev.cagent.exec.Stdin;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.exec.CommandStartException;
import dev.cagent.exec.CommandTimeoutException;
import dev.cagent.exec.RunningCommand;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A simulated macOS behind the {@link CommandRunner} port: a complete in-memory Mac, not a mock.
 * It keeps users, groups, a file tree with owners, modes, ACLs, symbolic links and SIP flags,
 * and answers the commands of the macOS backend's contract ({@code macos/COMMANDS.md}) with the
 * real output formats and exit codes. Whatever it does not understand fails loudly: exit 127 and
 * {@code fake-mac: unsupported: ARGV} on stderr, never a silent success.
 *
 * <p>Every command is recorded as an immutable {@link RecordedCommand} (secrets masked);
 * {@link #faults()} scripts failures; {@link #snapshot()} captures the state as a value; the
 * setup methods arrange a machine without being recorded; {@link #canAccess} answers access
 * questions with the macOS rules. Tests assert on plain values.
 *
 * <pre>{@code
 * FakeMac mac = FakeMac.stock();
 * CommandResult r = mac.run(Command.read("/usr/bin/id", "-u"));   // "501\n"
 * }</pre>
 */
public final class FakeMac implements CommandRunner {

    private static final Pattern SECRET_VARIABLE = Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY).*");

    private final Machine machine;
    private final String caller;
    private final List<RecordedCommand> recording = new ArrayList<>();

    private FakeMac(Machine machine, String caller) {
        this.machine = machine;
        this.caller = caller;
    }

    /** A stock macOS 15 with the human administrator alice (UID 501), who runs the commands and holds a sudo ticket. */
    public static FakeMac stock() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Chooses the machine's human, who runs the commands, and how sudo and the admin prompt answer. */
    public static final class Builder {
        private String human = "alice";
        private int humanUid = 501;
        private String caller;
        private boolean sudoTicket = true;
        private Secret sudoPassword;
        private AdminPromptAnswer adminPrompt = AdminPromptAnswer.APPROVE;
        private boolean jq = true;
        private boolean sandboxExec = true;
        private boolean generatedUidOnCreate = true;

        private Builder() {
        }

        /** The human administrator (primary group staff, member of admin, home {@code /Users/NAME}); default alice, 501. */
        public Builder human(String name, int uid) {
            Names.checkShortName("human", name);
            if (uid < 501 || uid > Names.MAX_ID) {
                throw new IllegalArgumentException("human UID " + uid + " is not a regular user's: give 501 or more, e.g. 501");
            }
            this.human = name;
            this.humanUid = uid;
            return this;
        }

        /** Who runs the commands: the human by default, {@code "root"} for an already-root process, or any account. */
        public Builder caller(String user) {
            this.caller = Objects.requireNonNull(user, "caller");
            return this;
        }

        /** Whether the caller holds a valid sudo ticket (sudo asks no password unless {@code -k}); default true. */
        public Builder sudoTicket(boolean valid) {
            this.sudoTicket = valid;
            return this;
        }

        /** The caller's own login password, which {@code sudo -S} checks; by default nobody knows it. */
        public Builder sudoPassword(Secret password) {
            this.sudoPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /** What the person answers to {@code osascript}'s administrator prompt; default APPROVE. */
        public Builder adminPrompt(AdminPromptAnswer answer) {
            this.adminPrompt = Objects.requireNonNull(answer, "answer");
            return this;
        }

        /** Whether {@code /usr/bin/jq} exists (it ships from macOS 15 on); default true. */
        public Builder jq(boolean present) {
            this.jq = present;
            return this;
        }

        /** Whether {@code /usr/bin/sandbox-exec} exists (every macOS so far ships it, marked deprecated); default true. */
        public Builder sandboxExec(boolean present) {
            this.sandboxExec = present;
            return this;
        }

        /** Whether {@code dscl . -create} of a record assigns a GeneratedUID (unverified on real Macs); default true. */
        public Builder generatedUidOnCreate(boolean assigns) {
            this.generatedUidOnCreate = assigns;
            return this;
        }

        public FakeMac build() {
            Machine machine = new Machine(generatedUidOnCreate, adminPrompt);
            Seed.stock(machine, human, humanUid, jq, sandboxExec);
            String who = caller == null ? human : caller;
            if (machine.directory.uid(who).isEmpty()) {
                throw new IllegalArgumentException("caller '" + who + "' has no account on this Mac: use the human ('" + human + "'), root, or a stock account");
            }
            String passwordHolder = who.equals("root") ? human : who;
            if (sudoPassword != null) {
                machine.directory.setPassword(passwordHolder, sudoPassword);
            } else if (passwordHolder.equals(human)) {
                machine.directory.setUnknownPassword(human);
            }
            if (sudoTicket && !who.equals("root")) {
                machine.sudoTickets.add(who);
            }
            return new FakeMac(machine, who);
        }
    }

    // --- the port ------------------------------------------------------------------------------

    /** Runs the command as the configured caller and records it. */
    @Override
    public synchronized CommandResult run(Command command) {
        return execute(caller, command);
    }

    /**
     * Records the command as started and returns a process that has already ended with exit 0 and
     * no output (or with a scripted fault's exit code and message; 143 for a timeout): nothing is
     * executed. The program must exist.
     */
    @Override
    public synchronized RunningCommand start(Command command) {
        return launch(caller, command);
    }

    /** A runner for the same machine and recording whose commands run as {@code user}. */
    public CommandRunner as(String user) {
        if (machine.directory.uid(user).isEmpty()) {
            throw new IllegalArgumentException("no user named '" + user + "' on this Mac: add it first (addUser)");
        }
        FakeMac mac = this;
        return new CommandRunner() {
            @Override
            public CommandResult run(Command command) {
                synchronized (mac) {
                    return execute(user, command);
                }
            }

            @Override
            public RunningCommand start(Command command) {
                synchronized (mac) {
                    return launch(user, command);
                }
            }

            /** The same Mac: backends serialise their changes per machine, whoever runs the commands. */
            @Override
            public Object machine() {
                return mac;
            }
        };
    }

    private CommandResult execute(String user, Command command) {
        Proc process = machine.process(user, command.environment(), command.workingDirectory(),
                new String(command.stdin().bytes(), StandardCharsets.UTF_8));
        requireInstalled(user, command, false);
        Outcome outcome;
        try {
            outcome = machine.runChecked(process, command);
        } catch (Machine.TimedOut e) {
            record(user, command, false, new Outcome(143, "", ""));
            throw new CommandTimeoutException(command);
        }
        record(user, command, false, outcome);
        return new CommandResult(outcome.exit(), outcome.out(), outcome.err(), Duration.ZERO);
    }

    private RunningCommand launch(String user, Command command) {
        requireInstalled(user, command, true);
        Outcome outcome;
        try {
            outcome = machine.faults.check(command).map(fault -> Machine.outcomeOf(fault, command)).orElse(Outcome.ok(""));
        } catch (Machine.TimedOut e) {
            outcome = new Outcome(143, "", "");
        }
        record(user, command, true, outcome);
        return new EndedProcess(command, outcome);
    }

    /** A program that does not exist cannot start, as with a real process launcher. */
    private void requireInstalled(String user, Command command, boolean started) {
        if (!machine.installed(command.program())) {
            String message = command.program() + ": No such file or directory";
            record(user, command, started, Outcome.fail(127, message + "\n"));
            throw new CommandStartException(command, new FileNotFoundException(message));
        }
    }

    private void record(String user, Command command, boolean started, Outcome outcome) {
        Map<String, String> environment = new TreeMap<>();
        command.environment().forEach((k, v) -> environment.put(k, SECRET_VARIABLE.matcher(k).matches() ? "****" : v));
        recording.add(new RecordedCommand(user, command.argv(), command.stdin().redacted(), environment,
                command.workingDirectory(), command.effect(), started, outcome.exit(), redacted(outcome.out(), command), redacted(outcome.err(), command)));
    }

    /** What a program printed, with every secret of its input blanked: a program such as {@code tee} or {@code cat} echoes it. */
    private static String redacted(String output, Command command) {
        String text = output;
        for (Object part : command.stdin().parts()) {
            if (part instanceof Stdin.SecretPart secret && !secret.secret().reveal().isEmpty()) {
                text = text.replace(secret.secret().reveal(), "****");
            }
        }
        return text;
    }

    /** A process that ended before anyone looked. */
    private record EndedProcess(Command command, Outcome outcome) implements RunningCommand {
        @Override
        public OutputStream stdin() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream stdout() {
            return new ByteArrayInputStream(outcome.out().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public InputStream stderr() {
            return new ByteArrayInputStream(outcome.err().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public int waitFor() {
            return outcome.exit();
        }

        @Override
        public OptionalInt waitFor(Duration timeout) {
            return OptionalInt.of(outcome.exit());
        }

        @Override
        public boolean isAlive() {
            return false;
        }

        @Override
        public void destroy() {
            // already ended
        }
    }

    // --- recording, faults, state --------------------------------------------------------------

    /** Every command run or started, in order, including unsupported and faulted ones. */
    public synchronized List<RecordedCommand> recorded() {
        return List.copyOf(recording);
    }

    public synchronized void clearRecorded() {
        recording.clear();
    }

    public Faults faults() {
        return machine.faults;
    }

    /** The user commands run as ({@code root} when already root). */
    public String caller() {
        return caller;
    }

    /** The whole state as a value. */
    public synchronized MacSnapshot snapshot() {
        Map<String, Map<String, List<String>>> users = new TreeMap<>();
        machine.directory.all(DirectoryServices.Kind.USERS).forEach((name, r) -> users.put(name, shortKeys(r)));
        Map<String, Map<String, List<String>>> groups = new TreeMap<>();
        machine.directory.all(DirectoryServices.Kind.GROUPS).forEach((name, r) -> groups.put(name, shortKeys(r)));
        Map<String, MacSnapshot.Entry> files = new TreeMap<>();
        FileTree.walk("/", machine.files.root, (path, node) -> files.put(path, new MacSnapshot.Entry(node.type, node.uid, node.gid,
                node.mode, node.restricted, machine.files.aclLines(node), node.type == FileInfo.Type.FILE ? node.content : "", node.target)));
        return new MacSnapshot(users, groups, files, machine.directory.shadowHashes());
    }

    private static Map<String, List<String>> shortKeys(Map<String, List<String>> record) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        record.forEach((key, values) -> result.put(DirectoryServices.shortKey(key), List.copyOf(values)));
        return result;
    }

    /**
     * Whether {@code user} may read, write or execute {@code path} (on a directory: list, add an
     * entry, search) by the macOS rules: search on every directory on the way; then the first ACL
     * entry that applies to the user (by name, by an explicit group membership, or to everyone) and
     * names the right decides; else the POSIX bits of the owner, the group (primary or explicit) or
     * others. Root may do anything except write to a SIP-protected object. False when the path is missing.
     */
    public synchronized boolean canAccess(String user, String path, Access right) {
        Proc process = process(user, Proc.DEFAULT_UMASK);
        FileTree.Lookup lookup = machine.files.lookup(process, absolute(path), true);
        if (!lookup.found()) {
            return false;
        }
        if (right == Access.WRITE && lookup.node().restricted) {
            return false;
        }
        return machine.files.may(process, lookup.node(), right.right());
    }

    /** Whether {@code candidate} is the user's password (only a salted hash is kept). */
    public synchronized boolean passwordMatches(String user, Secret candidate) {
        return machine.directory.passwordMatches(user, candidate.reveal());
    }

    // --- setup, not recorded -------------------------------------------------------------------

    /** Adds a user record: RealName = name, UserShell /bin/zsh, a GeneratedUID; no home is made. */
    public synchronized void addUser(String name, int uid, int primaryGid, String home) {
        Names.checkShortName("user", name);
        if (machine.directory.record(DirectoryServices.Kind.USERS, name).isPresent()) {
            throw new IllegalArgumentException("user '" + name + "' already exists");
        }
        machine.directory.userName(uid).ifPresent(other -> {
            throw new IllegalArgumentException("UID " + uid + " is taken by '" + other + "': choose a free one");
        });
        TreeMap<String, List<String>> record = machine.directory.seed(DirectoryServices.Kind.USERS, name, uid,
                machine.directory.newUuid(DirectoryServices.Kind.USERS, name));
        DirectoryServices.put(record, "PrimaryGroupID", Integer.toString(primaryGid));
        DirectoryServices.put(record, "RealName", name);
        DirectoryServices.put(record, "NFSHomeDirectory", absolute(home));
        DirectoryServices.put(record, "UserShell", "/bin/zsh");
    }

    /** Adds a group record with explicit members (names and GeneratedUIDs). */
    public synchronized void addGroup(String name, int gid, String... members) {
        Names.checkShortName("group", name);
        if (machine.directory.record(DirectoryServices.Kind.GROUPS, name).isPresent()) {
            throw new IllegalArgumentException("group '" + name + "' already exists");
        }
        for (String member : members) {
            requireUser(member);
        }
        TreeMap<String, List<String>> record = machine.directory.seed(DirectoryServices.Kind.GROUPS, name, gid,
                machine.directory.newUuid(DirectoryServices.Kind.GROUPS, name));
        DirectoryServices.put(record, "RealName", name);
        DirectoryServices.put(record, "Password", "*");
        for (String member : members) {
            machine.directory.addMember(name, member);
        }
    }

    /** Makes {@code user} an explicit member of {@code group}. */
    public synchronized void addMember(String group, String user) {
        requireUser(user);
        gid(group);
        machine.directory.addMember(group, user);
    }

    /** Makes one directory (its parent must exist); no ACL is inherited. */
    public synchronized void mkdir(String path, String owner, String group, int mode) {
        FileTree.Lookup at = newEntry(path);
        at.parent().children.put(at.name(), Node.directory(uid(owner), gid(group), checkMode(mode)));
    }

    /** Creates or replaces a regular file (its parent must exist); no ACL is inherited. */
    public synchronized void writeFile(String path, String owner, String group, int mode, String content) {
        Objects.requireNonNull(content, "content");
        FileTree.Lookup at = machine.files.lookup(null, absolute(path), false);
        if (at.node() != null && at.node().type != FileInfo.Type.FILE) {
            throw new IllegalArgumentException(path + " exists and is no regular file");
        }
        if (at.node() == null) {
            at = newEntry(path);
        } else {
            at.node().unlinked();
        }
        at.parent().children.put(at.name(), Node.file(uid(owner), gid(group), checkMode(mode), content));
    }

    /** Creates a symbolic link (owned like its directory) to {@code target}, which may be relative and need not exist. */
    public synchronized void symlink(String path, String target) {
        Objects.requireNonNull(target, "target");
        FileTree.Lookup at = newEntry(path);
        at.parent().children.put(at.name(), Node.symlink(at.parent().uid, at.parent().gid, target));
    }

    /**
     * Makes {@code path} a second name of the regular file {@code existing} (a hard link, as
     * {@code ln} makes): both show the same owner, mode, ACL and content, and a link count of 2.
     */
    public synchronized void hardLink(String path, String existing) {
        Node file = existing(existing, false);
        if (file.type != FileInfo.Type.FILE) {
            throw new IllegalArgumentException(existing + " is no regular file: only files get hard links here");
        }
        FileTree.Lookup at = newEntry(path);
        at.parent().children.put(at.name(), file);
        file.fileLinks++;
    }

    /** Adds an ACL entry as {@code chmod +a} does (merged or put at its canonical place), following a link. */
    public synchronized void addAce(String path, String aceText) {
        Node node = existing(path, true);
        try {
            Ace entry = Acl.parse(aceText, machine.directory::resolvePrincipal);
            if (!Acl.isCanonical(node.acl)) {
                throw new IllegalStateException("the ACL of " + path + " is not in canonical order");
            }
            node.acl = new ArrayList<>(Acl.add(node.acl, entry));
        } catch (Acl.BadEntry e) {
            throw new IllegalArgumentException("ACE '" + aceText + "': " + e.getMessage());
        }
    }

    /** Marks the object (not a link's target) as protected by SIP: even root cannot change it. */
    public synchronized void restrict(String path) {
        existing(path, false).restricted = true;
    }

    // --- inspection ----------------------------------------------------------------------------

    /** Whether the path leads to an object, following symbolic links. */
    public synchronized boolean exists(String path) {
        return machine.files.lookup(null, absolute(path), true).found();
    }

    /** The object at the path, without following a final symbolic link. */
    public synchronized Optional<FileInfo> fileInfo(String path) {
        FileTree.Lookup lookup = machine.files.lookup(null, absolute(path), false);
        return lookup.found() ? Optional.of(machine.files.info(lookup.node())) : Optional.empty();
    }

    /** A regular file's content (following links). */
    public synchronized String readFile(String path) {
        Node node = existing(path, true);
        if (node.type != FileInfo.Type.FILE) {
            throw new IllegalArgumentException(path + " is no regular file");
        }
        return node.content;
    }

    /** The names in a directory, sorted (following links). */
    public synchronized List<String> list(String path) {
        Node node = existing(path, true);
        if (!node.isDirectory()) {
            throw new IllegalArgumentException(path + " is no directory");
        }
        return List.copyOf(node.children.keySet());
    }

    /** A record's attributes by short name ({@code RealName}, {@code IsHidden}) in dscl's order; empty when missing. */
    public synchronized Map<String, List<String>> record(String recordPath) {
        int slash = recordPath.indexOf('/', 1);
        Optional<DirectoryServices.Kind> kind = DirectoryServices.Kind.ofFolder(slash < 0 ? recordPath : recordPath.substring(0, slash));
        if (kind.isEmpty() || slash < 0) {
            throw new IllegalArgumentException("record path '" + recordPath + "' must look like /Users/NAME or /Groups/NAME");
        }
        return machine.directory.record(kind.get(), recordPath.substring(slash + 1))
                .map(FakeMac::shortKeys).map(java.util.Collections::unmodifiableMap).orElse(Map.of());
    }

    /** Explicit membership: the user is in the group's GroupMembership (a primary group does not count). */
    public synchronized boolean isMember(String user, String group) {
        return machine.directory.isMember(user, group);
    }

    // --- acting as a user process ---------------------------------------------------------------

    /**
     * Creates a new file as a process of {@code user} with {@code umask}: needs search on the way
     * and add_file on the directory; the file is the user's, with the directory's group (BSD),
     * mode {@code 0666 & ~umask} and the ACL entries it inherits.
     *
     * @throws IllegalStateException naming the reason (e.g. {@code Permission denied}) when the user may not
     */
    public synchronized void createFileAs(String user, String path, String content, int umask) {
        Objects.requireNonNull(content, "content");
        Proc process = process(user, umask);
        createAs(process, path, FileInfo.Type.FILE, 0666 & ~umask, content);
    }

    /** Creates a directory as a process of {@code user}: mode {@code 0777 & ~umask}, inherited ACL entries. */
    public synchronized void mkdirAs(String user, String path, int umask) {
        Proc process = process(user, umask);
        createAs(process, path, FileInfo.Type.DIRECTORY, 0777 & ~umask, null);
    }

    /** Overwrites an existing file's content as a process of {@code user}, who needs write permission on it. */
    public synchronized void writeFileAs(String user, String path, String content) {
        Objects.requireNonNull(content, "content");
        Proc process = process(user, Proc.DEFAULT_UMASK);
        FileTree.Lookup lookup = machine.files.lookup(process, absolute(path), true);
        Errno errno = lookup.found() ? machine.files.checkWrite(process, lookup.node()) : lookup.missing();
        refuse(user, "write", path, errno);
        lookup.node().content = content;
    }

    private void createAs(Proc process, String path, FileInfo.Type type, int mode, String content) {
        FileTree.Lookup lookup = machine.files.lookup(process, absolute(path), false);
        Errno errno = lookup.error() != null ? lookup.error() : lookup.node() != null ? Errno.EEXIST
                : machine.files.checkAdd(process, lookup.parent(), type == FileInfo.Type.DIRECTORY);
        refuse(process.user(), "create", path, errno);
        machine.files.create(process, lookup.parent(), lookup.name(), type, mode, content);
    }

    private static void refuse(String user, String action, String path, Errno errno) {
        if (errno != null) {
            throw new IllegalStateException(user + " cannot " + action + " " + path + ": " + errno.text());
        }
    }

    // --- argument checks and lookups -------------------------------------------------------------

    private Proc process(String user, int umask) {
        if ((umask & ~0777) != 0) {
            throw new IllegalArgumentException(String.format("umask %o is outside 000-777", umask));
        }
        Proc process = machine.process(user, Map.of(), "/", "");
        return new Proc(process.user(), process.uid(), Map.of(), "/", "", umask);
    }

    private static String absolute(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path '" + path + "' must be absolute, e.g. /Users/alice");
        }
        return path;
    }

    private static int checkMode(int mode) {
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException(String.format("mode %o is outside 0000-7777: write it in octal, e.g. 0755", mode));
        }
        return mode;
    }

    private FileTree.Lookup newEntry(String path) {
        FileTree.Lookup at = machine.files.lookup(null, absolute(path), false);
        if (at.error() != null || at.parent() == null || !at.parent().isDirectory()) {
            throw new IllegalArgumentException("cannot make " + path + ": its parent directory does not exist");
        }
        if (at.node() != null) {
            throw new IllegalArgumentException(path + " already exists");
        }
        return at;
    }

    private Node existing(String path, boolean followLast) {
        FileTree.Lookup lookup = machine.files.lookup(null, absolute(path), followLast);
        if (!lookup.found()) {
            throw new IllegalArgumentException(path + ": " + lookup.missing().text());
        }
        return lookup.node();
    }

    private void requireUser(String user) {
        uid(user);
    }

    private int uid(String user) {
        OptionalInt uid = machine.directory.uid(user);
        if (uid.isEmpty()) {
            throw new IllegalArgumentException("no user named '" + user + "' on this Mac");
        }
        return uid.getAsInt();
    }

    private int gid(String group) {
        OptionalInt gid = machine.directory.gid(group);
        if (gid.isEmpty()) {
            throw new IllegalArgumentException("no group named '" + group + "' on this Mac");
        }
        return gid.getAsInt();
    }
}
