package dev.cagent.macos;

import dev.cagent.AclRight;
import dev.cagent.Modes;
import dev.cagent.SharedWorkspace;
import dev.cagent.exec.Command;
import dev.cagent.macos.parse.AclEntry;
import dev.cagent.macos.parse.AclFlag;
import dev.cagent.macos.parse.LsEntry;
import dev.cagent.macos.parse.StatEntry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The shared workspace tree.
 *
 * <p>Reads the whole tree with one {@code find -x WS ! -type l -exec ls -led {} +} (modes, owners
 * and ACLs; symlinks neither followed nor listed) and decides which entries differ: owner or group,
 * directory mode, file mode (660, or 770 for files that were executable: no file gains an execute
 * bit), and the two inheritable group entries on directories. Files with several names (hard
 * links) are left alone: another name may lie outside the tree. Each kind of difference is fixed
 * by one {@code find} whose predicates select exactly those entries, so a correct tree costs one
 * read and nothing is ever followed through a symbolic link. Once the agent's account exists, the
 * actions run with {@code -execdir}, inside each entry's own directory, so that no path through a
 * directory the agent could swap meanwhile is resolved; on the apply that creates the account,
 * when no process of the agent's can exist, they take the paths in batches ({@code -exec}), about
 * as fast as the seed's own {@code chown -R} on a large existing tree.
 *
 * <p>What it changes is kept in the journal entry by entry, so undo restores each old owner and
 * mode and removes the entries it added and every inherited copy of them (by index: removing by
 * text would strip the same rights from every other entry of the group). Files made since keep
 * their owner and mode. Undo names paths in a tree the agent can rearrange, so it works with the
 * rights of each entry's owner wherever they suffice, with root's only to give an entry back to
 * another account, and leaves alone an entry that has other names by then.
 */
final class SharedWorkspaceHandler implements StepHandler<SharedWorkspace> {

    static final String CREATED = "workspace.created";
    static final String TREE = "workspace.tree";

    /** The setuid and setgid bits, which every change of owner or group clears. */
    private static final int SETID = 06000;

    /** Keeps argv well below macOS's ARG_MAX (1 MiB, environment included). */
    private static final int MAX_ARGV_BYTES = 200_000;

    @Override
    public Class<SharedWorkspace> stepType() {
        return SharedWorkspace.class;
    }

    @Override
    public Set<String> journalKinds() {
        return Set.of(CREATED, TREE);
    }

    @Override
    public void prefetch(SharedWorkspace ws, Context ctx) {
        ctx.view().wantStat(ws.path());
    }

    /** The entry new subdirectories inherit and that lets the group into every directory. */
    static AclEntry directoryEntry(String group) {
        return new AclEntry(0, new AclEntry.Principal(AclEntry.Principal.Kind.GROUP, group), false, true,
                EnumSet.of(AclRight.READ_DATA, AclRight.WRITE_DATA, AclRight.EXECUTE, AclRight.DELETE, AclRight.APPEND_DATA,
                        AclRight.DELETE_CHILD, AclRight.READ_ATTRIBUTES, AclRight.WRITE_ATTRIBUTES, AclRight.READ_EXTATTRIBUTES,
                        AclRight.WRITE_EXTATTRIBUTES, AclRight.READ_SECURITY),
                EnumSet.of(AclFlag.DIRECTORY_INHERIT));
    }

    /**
     * The entry new files inherit: read and write, never execute (or every new file would be
     * executable). {@code directory_inherit} carries it into new subdirectories, where
     * {@code only_inherit} keeps it from applying to the directory itself.
     */
    static AclEntry fileEntry(String group) {
        return new AclEntry(0, new AclEntry.Principal(AclEntry.Principal.Kind.GROUP, group), false, true,
                EnumSet.of(AclRight.READ_DATA, AclRight.WRITE_DATA, AclRight.DELETE, AclRight.APPEND_DATA, AclRight.READ_ATTRIBUTES,
                        AclRight.WRITE_ATTRIBUTES, AclRight.READ_EXTATTRIBUTES, AclRight.WRITE_EXTATTRIBUTES, AclRight.READ_SECURITY),
                EnumSet.of(AclFlag.FILE_INHERIT, AclFlag.DIRECTORY_INHERIT, AclFlag.ONLY_INHERIT));
    }

