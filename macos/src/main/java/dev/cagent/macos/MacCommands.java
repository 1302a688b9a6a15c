package dev.cagent.macos;

import dev.cagent.exec.Command;
import dev.cagent.exec.Stdin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every argv the backend emits, in one place, with absolute program paths. COMMANDS.md in this
 * module documents each form, its output and its failures; the fake Mac answers exactly these.
 */
final class MacCommands {

    static final String DSCL = "/usr/bin/dscl";
    static final String DSEDITGROUP = "/usr/sbin/dseditgroup";
    static final String CREATEHOMEDIR = "/usr/sbin/createhomedir";
    static final String DSCACHEUTIL = "/usr/bin/dscacheutil";
    static final String CHMOD = "/bin/chmod";
    static final String CHOWN = "/usr/sbin/chown";
    static final String LS = "/bin/ls";
    static final String STAT = "/usr/bin/stat";
    static final String FIND = "/usr/bin/find";
    static final String CAT = "/bin/cat";
    static final String TEE = "/usr/bin/tee";
    static final String MV = "/bin/mv";
    static final String MKDIR = "/bin/mkdir";
    static final String RM = "/bin/rm";
    static final String RMDIR = "/bin/rmdir";
    static final String ID = "/usr/bin/id";
    static final String SUDO = "/usr/bin/sudo";
    static final String ENV = "/usr/bin/env";
    static final String SH = "/bin/sh";
    static final String MKTEMP = "/usr/bin/mktemp";
    static final String OSASCRIPT = "/usr/bin/osascript";
    /** Starts a program under a Seatbelt profile; only in launch commands, never run by cagent itself. */
    static final String SANDBOX_EXEC = "/usr/bin/sandbox-exec";

    /** Walking a large workspace takes longer than one dscl call. */
    static final Duration TREE_TIMEOUT = Duration.ofMinutes(15);

    /** The {@code stat -f} format the backend parses: octal mode with type, uid, gid, names, operand. */
    static final String STAT_FORMAT = "%p %u %g %Su %Sg %N";

    private MacCommands() {
    }

    // --- identity

    static Command idUser() {
        return Command.read(ID, "-u");
    }

    // --- Directory Services: reads

    static Command listUserIds() {
        return Command.read(DSCL, ".", "-list", "/Users", "UniqueID");
    }

    static Command listGroupIds() {
        return Command.read(DSCL, ".", "-list", "/Groups", "PrimaryGroupID");
    }

    static Command readUser(String name) {
        return Command.read(DSCL, "-plist", ".", "-read", "/Users/" + name);
    }

    static Command readGroup(String name) {
        return Command.read(DSCL, "-plist", ".", "-read", "/Groups/" + name);
    }

    static Command checkMember(String user, String group) {
        return Command.read(DSEDITGROUP, "-o", "checkmember", "-m", user, group);
    }

    // --- Directory Services: writes

    static Command createRecord(String recordPath) {
        return Command.write(DSCL, ".", "-create", recordPath);
    }

    static Command setAttribute(String recordPath, String key, String value) {
        return setAttribute(recordPath, key, List.of(value));
    }

    /** Replaces the attribute with all these values, in order. */
    static Command setAttribute(String recordPath, String key, List<String> values) {
        List<String> argv = new ArrayList<>(List.of(DSCL, ".", "-create", recordPath, key));
        argv.addAll(values);
        return Command.write(argv);
    }

    static Command deleteRecord(String recordPath) {
        return Command.write(DSCL, ".", "-delete", recordPath);
    }

    static Command deleteAttribute(String recordPath, String key) {
        return Command.write(DSCL, ".", "-delete", recordPath, key);
    }

    /**
     * Sets a password through dscl's stdin mode, so that it never appears in argv. The mode
     * always exits 0: the caller must look for {@code DS Error} lines on stderr.
     */
    static Command setPassword(String user, dev.cagent.Secret password) {
        Stdin stdin = Stdin.builder()
                .text("passwd /Users/" + user + " \"")
                .secret("CAGENT_PASSWORD", password)
                .text("\"\n")
                .build();
        return Command.write(DSCL, "-q", ".").withStdin(stdin);
    }

