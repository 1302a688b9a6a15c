package dev.cagent.testkit;

import dev.cagent.AclRight;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The BSD file tools: {@code ls}, {@code stat}, {@code find}, {@code cat}, {@code tee},
 * {@code mkdir}, {@code mv}, {@code rm}, {@code rmdir}, {@code mktemp}, with their error texts
 * ({@code PROGRAM: PATH: strerror}) and permission checks for the process's user.
 */
final class FileCommands {

    /** Every time the fake shows, so that listings are reproducible. */
    static final String CLOCK = "Dec  3 16:27";
    private static final Pattern OCTAL_MODE = Pattern.compile("[0-7]{1,4}");
    private static final Pattern STAT_FORMAT = Pattern.compile("%(S?)([a-zA-Z%])");
    private static final String ROOT_TEMP_FOLDER = "zyxvpxvq6csfxvn_n0000000000000";
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Machine machine;
    private final Random temporaryNames = new Random(0x5eed);

    FileCommands(Machine machine) {
        this.machine = machine;
    }

    private FileTree files() {
        return machine.files;
    }

    private static String error(String program, String path, Errno errno) {
        return program + ": " + path + ": " + errno.text();
    }

    // --- ls ------------------------------------------------------------------------------------

    /** {@code ls -l} with any of {@code d}, {@code e}, {@code O}; a directory operand needs {@code -d}. */
    Outcome ls(Proc process, List<String> argv) {
        String flags = "";
        int i = 1;
        for (; i < argv.size() && argv.get(i).startsWith("-") && argv.get(i).length() > 1; i++) {
            flags += argv.get(i).substring(1);
        }
        if (!flags.contains("l") || !flags.matches("[ldeO]+") || i == argv.size()) {
            throw new Unsupported();
        }
        List<String> operands = new ArrayList<>(argv.subList(i, argv.size()));
        operands.sort(Comparator.naturalOrder());
        List<Map.Entry<String, Node>> entries = new ArrayList<>();
        Outcome.Builder result = new Outcome.Builder();
        for (String operand : operands) {
            FileTree.Lookup lookup = files().lookup(process, operand, false);
            if (!lookup.found()) {
                result.error(1, error("ls", operand, lookup.missing()));
            } else if (lookup.node().isDirectory() && !flags.contains("d")) {
                throw new Unsupported("listing a directory's contents is not modelled: pass -d");
            } else {
                entries.add(Map.entry(operand, lookup.node()));
            }
        }
        return result.out(longListing(entries, flags.contains("e"), flags.contains("O"))).build();
    }