    @Override
    public List<Change> diff(SharedWorkspace ws, Context ctx) {
        Optional<StatEntry> stat = ctx.view().stat(ws.path());
        String owner = ws.owner() + ":" + ws.group();
        if (stat.isEmpty()) {
            List<Op> writes = new ArrayList<>(List.of(
                    Op.root(MacCommands.mkdir(ws.path(), ws.directoryMode())),
                    Op.root(MacCommands.chown(ws.owner(), ws.group(), List.of(ws.path()))),
                    Op.root(MacCommands.chmod(ws.directoryMode(), List.of(ws.path())))));
            if (ws.inheritableGroupAccess()) {
                writes.add(Op.root(MacCommands.addAceWithoutFollowing(directoryEntry(ws.group()).toChmodText(true), List.of(ws.path()))));
                writes.add(Op.root(MacCommands.addAceWithoutFollowing(fileEntry(ws.group()).toChmodText(true), List.of(ws.path()))));
            }
            return List.of(new Change("workspace " + ws.path(), "directory " + owner + " " + Modes.octal(ws.directoryMode()), "missing", writes,
                    List.of(Journal.Entry.of(CREATED, "path", ws.path(), "group", ws.group()))));
        }
        if (stat.get().type() != StatEntry.FileType.DIRECTORY) {
            ctx.refuse("workspace " + ws.path() + " exists but is a " + stat.get().type().toString().toLowerCase() + ": give a directory");
            return List.of();
        }
        Offenders offenders = Offenders.of(ws, ctx.view().tree(ws.path()));
        if (offenders.isEmpty()) {
            return List.of();
        }
        return List.of(new Change("workspace tree " + ws.path(), "owner " + owner + ", directories " + Modes.octal(ws.directoryMode())
                + ", files " + Modes.octal(ws.fileMode()) + "/" + Modes.octal(ws.executableFileMode()) + (ws.inheritableGroupAccess() ? ", inheritable group entries" : ""),
                offenders.describe(), offenders.writes(ws, ctx.view().user(ws.owner()).isEmpty()),
                List.of(Journal.Entry.of(TREE, "path", ws.path(), "group", ws.group()).withItems(offenders.journalItems(ws, ctx.view().tree(ws.path()))))));
    }