    static Command createGroup(String name, int gid) {
        return Command.write(DSEDITGROUP, "-o", "create", "-i", Integer.toString(gid), name);
    }

    static Command addMember(String user, String group) {
        return Command.write(DSEDITGROUP, "-o", "edit", "-a", user, "-t", "user", group);
    }

    static Command removeMember(String user, String group) {
        return Command.write(DSEDITGROUP, "-o", "edit", "-d", user, "-t", "user", group);
    }

    static Command deleteGroup(String name) {
        return Command.write(DSEDITGROUP, "-o", "delete", "-q", name);
    }

    static Command createHomeDir(String user) {
        return Command.write(CREATEHOMEDIR, "-c", "-u", user).withWorkingDirectory("/");
    }

    static Command flushDirectoryCache() {
        return Command.write(DSCACHEUTIL, "-flushcache");
    }

    // --- files: reads

    static Command lsAcl(List<String> paths) {
        List<String> argv = new ArrayList<>(List.of(LS, "-led"));
        argv.addAll(paths);
        return Command.read(argv);
    }

    static Command stat(List<String> paths) {
        List<String> argv = new ArrayList<>(List.of(STAT, "-f", STAT_FORMAT));
        argv.addAll(paths);
        return Command.read(argv);
    }

    /** Every entry of a tree with its mode, owner and ACL; symlinks are neither followed nor listed. */
    static Command listTree(String dir) {
        return listTree(dir, List.of());
    }

    /**
     * Find words that leave out every entry whose path holds a line break: {@code ls} prints names
     * raw, so such a name could end one line and forge the next (another owner, another path). What
     * lies at or below such a name is never listed and never changed.
     */
    static final List<String> NO_LINE_BREAK = List.of("!", "-path", "*\n*");

    /** The entries of a tree that pass {@code test} (find words), with their modes, owners and ACLs; symlinks are never listed nor followed. */
    static Command listTree(String dir, List<String> test) {
        List<String> argv = new ArrayList<>(List.of(FIND, "-x", dir, "!", "-type", "l"));
        argv.addAll(NO_LINE_BREAK);
        argv.addAll(test);
        argv.addAll(List.of("-exec", LS, "-led", "{}", "+"));
        return Command.read(argv).withTimeout(TREE_TIMEOUT);
    }

    /**
     * Every entry of a tree, symbolic links included (listed as links, never followed): what
     * stands in a directory before cagent removes it as empty.
     */
    static Command listTreeWithLinks(String dir) {
        return Command.read(FIND, "-x", dir, "-exec", LS, "-led", "{}", "+").withTimeout(TREE_TIMEOUT);
    }

    static Command cat(String path) {
        return Command.read(CAT, path);
    }

    // --- files: writes

    static Command addAce(String ace, List<String> paths) {
        List<String> argv = new ArrayList<>(List.of(CHMOD, "+a", ace));
        argv.addAll(paths);
        return Command.write(argv);
    }

    /** {@code chmod -h +a}: the entry goes on the object at the path itself, never on what a symlink swapped in meanwhile points to. */
    static Command addAceWithoutFollowing(String ace, List<String> paths) {
        List<String> argv = new ArrayList<>(List.of(CHMOD, "-h", "+a", ace));
        argv.addAll(paths);
        return Command.write(argv);
    }

    static Command removeAce(String ace, List<String> paths) {
        List<String> argv = new ArrayList<>(List.of(CHMOD, "-a", ace));
        argv.addAll(paths);
        return Command.write(argv);
    }

    /**
     * {@code chmod -h -a# N}: removes exactly the entry at index N of each path, leaving every
     * other entry alone. {@code -h}: a path swapped for a symlink since it was read loses nothing
     * of its target's, where an index means another entry.
     */
    static Command removeAceAt(int index, List<String> paths) {
        List<String> argv = new ArrayList<>(List.of(CHMOD, "-h", "-a#", Integer.toString(index)));
        argv.addAll(paths);
        return Command.write(argv);
    }