    /**
     * BSD {@code ls -l} lines for one batch: columns padded to the batch's widest value, two
     * blanks after owner and group, then each ACL entry as {@code " N: "} and its text.
     */
    String longListing(List<Map.Entry<String, Node>> entries, boolean acl, boolean fileFlags) {
        List<Map.Entry<String, Node>> sorted = new ArrayList<>(entries);
        sorted.sort(Map.Entry.comparingByKey());
        int links = 0;
        int owners = 0;
        int groups = 0;
        int sizes = 0;
        int flags = 0;
        for (Map.Entry<String, Node> e : sorted) {
            Node node = e.getValue();
            links = Math.max(links, Integer.toString(node.linkCount()).length());
            owners = Math.max(owners, files().ownerName(node.uid).length());
            groups = Math.max(groups, files().groupName(node.gid).length());
            sizes = Math.max(sizes, Long.toString(node.size()).length());
            flags = Math.max(flags, flagText(node).length());
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Node> e : sorted) {
            Node node = e.getValue();
            out.append(modeString(node)).append(node.extendedAttributes ? '@' : node.acl.isEmpty() ? ' ' : '+').append(' ')
                    .append(String.format("%" + links + "d ", node.linkCount()))
                    .append(String.format("%-" + owners + "s  ", files().ownerName(node.uid)))
                    .append(String.format("%-" + groups + "s  ", files().groupName(node.gid)));
            if (fileFlags) {
                out.append(String.format("%-" + flags + "s ", flagText(node)));
            }
            out.append(String.format("%" + sizes + "d ", node.size())).append(CLOCK).append(' ').append(e.getKey());
            if (node.isLink()) {
                out.append(" -> ").append(node.target);
            }
            out.append('\n');
            if (acl) {
                List<String> lines = files().aclLines(node);
                for (int n = 0; n < lines.size(); n++) {
                    out.append(' ').append(n).append(": ").append(lines.get(n)).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static String flagText(Node node) {
        return node.restricted ? "restricted" : "-";
    }

    /** Type and nine permission characters, with s/S for setuid and setgid and t/T for sticky. */
    static String modeString(Node node) {
        int mode = node.mode;
        char type = node.isDirectory() ? 'd' : node.isLink() ? 'l' : '-';
        return type + triplet(mode >> 6, (mode & 04000) != 0, 's')
                + triplet(mode >> 3, (mode & 02000) != 0, 's')
                + triplet(mode, (mode & 01000) != 0, 't');
    }

    private static String triplet(int bits, boolean special, char specialChar) {
        boolean x = (bits & 1) != 0;
        char last = special ? (x ? specialChar : Character.toUpperCase(specialChar)) : (x ? 'x' : '-');
        return "" + ((bits & 4) != 0 ? 'r' : '-') + ((bits & 2) != 0 ? 'w' : '-') + last;
    }

    // --- stat ----------------------------------------------------------------------------------

    /** {@code stat -f FORMAT PATH...} with %p %Sp %u %g %Su %Sg %N %z %l %%; it does not follow the operand. */
    Outcome stat(Proc process, List<String> argv) {
        if (argv.size() < 4 || !argv.get(1).equals("-f")) {
            throw new Unsupported();
        }
        String format = argv.get(2);
        Matcher check = STAT_FORMAT.matcher(format);
        while (check.find()) {
            if (!List.of("p", "u", "g", "N", "z", "l", "%", "Sp", "Su", "Sg").contains(check.group(1) + check.group(2))) {
                throw new Unsupported("stat format %" + check.group(1) + check.group(2) + " is not modelled");
            }
        }
        if (format.replaceAll(STAT_FORMAT.pattern(), "").contains("%")) {
            throw new Unsupported();
        }
        Outcome.Builder result = new Outcome.Builder();
        for (String operand : argv.subList(3, argv.size())) {
            FileTree.Lookup lookup = files().lookup(process, operand, false);
            if (!lookup.found()) {
                result.error(1, "stat: " + operand + ": stat: " + lookup.missing().text());
                continue;
            }
            Node node = lookup.node();
            Matcher m = STAT_FORMAT.matcher(format);
            StringBuilder line = new StringBuilder();
            while (m.find()) {
                String value = switch (m.group(1) + m.group(2)) {
                    case "p" -> Integer.toOctalString(node.typeBits() | node.mode);
                    case "Sp" -> modeString(node);
                    case "u" -> Integer.toString(node.uid);
                    case "g" -> Integer.toString(node.gid);
                    case "Su" -> files().ownerName(node.uid);
                    case "Sg" -> files().groupName(node.gid);
                    case "N" -> operand;
                    case "z" -> Long.toString(node.size());
                    case "l" -> Integer.toString(node.linkCount());
                    default -> "%";
                };
                m.appendReplacement(line, Matcher.quoteReplacement(value));
            }
            m.appendTail(line);
            result.out(line.append('\n').toString());
        }
        return result.build();
    }

    // --- find ----------------------------------------------------------------------------------

    /**
     * BSD {@code find [-x] [-P] DIR EXPRESSION}: a pre-order walk that never follows symbolic
     * links, with the primaries {@code -mindepth N}, {@code -type}, {@code -user}, {@code -group}, {@code -links [+-]N}, {@code -perm [-]MODE},
     * {@code -print}, {@code -exec UTILITY ... {} +} (one run with every match) and
     * {@code -execdir UTILITY ... {} +} (one run per match, from inside its directory, with its bare
     * name; never on the starting point), combined with {@code !}, {@code (} {@code )}, {@code -o} and implicit and.
     */
    Outcome find(Proc process, List<String> argv) {
        int i = 1;
        while (i < argv.size() && (argv.get(i).equals("-x") || argv.get(i).equals("-P"))) {
            i++;
        }
        if (i >= argv.size() || argv.get(i).startsWith("-")) {
            throw new Unsupported("find needs a starting path");
        }
        String start = argv.get(i);
        FindExpression expression = FindExpression.parse(argv.subList(i + 1, argv.size()), machine.directory);
        FileTree.Lookup lookup = files().lookup(process, start, false);
        if (!lookup.found()) {
            return Outcome.fail(1, error("find", start, lookup.missing()) + "\n");
        }
        Outcome.Builder result = new Outcome.Builder();
        walk(process, start, lookup.node(), 0, expression, result);
        expression.runActions(start, (command, directory) -> {
            Proc inside = directory == null ? process : new Proc(process.user(), process.uid(), process.env(), directory, "", process.umask());
            Outcome outcome = machine.exec(inside, command);
            result.out(outcome.out());
            if (!outcome.err().isEmpty()) {
                outcome.err().lines().forEach(line -> result.error(1, line));
            }
            if (!outcome.succeeded()) {
                result.error(1, "find: " + command.get(0) + ": exited " + outcome.exit());
            }
        }, result);
        return result.build();
    }

    private void walk(Proc process, String path, Node node, int depth, FindExpression expression, Outcome.Builder result) {
        expression.evaluate(path, node, depth);
        if (!node.isDirectory()) {
            return;
        }
        if (!files().may(process, node, AclRight.READ_DATA) || !files().may(process, node, AclRight.EXECUTE)) {
            result.error(1, error("find", path, Errno.EACCES));
            return;
        }
        for (Map.Entry<String, Node> child : new ArrayList<>(node.children.entrySet())) {
            walk(process, (path.endsWith("/") ? path : path + "/") + child.getKey(), child.getValue(), depth + 1, expression, result);
        }
    }

    // --- cat, tee ------------------------------------------------------------------------------

    Outcome cat(Proc process, List<String> argv) {
        if (argv.size() == 1) {
            return Outcome.ok(process.stdin());
        }
        Outcome.Builder result = new Outcome.Builder();
        for (String operand : argv.subList(1, argv.size())) {
            if (operand.startsWith("-")) {
                throw new Unsupported();
            }
            FileTree.Lookup lookup = files().lookup(process, operand, true);
            if (!lookup.found()) {
                result.error(1, error("cat", operand, lookup.missing()));
            } else if (lookup.node().isDirectory()) {
                result.error(1, error("cat", operand, Errno.EISDIR));
            } else if (!files().may(process, lookup.node(), AclRight.READ_DATA)) {
                result.error(1, error("cat", operand, Errno.EACCES));
            } else {
                result.out(lookup.node().content);
            }
        }
        return result.build();
    }

    /**
     * Writes stdin to each file (created {@code 0666 & ~umask}), or with {@code -a} appends to it,
     * and always copies it to stdout.
     */
    Outcome tee(Proc process, List<String> argv) {
        Outcome.Builder result = new Outcome.Builder().out(process.stdin());
        boolean append = argv.size() > 1 && argv.get(1).equals("-a");
        List<String> operands = argv.subList(append ? 2 : 1, argv.size());
        for (String operand : operands) {
            if (operand.startsWith("-")) {
                throw new Unsupported();
            }
        }
        for (String operand : operands) {
            Errno errno = append ? appendFile(process, operand, process.stdin()) : writeFile(process, operand, process.stdin());
            if (errno != null) {
                result.error(1, error("tee", operand, errno));
            }
        }
        return result.build();
    }

    /** Opens {@code path} as {@code open(O_CREAT|O_APPEND)} does and adds {@code content} at its end. */
    Errno appendFile(Proc process, String path, String content) {
        FileTree.Lookup lookup = files().lookup(process, path, true);
        if (lookup.error() == null && lookup.node() != null) {
            Errno errno = files().checkWrite(process, lookup.node());
            if (errno == null) {
                lookup.node().content = lookup.node().content + content;
            }
            return errno;
        }
        return writeFile(process, path, content);
    }

    /** Opens {@code path} for writing as {@code open(O_CREAT|O_TRUNC)} does: follows links, creates {@code 0666 & ~umask}. */
    Errno writeFile(Proc process, String path, String content) {
        FileTree.Lookup lookup = files().lookup(process, path, true);
        if (lookup.error() != null) {
            return lookup.error();
        }
        if (lookup.node() != null) {
            Errno errno = files().checkWrite(process, lookup.node());
            if (errno == null) {
                lookup.node().content = content;
            }
            return errno;
        }
        Errno errno = files().checkAdd(process, lookup.parent(), false);
        if (errno == null) {
            files().create(process, lookup.parent(), lookup.name(), FileInfo.Type.FILE, 0666 & ~process.umask(), content);
        }
        return errno;
    }

    // --- mkdir ---------------------------------------------------------------------------------

    Outcome mkdir(Proc process, List<String> argv) {
        boolean parents = false;
        Integer mode = null;
        int i = 1;
        for (; i < argv.size() && argv.get(i).startsWith("-"); i++) {
            switch (argv.get(i)) {
                case "-p" -> parents = true;
                case "-m" -> {
                    if (++i >= argv.size()) {
                        throw new Unsupported();
                    }
                    if (!OCTAL_MODE.matcher(argv.get(i)).matches()) {
                        return Outcome.fail(1, "mkdir: invalid file mode: " + argv.get(i) + "\n");
                    }
                    mode = Integer.parseInt(argv.get(i), 8);
                }
                default -> throw new Unsupported();
            }
        }
        if (i == argv.size()) {
            throw new Unsupported();
        }
        Outcome.Builder result = new Outcome.Builder();
        int finalMode = mode != null ? mode : 0777 & ~process.umask();
        for (String operand : argv.subList(i, argv.size())) {
            String failure = parents ? makeParents(process, operand, finalMode) : makeOne(process, operand, finalMode);
            if (failure != null) {
                result.error(1, failure);
            }
        }
        return result.build();
    }

    private String makeOne(Proc process, String path, int mode) {
        FileTree.Lookup lookup = files().lookup(process, path, false);
        Errno errno = lookup.error() != null ? lookup.error() : lookup.node() != null ? Errno.EEXIST
                : files().checkAdd(process, lookup.parent(), true);
        if (errno != null) {
            return error("mkdir", path, errno);
        }
        files().create(process, lookup.parent(), lookup.name(), FileInfo.Type.DIRECTORY, mode, null);
        return null;
    }

    /** BSD {@code mkdir -p}: missing parents get {@code (0777 & ~umask) | u+wx}; an error names the prefix that failed. */
    private String makeParents(Proc process, String path, int finalMode) {
        String[] names = path.split("/");
        StringBuilder prefix = new StringBuilder(path.startsWith("/") ? "/" : "");
        List<String> parts = new ArrayList<>();
        for (String name : names) {
            if (!name.isEmpty()) {
                parts.add(name);
            }
        }
        for (int k = 0; k < parts.size(); k++) {
            if (prefix.length() > 0 && prefix.charAt(prefix.length() - 1) != '/') {
                prefix.append('/');
            }
            prefix.append(parts.get(k));
            boolean last = k == parts.size() - 1;
            FileTree.Lookup lookup = files().lookup(process, prefix.toString(), true);
            if (lookup.error() != null) {
                return error("mkdir", prefix.toString(), lookup.error());
            }
            if (lookup.node() != null) {
                if (!lookup.node().isDirectory()) {
                    return error("mkdir", prefix.toString(), last ? Errno.EEXIST : Errno.ENOTDIR);
                }
                continue;
            }
            Errno errno = files().checkAdd(process, lookup.parent(), true);
            if (errno != null) {
                return error("mkdir", prefix.toString(), errno);
            }
            int mode = last ? finalMode : (0777 & ~process.umask()) | 0300;
            files().create(process, lookup.parent(), lookup.name(), FileInfo.Type.DIRECTORY, mode, null);
        }
        return null;
    }

    // --- mv, rm, rmdir -------------------------------------------------------------------------

    /**
     * {@code mv [-f] SRC DST}: a rename. When DST resolves (through links) to a directory, SRC
     * moves into it, as BSD mv does; otherwise DST itself, even a symbolic link, is replaced.
     */
    Outcome mv(Proc process, List<String> argv) {
        List<String> args = argv.subList(argv.size() > 1 && argv.get(1).equals("-f") ? 2 : 1, argv.size());
        if (args.size() != 2 || args.stream().anyMatch(a -> a.startsWith("-"))) {
            throw new Unsupported();
        }
        String from = args.get(0);
        String to = args.get(1);
        Errno errno = rename(process, from, to);
        return errno == null ? Outcome.ok("") : Outcome.fail(1, "mv: rename " + from + " to " + to + ": " + errno.text() + "\n");
    }

    private Errno rename(Proc process, String from, String to) {
        FileTree.Lookup source = files().lookup(process, from, false);
        if (!source.found()) {
            return source.missing();
        }
        FileTree.Lookup destination = files().lookup(process, to, true);
        if (destination.found() && destination.node().isDirectory() && destination.node() != source.node()) {
            destination = files().lookup(process, destination.path() + "/" + source.name(), false);
        } else {
            destination = files().lookup(process, to, false);
        }
        if (destination.error() != null) {
            return destination.error();
        }
        Node moving = source.node();
        Errno errno = files().checkDelete(process, source.parent(), moving);
        if (errno == null) {
            errno = files().checkAdd(process, destination.parent(), moving.isDirectory());
        }
        Node replaced = destination.node();
        if (errno == null && replaced != null) {
            if (replaced == moving) {
                return null;
            }
            errno = files().checkDelete(process, destination.parent(), replaced);
            if (errno == null && replaced.isDirectory() && !moving.isDirectory()) {
                errno = Errno.EISDIR;
            } else if (errno == null && moving.isDirectory() && !replaced.isDirectory()) {
                errno = Errno.ENOTDIR;
            } else if (errno == null && replaced.isDirectory() && !replaced.children.isEmpty()) {
                errno = Errno.ENOTEMPTY;
            }
        }
        if (errno != null) {
            return errno;
        }
        source.parent().children.remove(source.name());
        if (replaced != null) {
            replaced.unlinked();
        }
        destination.parent().children.put(destination.name(), moving);
        return null;
    }

    /** {@code rm [-f] [-r|-R] PATH...}; a missing operand is silent with -f. */
    Outcome rm(Proc process, List<String> argv) {
        boolean force = false;
        boolean recursive = false;
        int i = 1;
        for (; i < argv.size() && argv.get(i).startsWith("-"); i++) {
            if (!argv.get(i).matches("-[frR]+")) {
                throw new Unsupported();
            }
            force |= argv.get(i).contains("f");
            recursive |= argv.get(i).contains("r") || argv.get(i).contains("R");
        }
        if (i == argv.size()) {
            throw new Unsupported();
        }
        Outcome.Builder result = new Outcome.Builder();
        for (String operand : argv.subList(i, argv.size())) {
            FileTree.Lookup lookup = files().lookup(process, operand, false);
            if (!lookup.found()) {
                if (!(force && lookup.missing() == Errno.ENOENT)) {
                    result.error(1, error("rm", operand, lookup.missing()));
                }
            } else if (lookup.node().isDirectory() && !recursive) {
                result.error(1, "rm: " + operand + ": is a directory");
            } else {
                remove(process, operand, lookup.parent(), lookup.name(), result);
            }
        }
        return result.build();
    }

    /** Removes depth first; an entry that cannot go is reported and its directories stay. */
    private boolean remove(Proc process, String path, Node parent, String name, Outcome.Builder result) {
        Node node = parent.children.get(name);
        if (node.isDirectory() && !node.children.isEmpty()) {
            if (!files().may(process, node, AclRight.READ_DATA) || !files().may(process, node, AclRight.EXECUTE)) {
                result.error(1, error("rm", path, Errno.EACCES));
                return false;
            }
            boolean all = true;
            for (String child : new ArrayList<>(node.children.keySet())) {
                all &= remove(process, path + "/" + child, node, child, result);
            }
            if (!all) {
                result.error(1, error("rm", path, Errno.ENOTEMPTY));
                return false;
            }
        }
        Errno errno = files().checkDelete(process, parent, node);
        if (errno != null) {
            result.error(1, error("rm", path, errno));
            return false;
        }
        parent.children.remove(name);
        node.unlinked();
        return true;
    }

    Outcome rmdir(Proc process, List<String> argv) {
        if (argv.size() < 2 || argv.subList(1, argv.size()).stream().anyMatch(a -> a.startsWith("-"))) {
            throw new Unsupported();
        }
        Outcome.Builder result = new Outcome.Builder();
        for (String operand : argv.subList(1, argv.size())) {
            FileTree.Lookup lookup = files().lookup(process, operand, false);
            Errno errno = !lookup.found() ? lookup.missing()
                    : !lookup.node().isDirectory() ? Errno.ENOTDIR
                    : !lookup.node().children.isEmpty() ? Errno.ENOTEMPTY
                    : files().checkDelete(process, lookup.parent(), lookup.node());
            if (errno != null) {
                result.error(1, error("rmdir", operand, errno));
            } else {
                lookup.parent().children.remove(lookup.name());
            }
        }
        return result.build();
    }

    // --- mktemp --------------------------------------------------------------------------------

    /**
     * {@code mktemp -d -t PREFIX}: a {@code 0700} directory {@code PREFIX.XXXXXXXX} in the
     * user's own temporary folder under {@code /private/var/folders/zz}. The stock Mac has the
     * folders of root and the human, as launchd makes them; another user's is made on first use.
     * Names come from a fixed seed, so runs are reproducible.
     */
    Outcome mktemp(Proc process, List<String> argv) {
        if (argv.size() != 4 || !argv.get(1).equals("-d") || !argv.get(2).equals("-t") || !argv.get(3).matches("[A-Za-z0-9_.-]+")) {
            throw new Unsupported();
        }
        Node temp = userTemporaryFolder(process);
        String name;
        do {
            StringBuilder suffix = new StringBuilder();
            for (int k = 0; k < 8; k++) {
                suffix.append(ALPHANUMERIC.charAt(temporaryNames.nextInt(ALPHANUMERIC.length())));
            }
            name = argv.get(3) + "." + suffix;
        } while (temp.children.containsKey(name));
        files().create(process, temp, name, FileInfo.Type.DIRECTORY, 0700, null);
        return Outcome.ok("/private/var/folders/zz/" + folderName(process.user()) + "/T/" + name + "\n");
    }

    private Node userTemporaryFolder(Proc process) {
        Node folders = files().lookup(null, "/private/var/folders", true).node();
        Node zz = folders.children.computeIfAbsent("zz", k -> Node.directory(0, 0, 0755));
        int gid = machine.directory.record(DirectoryServices.Kind.USERS, process.user())
                .map(r -> DirectoryServices.number(r, "PrimaryGroupID").orElse(0)).orElse(0);
        Node own = zz.children.computeIfAbsent(folderName(process.user()), k -> Node.directory(process.uid(), gid, 0755));
        return own.children.computeIfAbsent("T", k -> Node.directory(process.uid(), gid, 0700));
    }

    /** root's folder has its well-known name; others get a stable one derived from the user's name, shaped like Apple's. */
    static String folderName(String user) {
        if (user.equals("root")) {
            return ROOT_TEMP_FOLDER;
        }
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256").digest(user.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
        StringBuilder name = new StringBuilder();
        for (int k = 0; k < 24; k++) {
            name.append(alphabet.charAt((digest[k] & 0xff) % alphabet.length()));
        }
        return name + "0000gn";
    }
}