    /**
     * Which entries of the tree differ from the plan, by kind of difference; {@code setidCleared}
     * are those whose mode only the chown changes (it drops setuid and setgid), which undo must
     * put back all the same.
     */
    private record Offenders(List<LsEntry> owners, List<LsEntry> directories, List<LsEntry> plainFiles,
                             List<LsEntry> executables, List<LsEntry> withoutEntries, List<LsEntry> setidCleared,
                             List<LsEntry> severalNames) {

        static Offenders of(SharedWorkspace ws, List<LsEntry> tree) {
            List<LsEntry> owners = new ArrayList<>();
            List<LsEntry> dirs = new ArrayList<>();
            List<LsEntry> plain = new ArrayList<>();
            List<LsEntry> exec = new ArrayList<>();
            List<LsEntry> aces = new ArrayList<>();
            List<LsEntry> setidCleared = new ArrayList<>();
            List<LsEntry> severalNames = new ArrayList<>();
            for (LsEntry e : tree) {
                if (e.isSymlink()) {
                    continue;
                }
                if (hasOtherNames(e)) {
                    severalNames.add(e);
                    continue;
                }
                boolean ownerChanges = !e.owner().equals(ws.owner()) || !e.group().equals(ws.group());
                if (ownerChanges) {
                    owners.add(e);
                }
                // the chown clears setuid and setgid (XNU does so even for root), so such a mode must be set again
                int modeAfterChown = ownerChanges ? e.mode() & ~SETID : e.mode();
                boolean modeFixed = false;
                if (e.isDirectory()) {
                    if (modeAfterChown != ws.directoryMode()) {
                        dirs.add(e);
                        modeFixed = true;
                    }
                    if (ws.inheritableGroupAccess() && !(holds(e, directoryEntry(ws.group())) && holds(e, fileEntry(ws.group())))) {
                        aces.add(e);
                    }
                } else if (e.type() == '-' && modeAfterChown != ws.fileMode() && modeAfterChown != ws.executableFileMode()) {
                    (Modes.anyExecute(e.mode()) ? exec : plain).add(e);
                    modeFixed = true;
                }
                if (modeAfterChown != e.mode() && !modeFixed) {
                    setidCleared.add(e);
                }
            }
            return new Offenders(owners, dirs, plain, exec, aces, setidCleared, severalNames);
        }

        boolean isEmpty() {
            return owners.isEmpty() && directories.isEmpty() && plainFiles.isEmpty() && executables.isEmpty() && withoutEntries.isEmpty();
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            count(parts, owners, "with another owner or group");
            count(parts, directories, "directories with another mode");
            count(parts, plainFiles, "files with another mode");
            count(parts, executables, "executable files with another mode");
            count(parts, withoutEntries, "directories without the inheritable group entries");
            count(parts, severalNames, "files with several names (hard links), left as they are");
            return String.join(", ", parts);
        }

        private static void count(List<String> parts, List<LsEntry> entries, String what) {
            if (!entries.isEmpty()) {
                parts.add(entries.size() + " " + what);
            }
        }

        /**
         * A find per kind of difference, whose predicates pick exactly the entries counted above:
         * owners first (a chown clears setuid and setgid), then directory modes, then file modes
         * (plain and executable in one walk), then the two entries on every directory (one walk).
         * While the agent's account does not exist yet, no process of it can rearrange the tree, so
         * the actions take as many paths at once as argv holds; afterwards each runs inside every
         * directory holding matches, one process per directory.
         */
        List<Op> writes(SharedWorkspace ws, boolean agentNotCreatedYet) {
            MacCommands.FindAction exec = agentNotCreatedYet ? MacCommands.FindAction.IN_BATCHES : MacCommands.FindAction.IN_EACH_DIRECTORY;
            List<List<String>> expressions = new ArrayList<>();
            String file = Modes.octal(ws.fileMode());
            String exe = Modes.octal(ws.executableFileMode());
            if (!owners.isEmpty()) {
                expressions.add(concat(List.of("!", "-type", "l", "(", "-type", "d", "-o", "-links", "1", ")",
                                "(", "!", "-user", ws.owner(), "-o", "!", "-group", ws.group(), ")"),
                        exec.run(MacCommands.CHOWN, "-h", ws.owner() + ":" + ws.group())));
            }
            if (!directories.isEmpty()) {
                expressions.add(concat(List.of("-type", "d", "!", "-perm", Modes.octal(ws.directoryMode())),
                        exec.run(MacCommands.CHMOD, "-h", Modes.octal(ws.directoryMode()))));
            }
            if (!plainFiles.isEmpty() || !executables.isEmpty()) {
                expressions.add(concat(List.of("-type", "f", "-links", "1", "!", "-perm", file, "!", "-perm", exe,
                                "(", "(", "-perm", "-0100", "-o", "-perm", "-0010", "-o", "-perm", "-0001", ")"),
                        exec.run(MacCommands.CHMOD, "-h", exe), List.of("-o"), exec.run(MacCommands.CHMOD, "-h", file), List.of(")")));
            }
            if (!withoutEntries.isEmpty()) {
                expressions.add(concat(List.of("-type", "d"), exec.run(MacCommands.CHMOD, "-h", "+a", directoryEntry(ws.group()).toChmodText(true)),
                        exec.run(MacCommands.CHMOD, "-h", "+a", fileEntry(ws.group()).toChmodText(true))));
            }
            return expressions.stream().map(e -> Op.root(MacCommands.findInTree(ws.path(), e))).toList();
        }

        @SafeVarargs
        private static List<String> concat(List<String>... parts) {
            List<String> all = new ArrayList<>();
            for (List<String> part : parts) {
                all.addAll(part);
            }
            return all;
        }

        /**
         * What undo needs: each changed entry with its old owner or mode, and, when the entries
         * are added, every directory the {@code chmod +a} over all directories changes, with
         * which entry it lacked explicitly ({@code D} for directories', {@code F} for files').
         */
        List<String> journalItems(SharedWorkspace ws, List<LsEntry> tree) {
            List<String> items = new ArrayList<>();
            owners.forEach(e -> items.add("owner " + e.owner() + ":" + e.group() + " " + e.path()));
            directories.forEach(e -> items.add("mode " + Modes.octal(e.mode()) + " " + e.path()));
            plainFiles.forEach(e -> items.add("mode " + Modes.octal(e.mode()) + " " + e.path()));
            executables.forEach(e -> items.add("mode " + Modes.octal(e.mode()) + " " + e.path()));
            setidCleared.forEach(e -> items.add("mode " + Modes.octal(e.mode()) + " " + e.path()));
            if (!withoutEntries.isEmpty()) {
                for (LsEntry e : tree) {
                    if (!e.isDirectory()) {
                        continue;
                    }
                    String lacks = (explicitlyHolds(e, directoryEntry(ws.group())) ? "" : "D") + (explicitlyHolds(e, fileEntry(ws.group())) ? "" : "F");
                    if (!lacks.isEmpty()) {
                        items.add("acl " + lacks + " " + e.path());
                    }
                }
            }
            return items;
        }
    }

