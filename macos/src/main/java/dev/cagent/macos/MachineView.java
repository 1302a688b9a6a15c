package dev.cagent.macos;

import dev.cagent.exec.CommandResult;
import dev.cagent.macos.parse.CheckMember;
import dev.cagent.macos.parse.DsError;
import dev.cagent.macos.parse.DsList;
import dev.cagent.macos.parse.DsRecord;
import dev.cagent.macos.parse.LsEntry;
import dev.cagent.macos.parse.LsParser;
import dev.cagent.macos.parse.StatEntry;
import dev.cagent.report.ExecutedCommand;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * The machine as read-only commands see it, read lazily and cached. Paths the steps ask for are
 * collected first and read with one {@code ls -led} and one {@code stat}, so a probe runs few
 * processes. {@link #forget()} drops the cache after writes, for the read-back.
 */
final class MachineView {

    private final Executor executor;
    private final RunAs fileReader;

    private Map<String, List<String>> userIds;
    private Map<String, List<String>> groupIds;
    private final Map<String, Optional<DsRecord>> users = new HashMap<>();
    private final Map<String, Optional<DsRecord>> groups = new HashMap<>();
    private final Map<String, Boolean> memberships = new HashMap<>();
    private final Set<String> wantedLs = new LinkedHashSet<>();
    private final Set<String> wantedStat = new LinkedHashSet<>();
    private final Map<String, Optional<LsEntry>> ls = new HashMap<>();
    private final Map<String, Optional<StatEntry>> stats = new HashMap<>();
    private final Map<String, Optional<String>> files = new HashMap<>();
    private final Map<String, List<LsEntry>> trees = new HashMap<>();
    private final Map<List<String>, List<LsEntry>> listings = new HashMap<>();
    private final Map<String, List<LsEntry>> treesWithLinks = new HashMap<>();

    /**
     * @param fileReader whose rights file reads use: root normally; the caller's own under the
     *                   admin prompt, where only writes are privileged
     */
    MachineView(Executor executor, RunAs fileReader) {
        this.executor = executor;
        this.fileReader = fileReader;
    }

    Executor executor() {
        return executor;
    }

    /** True where reads have only the rights of a caller who is not root (under the administrator prompt). */
    boolean readsWithoutPrivilege() {
        return fileReader.kind() == RunAs.Kind.CALLER && !"root".equals(executor.caller());
    }

    /** A view that reads files with {@code reader}'s rights and keeps what this one read of Directory Services. */
    MachineView readingFilesAs(RunAs reader) {
        MachineView view = new MachineView(executor, reader);
        view.userIds = userIds;
        view.groupIds = groupIds;
        return view;
    }

    /** Drops everything read so far, so the next question reads the machine again. */
    void forget() {
        userIds = null;
        groupIds = null;
        users.clear();
        groups.clear();
        memberships.clear();
        ls.clear();
        stats.clear();
        files.clear();
        trees.clear();
        listings.clear();
        treesWithLinks.clear();
    }

    // --- Directory Services

    Map<String, List<String>> userIds() {
        if (userIds == null) {
            Op op = Op.caller(MacCommands.listUserIds());
            userIds = parsed(op, expectSuccess(op), DsList::parse);
        }
        return userIds;
    }

    Map<String, List<String>> groupIds() {
        if (groupIds == null) {
            Op op = Op.caller(MacCommands.listGroupIds());
            groupIds = parsed(op, expectSuccess(op), DsList::parse);
        }
        return groupIds;
    }

    OptionalInt uidOf(String user) {
        return firstInt(userIds().get(user));
    }

    OptionalInt gidOf(String group) {
        return firstInt(groupIds().get(group));
    }

    Optional<String> userWithUid(int uid) {
        return holder(userIds(), uid);
    }

    Optional<String> groupWithGid(int gid) {
        return holder(groupIds(), gid);
    }

    Optional<DsRecord> user(String name) {
        return users.computeIfAbsent(name, n -> readRecord(Op.caller(MacCommands.readUser(n))));
    }

    Optional<DsRecord> group(String name) {
        return groups.computeIfAbsent(name, n -> readRecord(Op.caller(MacCommands.readGroup(n))));
    }

    /** {@code dseditgroup -o checkmember}: explicit membership, which a primary group is not. */
    boolean isMember(String user, String group) {
        return memberships.computeIfAbsent(user + "\0" + group, k -> {
            Op op = Op.caller(MacCommands.checkMember(user, group));
            CommandResult result = executor.read(op);
            return parsed(op, result, out -> CheckMember.parse(result));
        });
    }

    private Optional<DsRecord> readRecord(Op op) {
        CommandResult result = executor.read(op);
        if (result.exitCode() == 0) {
            return Optional.of(parsed(op, result, DsRecord::parsePlist));
        }
        if (result.exitCode() == 56 || DsError.find(result.stderr()).filter(c -> c.number() == -14136).isPresent()) {
            return Optional.empty();
        }
        throw new ProbeException(op, result);
    }

    // --- files

    /** Asks for {@code ls -led} of a path in the next batch. */
    void wantAcl(String path) {
        if (!ls.containsKey(path)) {
            wantedLs.add(path);
        }
    }

    /** Asks for {@code stat} of a path in the next batch. */
    void wantStat(String path) {
        if (!stats.containsKey(path)) {
            wantedStat.add(path);
        }
    }

    /** The {@code ls -led} entry of a path (the link itself for a symlink); empty if missing. */
    Optional<LsEntry> acl(String path) {
        if (!ls.containsKey(path)) {
            wantedLs.add(path);
            List<String> batch = new ArrayList<>(wantedLs);
            wantedLs.clear();
            Op op = new Op(fileReader, MacCommands.lsAcl(batch));
            CommandResult result = executor.read(op);
            List<LsEntry> entries = parsed(op, result, LsParser::parse);
            Set<String> missing = missingOperands(result.stderr(), op, result);
            for (String p : batch) {
                Optional<LsEntry> entry = entries.stream().filter(e -> e.path().equals(p)).findFirst();
                if (entry.isEmpty() && !missing.contains(p)) {
                    throw new ProbeException(op, result);
                }
                ls.put(p, entry);
            }
        }
        return ls.get(path);
    }

    /** The {@code stat} of a path (the link itself for a symlink); empty if missing. */
    Optional<StatEntry> stat(String path) {
        if (!stats.containsKey(path)) {
            wantedStat.add(path);
            List<String> batch = new ArrayList<>(wantedStat);
            wantedStat.clear();
            Op op = new Op(fileReader, MacCommands.stat(batch));
            CommandResult result = executor.read(op);
            Map<String, StatEntry> found = parsed(op, result, out -> StatEntry.parse(out, batch));
            Set<String> missing = new LinkedHashSet<>(StatEntry.missing(result.stderr()));
            for (String p : batch) {
                if (!found.containsKey(p) && !missing.contains(p)) {
                    throw new ProbeException(op, result);
                }
                stats.put(p, Optional.ofNullable(found.get(p)));
            }
        }
        return stats.get(path);
    }

    /** A file's text read with {@code cat}; empty if it does not exist. */
    Optional<String> read(String path) {
        return read(fileReader, path);
    }

    /**
     * A file's text read with the rights of {@code owner}, the account cagent edits it as: a root
     * read would follow a link that account planted to a file it may not read itself. Where reads
     * have only the caller's rights (under the administrator prompt), the caller reads.
     */
    Optional<String> readAs(String owner, String path) {
        return read(RunAs.ROOT.equals(fileReader) ? RunAs.user(owner) : fileReader, path);
    }

    private Optional<String> read(RunAs reader, String path) {
        String key = reader + "\0" + path;
        if (!files.containsKey(key)) {
            Op op = new Op(reader, MacCommands.cat(path));
            CommandResult result = executor.read(op);
            if (result.exitCode() == 0) {
                files.put(key, Optional.of(result.stdout()));
            } else if (result.stderr().contains("No such file or directory")) {
                files.put(key, Optional.empty());
            } else {
                throw new ProbeException(op, result);
            }
        }
        return files.get(key);
    }

    /**
     * The entries of a tree that pass {@code test} (find words; symlinks are never listed nor
     * followed), from one {@code find ... -exec ls -led}.
     */
    List<LsEntry> listing(String dir, List<String> test) {
        List<String> key = new ArrayList<>(test);
        key.add(0, dir);
        return listings.computeIfAbsent(key, k -> listingOf(MacCommands.listTree(dir, test)));
    }

    /** Every entry of a tree (not following symlinks), from one {@code find ... -exec ls -led}. */
    List<LsEntry> tree(String dir) {
        return trees.computeIfAbsent(dir, d -> listingOf(MacCommands.listTree(d)));
    }

    /** Every entry of a tree, symbolic links included but not followed: what would keep an {@code rmdir} from working. */
    List<LsEntry> treeWithLinks(String dir) {
        return treesWithLinks.computeIfAbsent(dir, d -> listingOf(MacCommands.listTreeWithLinks(d)));
    }

    private List<LsEntry> listingOf(dev.cagent.exec.Command find) {
        Op op = new Op(fileReader, find);
        return parsed(op, expectSuccess(op), LsParser::parse);
    }

    /**
     * The read's output as {@code parser} reads it. Output in no shape cagent knows (cut short,
     * garbled, a name holding a newline) is a failed read: cagent cannot tell what the machine
     * holds, and says which command printed what.
     */
    private <T> T parsed(Op op, CommandResult result, Function<String, T> parser) {
        try {
            return parser.apply(result.stdout());
        } catch (IllegalStateException e) {
            throw new MachineReadException("could not read the machine: `" + executor.render(op).toShellLine() + "` printed what cagent cannot read safely: "
                    + e.getMessage(), e, new ExecutedCommand(executor.render(op), null, "printed what cagent cannot read safely: " + e.getMessage()));
        }
    }

    private CommandResult expectSuccess(Op op) {
        CommandResult result = executor.read(op);
        if (result.exitCode() != 0) {
            throw new ProbeException(op, result);
        }
        return result;
    }

    /**
     * Operands ls reported missing ({@code No such file or directory}, or {@code Not a directory}
     * when a file stands where the path needs a directory); any other complaint is a probe failure.
     */
    private Set<String> missingOperands(String stderr, Op op, CommandResult result) {
        Set<String> missing = new LinkedHashSet<>();
        for (String line : stderr.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String suffix = line.endsWith(": Not a directory") ? ": Not a directory" : ": No such file or directory";
            if (line.startsWith("ls: ") && line.endsWith(suffix) && line.length() > "ls: ".length() + suffix.length()) {
                missing.add(line.substring("ls: ".length(), line.length() - suffix.length()));
            } else {
                throw new ProbeException(op, result);
            }
        }
        return missing;
    }

    private static OptionalInt firstInt(List<String> values) {
        if (values == null || values.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(values.get(0)));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static Optional<String> holder(Map<String, List<String>> ids, int id) {
        String wanted = Integer.toString(id);
        return ids.entrySet().stream().filter(e -> e.getValue().contains(wanted)).map(Map.Entry::getKey).findFirst();
    }

    /** A read-only command failed in a way that is not "missing": the probe cannot go on. */
    final class ProbeException extends MachineReadException {
        ProbeException(Op op, CommandResult result) {
            super("could not read the machine: " + op.command().toShellLine() + " exited " + result.exitCode()
                    + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip()), null, new ExecutedCommand(executor.render(op), result, null));
        }
    }
}