    /** {@code chmod -h +a# N}: inserts the entry at index N, wherever canonical order would put it; never through a symlink. */
    static Command addAceAt(int index, String ace, String path) {
        return Command.write(CHMOD, "-h", "+a#", Integer.toString(index), ace, path);
    }

    /** {@code chmod -h}: a symlink swapped in meanwhile gets its own mode changed, never its target's. */
    static Command chmod(int mode, List<String> paths) {
        List<String> argv = new ArrayList<>(List.of(CHMOD, "-h", String.format("%04o", mode)));
        argv.addAll(paths);
        return Command.write(argv);
    }

    /** {@code chown -h}: never follows a symlink. */
    static Command chown(String owner, String group, List<String> paths) {
        List<String> argv = new ArrayList<>(List.of(CHOWN, "-h", owner + ":" + group));
        argv.addAll(paths);
        return Command.write(argv);
    }

    static Command mkdir(String path, int mode) {
        return Command.write(MKDIR, "-m", String.format("%04o", mode), path);
    }

    static Command writeFile(String path, String content) {
        return Command.write(TEE, path).withStdin(Stdin.text(content));
    }

    /** Appends stdin to PATH ({@code tee -a}), creating it with the process's umask when missing. */
    static Command appendToFile(String path, String content) {
        return Command.write(TEE, "-a", path).withStdin(Stdin.text(content));
    }

    static Command move(String from, String to) {
        return Command.write(MV, "-f", from, to);
    }

    static Command removeFile(String path) {
        return Command.write(RM, "-f", path);
    }

    static Command removeTree(String path) {
        return Command.write(RM, "-rf", path);
    }

    static Command removeDirectory(String path) {
        return Command.write(RMDIR, path);
    }

    /**
     * A find over the workspace: {@code -x} (one file system, symbolic links never followed),
     * then predicates and actions ({@link FindAction}), e.g. {@code -type d -execdir chmod ... {} +}.
     */
    static Command findInTree(String dir, List<String> expression) {
        List<String> argv = new ArrayList<>(List.of(FIND, "-x", dir));
        argv.addAll(expression);
        return Command.write(argv).withTimeout(TREE_TIMEOUT);
    }

    /**
     * A {@code -path} pattern that matches exactly {@code path}: find matches it with
     * {@code fnmatch}, so {@code * ? [} and the backslash are escaped. A blank or control
     * character at the end goes in a bracket expression ({@code [ ]}): no argument may end with
     * one (see {@link Command}).
     */
    static String exactPathPattern(String path) {
        String escaped = path.replaceAll("([\\\\*?\\[])", "\\\\$1");
        char last = escaped.isEmpty() ? 'x' : escaped.charAt(escaped.length() - 1);
        return last <= ' ' ? escaped.substring(0, escaped.length() - 1) + "[" + last + "]" : escaped;
    }

    /** How a find runs a utility on its matches. */
    enum FindAction {
        /**
         * {@code -execdir}: inside each match's own directory, on its bare name, so no path
         * through a directory the agent could swap meanwhile is resolved. One process per match:
         * BSD find gives {@code -execdir ... {} +} one operand at a time, never to mix directories.
         * Never on the starting point, whose bare name it would run where find was started.
         */
        IN_EACH_DIRECTORY("-execdir"),
        /**
         * {@code -exec}: on as many full paths at once as argv holds. Far fewer processes, but each
         * path is resolved again by the utility: only for a tree nobody can rearrange meanwhile.
         */
        IN_BATCHES("-exec");

        private final String primary;

        FindAction(String primary) {
            this.primary = primary;
        }

        /** The words that run {@code utility} on the matches: e.g. {@code -execdir /bin/chmod -h 0660 {} +}. */
        List<String> run(String... utility) {
            List<String> words = new ArrayList<>(List.of(primary));
            words.addAll(List.of(utility));
            words.addAll(List.of("{}", "+"));
            return words;
        }
    }

    static Map<String, String> noEnvironment() {
        return Map.of();
    }
}