    /**
     * True when the entry holds an allow entry covering {@code wanted}: set on it, or inherited.
     * An inherited copy has lost {@code only_inherit} (the kernel clears it when a new directory
     * inherits), and serves the same: new files below still inherit it.
     */
    static boolean holds(LsEntry entry, AclEntry wanted) {
        Set<AclFlag> inheritedFlags = EnumSet.noneOf(AclFlag.class);
        inheritedFlags.addAll(wanted.flags());
        inheritedFlags.remove(AclFlag.ONLY_INHERIT);
        return entry.acl().stream().anyMatch(a -> a.allow() == wanted.allow()
                && a.principal().equals(wanted.principal())
                && a.rights().containsAll(wanted.rights())
                && a.flags().containsAll(a.inherited() ? inheritedFlags : wanted.flags()));
    }

    @Override
    public UndoAction undo(Journal.Entry entry, Context ctx) {
        String path = entry.get("path");
        String group = entry.get("group");
        if (ctx.view().stat(path).isEmpty()) {
            return UndoAction.nothingLeft("restore workspace " + path);
        }
        if (entry.kind().equals(CREATED)) {
            List<LsEntry> tree = ctx.view().tree(path);
            if (tree.size() > 1) {
                return UndoAction.keep("workspace " + path, "it holds " + (tree.size() - 1) + " entries now; cagent removes only an empty workspace it created");
            }
            return UndoAction.run("removed the empty workspace " + path, List.of(Op.root(MacCommands.removeDirectory(path))));
        }
        Map<String, LsEntry> now = ctx.view().tree(path).stream().collect(Collectors.toMap(LsEntry::path, e -> e, (a, b) -> a, LinkedHashMap::new));
        List<Restore> aclRemovals = new ArrayList<>();
        List<Restore> owners = new ArrayList<>();
        Map<String, String> oldModes = new LinkedHashMap<>();
        Map<String, String> ownerAfter = new LinkedHashMap<>();
        for (String item : entry.items()) {
            String[] parts = item.split(" ", 3);
            LsEntry current = now.get(parts[2]);
            if (current == null || hasOtherNames(current)) {
                continue;
            }
            switch (parts[0]) {
                case "owner" -> {
                    String oldOwner = parts[1].substring(0, parts[1].indexOf(':'));
                    owners.add(new Restore(oldOwner.equals(ctx.agent()) ? rightsOf(oldOwner) : RunAs.ROOT, "owner", parts[1], parts[2]));
                    ownerAfter.put(parts[2], oldOwner);
                }
                case "mode" -> oldModes.put(parts[2], parts[1]);
                case "acl" -> {
                    List<Integer> ours = new ArrayList<>();
                    if (parts[1].contains("D")) {
                        explicitIndex(current, directoryEntry(group)).ifPresent(ours::add);
                    }
                    if (parts[1].contains("F")) {
                        explicitIndex(current, fileEntry(group)).ifPresent(ours::add);
                    }
                    ours.forEach(index -> aclRemovals.add(new Restore(rightsOf(current.owner()), "acl", Integer.toString(index), parts[2])));
                }
                default -> throw new IllegalStateException("unknown workspace journal item: " + parts[0]);
            }
        }
        for (LsEntry current : now.values()) {
            for (AclEntry inherited : current.acl()) {
                if (isInheritedCopy(inherited, group) && !hasOtherNames(current)) {
                    aclRemovals.add(new Restore(rightsOf(current.owner()), "acl", Integer.toString(inherited.index()), current.path()));
                }
            }
        }
        aclRemovals.sort(Comparator.comparing((Restore r) -> Integer.parseInt(r.value())).reversed());
        List<Restore> modesDeepestFirst = new ArrayList<>();
        oldModes.forEach((entryPath, mode) ->
                modesDeepestFirst.add(new Restore(rightsOf(ownerAfter.getOrDefault(entryPath, now.get(entryPath).owner())), "mode", mode, entryPath)));
        modesDeepestFirst.sort(Comparator.comparing((Restore r) -> depth(r.path())).reversed());
        List<Op> writes = new ArrayList<>();
        writes.addAll(Restore.ops(aclRemovals, r -> r.action() + " " + r.value()));
        writes.addAll(Restore.ops(owners, r -> r.action() + " " + r.value()));
        writes.addAll(Restore.ops(modesDeepestFirst, r -> depth(r.path()) + " " + r.value()));
        return UndoAction.run("restored owners, modes and ACLs of " + entry.items().size() + " workspace entries in " + path, writes);
    }

    /**
     * One old value to put back on one entry, and whose rights do it. Entries the agent controls
     * are changed with their current owner's rights, so that a directory swapped for a symbolic
     * link in the meantime leads only to what that owner could change anyway; only giving an
     * entry back to another account needs root.
     */
    private record Restore(RunAs runAs, String action, String value, String path) {

        /** Groups restores by who runs which command, in first-seen order of {@code batch}, as argv-sized commands. */
        static List<Op> ops(List<Restore> restores, Function<Restore, String> batch) {
            Map<List<Object>, List<Restore>> groups = new LinkedHashMap<>();
            for (Restore r : restores) {
                groups.computeIfAbsent(List.of(r.runAs(), batch.apply(r)), k -> new ArrayList<>()).add(r);
            }
            List<Op> ops = new ArrayList<>();
            groups.values().forEach(group -> {
                Restore first = group.get(0);
                batches(group.stream().map(Restore::path).toList()).forEach(paths -> ops.add(new Op(first.runAs(), first.command(paths))));
            });
            return ops;
        }

        Command command(List<String> paths) {
            return switch (action) {
                case "acl" -> MacCommands.removeAceAt(Integer.parseInt(value), paths);
                case "owner" -> MacCommands.chown(value.substring(0, value.indexOf(':')), value.substring(value.indexOf(':') + 1), paths);
                case "mode" -> MacCommands.chmod(Integer.parseInt(value, 8), paths);
                default -> throw new IllegalStateException("unknown restore " + action);
            };
        }
    }

    /**
     * True for a file that has other names too (hard links): they may lie outside the workspace,
     * and the agent can make one to any file it can reach, so changing it could hand the agent a
     * file of someone else's. Such files are left as they are, at apply and at undo.
     */
    private static boolean hasOtherNames(LsEntry entry) {
        return !entry.isDirectory() && entry.links() > 1;
    }

    /**
     * True for a copy of cagent's entries that a file or directory inherited: it names the group,
     * which undo is about to delete, so it would be left as a bare UUID.
     */
    private static boolean isInheritedCopy(AclEntry entry, String group) {
        return entry.inherited() && entry.allow() && entry.principal().equals(AclEntry.Principal.group(group))
                && (entry.rights().equals(directoryEntry(group).rights()) || entry.rights().equals(fileEntry(group).rights()));
    }

    /** The rights of the account {@code ls} names as owner: root's for a number without an account. */
    private static RunAs rightsOf(String owner) {
        return owner.chars().allMatch(Character::isDigit) ? RunAs.ROOT : RunAs.user(owner);
    }

    private static int depth(String path) {
        return (int) path.chars().filter(c -> c == '/').count();
    }

    /** The index of the explicit allow entry with exactly these flags and at least these rights. */
    private static Optional<Integer> explicitIndex(LsEntry entry, AclEntry wanted) {
        return entry.acl().stream().filter(a -> isExplicitly(a, wanted)).map(AclEntry::index).findFirst();
    }

    /** True when the entry holds an explicit allow entry with these flags and at least these rights. */
    private static boolean explicitlyHolds(LsEntry entry, AclEntry wanted) {
        return entry.acl().stream().anyMatch(a -> isExplicitly(a, wanted));
    }

    private static boolean isExplicitly(AclEntry a, AclEntry wanted) {
        return !a.inherited() && a.allow() == wanted.allow() && a.principal().equals(wanted.principal())
                && a.rights().containsAll(wanted.rights()) && a.flags().equals(wanted.flags());
    }

    /** Splits paths into argv-sized groups. */
    static List<List<String>> batches(List<String> paths) {
        List<List<String>> batches = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int bytes = 0;
        for (String p : paths) {
            int size = p.getBytes(StandardCharsets.UTF_8).length + 1;
            if (!current.isEmpty() && bytes + size > MAX_ARGV_BYTES) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(p);
            bytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }
}
