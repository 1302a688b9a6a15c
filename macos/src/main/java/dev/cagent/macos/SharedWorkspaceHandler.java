package dev.cagent.macos;

import dev.cagent.AclRight;
import dev.cagent.Modes;
import dev.cagent.SharedWorkspace;
import dev.cagent.exec.Command;
import dev.cagent.macos.parse.AclEntry;
import dev.cagent.macos.parse.AclFlag;
import dev.cagent.macos.parse.LsEntry;
import dev.cagent.macos.parse.StatEntry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The shared workspace tree.
 *
 * <p>What "shared" means for each entry: the group is the collaboration group; the owner is the
 * agent or a member of the group (the human keeps her own files; anyone else's become the
 * agent's); the group can use every directory and edit every file, by its mode bits or by an
 * inheritable group entry, and no deny entry of the group's takes a right it needs away (such an
 * entry goes: ACLs are checked before the mode); and every directory carries the two inheritable
 * group entries, so new files stay shared whatever their creator's umask. The workspace directory
 * itself is exactly the agent's, with the planned mode. A file that is not shareable gets mode
 * 660, or 770 when it had an execute bit: no file gains one. Files with several names (hard links)
 * and setuid or setgid files are left alone ({@link TreeFinds#CHANGEABLE}). A tree in daily use,
 * with files both sides made since, therefore needs nothing, and verify reports nothing.
 *
 * <p>Reading costs one {@code find -x WS ! -type l ( -type d -o SUSPECT ) -exec ls -led {} +}:
 * every directory (for its entries) and only the files some test marks as possibly unshared, so a
 * correct tree of any size is read quickly.
 *
 * <p>Writing: the agent may rename any directory of the workspace at any moment, so nothing below
 * the workspace directory is ever named by a path that a utility resolves. Root makes every change
 * there through finds that pick exactly the entries decided here ({@link TreeFinds}) and act inside
 * each entry's own directory with {@code -h}; on the apply that creates the agent's account, when
 * no process of the agent's can exist, on full paths in batches instead. The workspace directory
 * itself is named by its path: root gives it to the agent with {@code chown -h}, and the agent sets
 * its mode, which it could change anyway.
 *
 * <p>What it changes is kept in the journal entry by entry, so undo restores each old owner, mode
 * and deny entry and removes the entries it added and every inherited copy of them (by index:
 * removing by text would strip the same rights from every other entry of the group), through the
 * same kind of finds. Files made since keep their owner and mode; an entry that has other names
 * by then is left alone.
 */
final class SharedWorkspaceHandler implements StepHandler<SharedWorkspace> {

    static final String CREATED = "workspace.created";
    static final String TREE = "workspace.tree";

    /** The setuid and setgid bits, which every change of owner or group clears. */
    private static final int SETID = 06000;

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
            ctx.refuse("workspace " + ws.path() + " exists but is " + stat.get().type().described() + ": give a directory");
            return List.of();
        }
        Set<String> owners = keepers(ws, ctx);
        // find refuses a test that names an account or group that does not exist yet (first apply): then read all
        boolean namesExist = ctx.view().groupIds().containsKey(ws.group()) && owners.stream().allMatch(ctx.view().userIds()::containsKey);
        Repairs repairs = Repairs.of(ws, owners, namesExist ? ctx.view().listing(ws.path(), suspects(ws, owners)) : ctx.view().tree(ws.path()));
        if (repairs.isEmpty()) {
            return List.of();
        }
        return List.of(new Change("workspace tree " + ws.path(), "shared: group " + ws.group() + " on every entry, owned by "
                + String.join(" or ", owners) + ", every directory usable and every file editable by the group"
                + (ws.inheritableGroupAccess() ? ", inheritable group entries on every directory" : ""),
                repairs.describe(), repairs.writes(ws, owners, ctx.view().user(ws.owner()).isEmpty()),
                List.of(Journal.Entry.of(TREE, "path", ws.path(), "group", ws.group()).withItems(repairs.journalItems()))));
    }

    /** The accounts whose entries keep their owner: the agent and the collaboration group's members. */
    private static Set<String> keepers(SharedWorkspace ws, Context ctx) {
        Set<String> owners = new java.util.LinkedHashSet<>();
        owners.add(ws.owner());
        ctx.collaborationGroup().ifPresent(g -> owners.addAll(g.members()));
        return owners;
    }

    /**
     * The find test for what the probe lists: every directory, and every file that some bit marks
     * as possibly not shared (several names, another group, an owner outside the group, or no
     * group read and write in the mode, which an inheritable entry may still grant).
     */
    private static List<String> suspects(SharedWorkspace ws, Set<String> owners) {
        List<String> words = new ArrayList<>(List.of("(", "-type", "d", "-o", "-links", "+1", "-o", "!", "-group", ws.group(), "-o", "("));
        owners.forEach(o -> words.addAll(List.of("!", "-user", o)));
        words.addAll(List.of(")", "-o", "!", "-perm", "-0060", ")"));
        return words;
    }

    /** What must change in the tree, entry by entry, and how. */
    private record Repairs(String root, List<LsEntry> rootOwner, List<LsEntry> outsiders, List<LsEntry> otherGroup,
                           Map<LsEntry, List<AclEntry>> denials, Map<LsEntry, Integer> modes, List<LsEntry> setidCleared,
                           List<LsEntry> withoutDirectoryEntry, List<LsEntry> withoutFileEntry, List<LsEntry> severalNames, List<LsEntry> setId,
                           Map<String, String> ownerAfter, List<LsEntry> read) {

        static Repairs of(SharedWorkspace ws, Set<String> keepers, List<LsEntry> listing) {
            Repairs r = new Repairs(ws.path(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>(), new LinkedHashMap<>(),
                    new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>(), listing);
            for (LsEntry e : listing) {
                if (e.isSymlink()) {
                    continue;
                }
                if (!TreeFinds.changeable(e)) {
                    (hasOtherNames(e) ? r.severalNames : r.setId).add(e);
                    continue;
                }
                boolean isRoot = e.path().equals(ws.path());
                String owner = isRoot || !keepers.contains(e.owner()) ? ws.owner() : e.owner();
                boolean ownerChanges = !owner.equals(e.owner()) || !e.group().equals(ws.group());
                if (ownerChanges) {
                    (isRoot ? r.rootOwner : !owner.equals(e.owner()) ? r.outsiders : r.otherGroup).add(e);
                }
                r.ownerAfter.put(e.path(), owner);
                // a change of owner or group clears setuid and setgid (XNU does so even for root)
                int mode = ownerChanges ? e.mode() & ~SETID : e.mode();
                if (e.isDirectory() || e.isRegularFile()) {
                    List<AclEntry> denying = groupDenials(e, ws.group(), e.isDirectory() ? DIRECTORY_USE : FILE_EDIT);
                    if (!denying.isEmpty()) {
                        r.denials.put(e, denying);
                    }
                }
                Integer wanted = null;
                if (isRoot) {
                    wanted = mode == ws.directoryMode() ? null : ws.directoryMode();
                } else if (e.isDirectory()) {
                    wanted = groupMay(e, mode, ws.group(), 070, DIRECTORY_USE) ? null : ws.directoryMode();
                } else if (e.isRegularFile()) {
                    wanted = groupMay(e, mode, ws.group(), 060, FILE_EDIT) ? null : Modes.anyExecute(e.mode()) ? ws.executableFileMode() : ws.fileMode();
                }
                if (wanted != null) {
                    r.modes.put(e, wanted);
                } else if (mode != e.mode()) {
                    r.setidCleared.add(e);
                }
                if (e.isDirectory() && ws.inheritableGroupAccess()) {
                    if (!holds(e, directoryEntry(ws.group()))) {
                        r.withoutDirectoryEntry.add(e);
                    }
                    if (!holds(e, fileEntry(ws.group()))) {
                        r.withoutFileEntry.add(e);
                    }
                }
            }
            return r;
        }

        boolean isEmpty() {
            return rootOwner.isEmpty() && outsiders.isEmpty() && otherGroup.isEmpty() && denials.isEmpty() && modes.isEmpty()
                    && withoutDirectoryEntry.isEmpty() && withoutFileEntry.isEmpty();
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            count(parts, rootOwner, "the workspace itself with another owner or group");
            count(parts, outsiders, "owned outside the group");
            count(parts, otherGroup, "with another group");
            count(parts, List.copyOf(denials.keySet()), "with a deny entry for the group");
            count(parts, modes.keySet().stream().filter(e -> !e.path().equals(root)).filter(LsEntry::isDirectory).toList(), "directories the group cannot use");
            count(parts, modes.keySet().stream().filter(e -> e.path().equals(root)).toList(), "the workspace itself with another mode");
            count(parts, modes.keySet().stream().filter(e -> !e.isDirectory()).toList(), "files the group cannot edit");
            count(parts, withoutDirectoryEntry, "directories without the inheritable entry for directories");
            count(parts, withoutFileEntry, "directories without the inheritable entry for files");
            count(parts, severalNames, "files with several names (hard links), left as they are");
            count(parts, setId, "files with setuid or setgid, left as they are");
            return String.join(", ", parts);
        }

        private static void count(List<String> parts, List<LsEntry> entries, String what) {
            if (!entries.isEmpty()) {
                parts.add(entries.size() + " " + what);
            }
        }

        /**
         * Root, through finds that pick exactly the entries decided above ({@link TreeFinds}):
         * an owner outside the group becomes the agent, a member's entry only gets the group; the
         * group's deny entries go, then modes, then the two inheritable entries. The workspace
         * directory itself is named by its path: root gives it to the agent with {@code -h}, and
         * the agent, who may then change it anyway, sets its mode. On the apply that creates the
         * agent's account no process of the agent's can exist, so the finds act on full paths in
         * batches, far fewer processes than one per entry.
         */
        List<Op> writes(SharedWorkspace ws, Set<String> keepers, boolean agentNotCreatedYet) {
            MacCommands.FindAction exec = agentNotCreatedYet ? MacCommands.FindAction.IN_BATCHES : MacCommands.FindAction.IN_EACH_DIRECTORY;
            List<Op> writes = new ArrayList<>();
            if (!rootOwner.isEmpty()) {
                writes.add(Op.root(MacCommands.chown(ws.owner(), ws.group(), List.of(root))));
            }
            if (!outsiders.isEmpty()) {
                List<String> expression = new ArrayList<>(TreeFinds.BELOW_AND_CHANGEABLE);
                keepers.forEach(k -> expression.addAll(List.of("!", "-user", k)));
                expression.addAll(exec.run(MacCommands.CHOWN, "-h", ws.owner() + ":" + ws.group()));
                writes.add(Op.root(MacCommands.findInTree(root, expression)));
            }
            if (!otherGroup.isEmpty()) {
                List<String> expression = new ArrayList<>(TreeFinds.BELOW_AND_CHANGEABLE);
                expression.addAll(List.of("!", "-group", ws.group()));
                expression.addAll(exec.run(MacCommands.CHOWN, "-h", ":" + ws.group()));
                writes.add(Op.root(MacCommands.findInTree(root, expression)));
            }
            modes.entrySet().stream().filter(m -> m.getKey().path().equals(root))
                    .forEach(m -> writes.add(Op.as(ws.owner(), MacCommands.chmod(m.getValue(), List.of(root)))));
            // each entry's deny entries from the highest index down, so that each index read still names its entry
            Map<Integer, List<LsEntry>> byIndex = new TreeMap<>(Comparator.reverseOrder());
            denials.forEach((e, denying) -> denying.forEach(d -> byIndex.computeIfAbsent(d.index(), k -> new ArrayList<>()).add(e)));
            byIndex.forEach((index, entries) -> asRoot(writes, root, TreeFinds.actingOnPaths(root, entries.stream().map(LsEntry::path).toList(), exec,
                    MacCommands.CHMOD, "-h", "-a#", Integer.toString(index))));
            // modes and the inheritable entries, in any order, so in one walk; the probe read every entry each test passes
            List<TreeFinds.Action> shared = new ArrayList<>();
            List<LsEntry> directories = modes.keySet().stream().filter(e -> e.isDirectory() && !e.path().equals(root)).toList();
            shared.addAll(TreeFinds.acting(root, TreeFinds.Test.DIRECTORIES_WITHOUT_GROUP_USE, directories, read, exec,
                    MacCommands.CHMOD, "-h", Modes.octal(ws.directoryMode())));
            List<LsEntry> files = modes.keySet().stream().filter(e -> !e.isDirectory()).toList();
            TreeFinds.Test editable = TreeFinds.Test.FILES_WITHOUT_GROUP_EDIT;
            shared.addAll(TreeFinds.acting(root, editable.and(TreeFinds.Test.EXECUTABLE.negate()), files.stream().filter(e -> !Modes.anyExecute(e.mode())).toList(),
                    read, exec, MacCommands.CHMOD, "-h", Modes.octal(ws.fileMode())));
            shared.addAll(TreeFinds.acting(root, editable.and(TreeFinds.Test.EXECUTABLE), files.stream().filter(e -> Modes.anyExecute(e.mode())).toList(),
                    read, exec, MacCommands.CHMOD, "-h", Modes.octal(ws.executableFileMode())));
            shared.addAll(TreeFinds.acting(root, TreeFinds.Test.DIRECTORIES, withoutDirectoryEntry, read, exec,
                    MacCommands.CHMOD, "-h", "+a", directoryEntry(ws.group()).toChmodText(true)));
            shared.addAll(TreeFinds.acting(root, TreeFinds.Test.DIRECTORIES, withoutFileEntry, read, exec,
                    MacCommands.CHMOD, "-h", "+a", fileEntry(ws.group()).toChmodText(true)));
            asRoot(writes, root, shared);
            return writes;
        }

        /**
         * What undo needs: each entry's old owner and group, the group's deny entries it loses
         * (index and rights, e.g. {@code deny 0:write,append}), its old mode where a chmod or a
         * chown changes it, and which of the two entries it gets ({@code D} for directories',
         * {@code F} for files').
         */
        List<String> journalItems() {
            List<String> items = new ArrayList<>();
            for (List<LsEntry> changed : List.of(rootOwner, outsiders, otherGroup)) {
                changed.forEach(e -> items.add("owner " + e.owner() + ":" + e.group() + " " + e.path()));
            }
            denials.forEach((e, denying) -> denying.forEach(d -> items.add("deny " + d.index() + ":" + denialWords(d, e.isDirectory()) + " " + e.path())));
            modes.keySet().forEach(e -> items.add("mode " + Modes.octal(e.mode()) + " " + e.path()));
            setidCleared.forEach(e -> items.add("mode " + Modes.octal(e.mode()) + " " + e.path()));
            Map<String, String> lacks = new LinkedHashMap<>();
            withoutDirectoryEntry.forEach(e -> lacks.merge(e.path(), "D", String::concat));
            withoutFileEntry.forEach(e -> lacks.merge(e.path(), "F", String::concat));
            lacks.forEach((path, which) -> items.add("acl " + which + " " + path));
            return items;
        }
    }

    /** The rights a group needs on a directory to work in it, and on a file to edit it. */
    private static final Set<AclRight> DIRECTORY_USE = EnumSet.of(AclRight.READ_DATA, AclRight.WRITE_DATA, AclRight.EXECUTE,
            AclRight.APPEND_DATA, AclRight.DELETE_CHILD);
    private static final Set<AclRight> FILE_EDIT = EnumSet.of(AclRight.READ_DATA, AclRight.WRITE_DATA);

    /**
     * True when the group may do what it needs once its deny entries are gone ({@link #groupDenials}):
     * by its mode bits (the entry's group being the collaboration group after the repair), or by
     * an allow entry for the group that applies to the entry itself (set or inherited, not
     * only_inherit).
     */
    private static boolean groupMay(LsEntry e, int mode, String group, int groupBits, Set<AclRight> rights) {
        AclEntry.Principal principal = AclEntry.Principal.group(group);
        return (mode & groupBits) == groupBits || e.acl().stream().anyMatch(a -> a.allow() && a.principal().equals(principal)
                && !a.flags().contains(AclFlag.ONLY_INHERIT) && a.rights().containsAll(rights));
    }

    /**
     * The group's deny entries that apply to the entry itself (set or inherited, not
     * only_inherit) and take a right it needs. ACL entries are checked before the mode bits, so
     * no mode lets the group past them: they go, and undo puts them back.
     */
    private static List<AclEntry> groupDenials(LsEntry e, String group, Set<AclRight> rights) {
        AclEntry.Principal principal = AclEntry.Principal.group(group);
        return e.acl().stream().filter(a -> !a.allow() && a.principal().equals(principal)
                && !a.flags().contains(AclFlag.ONLY_INHERIT) && a.rights().stream().anyMatch(rights::contains)).toList();
    }

    /** A deny entry of the group as chmod reads it, without the principal and {@code deny}: {@code write,append}. */
    private static String denialWords(AclEntry denial, boolean directory) {
        String text = denial.toChmodText(directory);
        return text.substring(denial.principal().text().length() + " deny ".length());
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
        Optional<StatEntry> stat = ctx.view().stat(path);
        if (stat.isEmpty()) {
            return UndoAction.nothingLeft("restore workspace " + path);
        }
        if (!stat.get().isDirectory()) {
            return UndoAction.keep("workspace " + path, stat.get().type().described()
                    + " stands there now, not the directory cagent made; remove it by hand if it is not yours");
        }
        if (entry.kind().equals(CREATED)) {
            // links count too: rmdir refuses a directory holding anything
            List<LsEntry> tree;
            try {
                tree = ctx.view().treeWithLinks(path);
            } catch (MachineReadException e) {
                return UndoAction.keep("workspace " + path, "cagent cannot tell what it holds (" + e.getMessage() + "); it removes only an empty workspace it created");
            }
            if (tree.size() > 1) {
                return UndoAction.keep("workspace " + path, "it holds " + (tree.size() - 1) + " entries now; cagent removes only an empty workspace it created");
            }
            return UndoAction.run("removed the empty workspace " + path, List.of(Op.root(MacCommands.removeDirectory(path))));
        }
        Map<String, LsEntry> now = ctx.view().tree(path).stream().collect(Collectors.toMap(LsEntry::path, e -> e, (a, b) -> a, LinkedHashMap::new));
        Map<Integer, List<LsEntry>> removals = new TreeMap<>(Comparator.reverseOrder());
        Map<String, List<LsEntry>> owners = new LinkedHashMap<>();
        Map<String, List<LsEntry>> modes = new LinkedHashMap<>();
        Map<Integer, Map<String, List<LsEntry>>> denials = new TreeMap<>();
        // a deny entry of a group this record created was added after cagent made the group: put back, it would outlive the group
        // as a bare UUID; one put back by hand since is not added a second time (each copy there stands for one recorded)
        boolean groupGoes = ctx.journal().has(CollaborationGroupHandler.CREATED, e -> group.equals(e.get("group")));
        Map<String, Integer> copiesThere = new java.util.HashMap<>();
        for (String item : entry.items()) {
            String[] parts = item.split(" ", 3);
            LsEntry current = now.get(parts[2]);
            if (current == null || !TreeFinds.changeable(current)) {
                continue;
            }
            switch (parts[0]) {
                case "owner" -> owners.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(current);
                case "mode" -> modes.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(current);
                case "deny" -> {
                    int index = Integer.parseInt(parts[1].substring(0, parts[1].indexOf(':')));
                    String text = AclEntry.Principal.group(group).text() + " deny " + parts[1].substring(parts[1].indexOf(':') + 1);
                    int there = copiesThere.computeIfAbsent(current.path() + "\0" + text, k -> (int) current.acl().stream()
                            .filter(a -> !a.allow() && a.principal().equals(AclEntry.Principal.group(group)) && a.toChmodText(current.isDirectory()).equals(text))
                            .count());
                    if (there > 0) {
                        copiesThere.put(current.path() + "\0" + text, there - 1);
                    } else if (!groupGoes) {
                        denials.computeIfAbsent(index, k -> new LinkedHashMap<>()).computeIfAbsent(text, k -> new ArrayList<>()).add(current);
                    }
                }
                case "acl" -> {
                    if (parts[1].contains("D")) {
                        explicitIndex(current, directoryEntry(group)).ifPresent(i -> removals.computeIfAbsent(i, k -> new ArrayList<>()).add(current));
                    }
                    if (parts[1].contains("F")) {
                        explicitIndex(current, fileEntry(group)).ifPresent(i -> removals.computeIfAbsent(i, k -> new ArrayList<>()).add(current));
                    }
                }
                default -> throw new IllegalStateException("unknown workspace journal item: " + parts[0]);
            }
        }
        // the inherited copies of cagent's entries go with them; copies of entries that were there before cagent stay
        boolean addedEntries = entry.items().stream().anyMatch(item -> item.startsWith("acl "));
        for (LsEntry current : addedEntries ? now.values() : List.<LsEntry>of()) {
            for (AclEntry inherited : current.acl()) {
                if (isInheritedCopy(inherited, group) && TreeFinds.changeable(current)) {
                    removals.computeIfAbsent(inherited.index(), k -> new ArrayList<>()).add(current);
                }
            }
        }
        // each entry's removals from the highest index down, so that each index read still names its entry;
        // owners before modes, since a change of owner clears setuid and setgid; old deny entries back at
        // their old indexes, lowest first. What has no order among itself shares a walk.
        List<Op> writes = new ArrayList<>();
        removals.forEach((index, entries) -> asRoot(writes, path, restore(path, entries, now, MacCommands.CHMOD, "-h", "-a#", Integer.toString(index))));
        List<TreeFinds.Action> ownersBack = new ArrayList<>();
        owners.forEach((owner, entries) -> ownersBack.addAll(restore(path, entries, now, MacCommands.CHOWN, "-h", owner)));
        asRoot(writes, path, ownersBack);
        List<TreeFinds.Action> modesBack = new ArrayList<>();
        modes.forEach((mode, entries) -> modesBack.addAll(restore(path, entries, now, MacCommands.CHMOD, "-h", mode)));
        asRoot(writes, path, modesBack);
        denials.forEach((index, byText) -> {
            List<TreeFinds.Action> denialsBack = new ArrayList<>();
            byText.forEach((text, entries) -> denialsBack.addAll(restore(path, entries, now, MacCommands.CHMOD, "-h", "+a#", Integer.toString(index), text)));
            asRoot(writes, path, denialsBack);
        });
        return UndoAction.run("restored owners, modes and ACLs of " + entry.items().size() + " workspace entries in " + path, writes);
    }

    /**
     * Root runs {@code utility} on exactly {@code entries}, through finds as apply's
     * ({@link TreeFinds}): a directory on the way swapped for a link since undo read the tree is
     * simply not walked into, where a command by path would follow it anywhere.
     */
    private static List<TreeFinds.Action> restore(String workspace, List<LsEntry> entries, Map<String, LsEntry> now, String... utility) {
        return TreeFinds.acting(workspace, TreeFinds.Test.typeOf(entries), entries, now.values(), MacCommands.FindAction.IN_EACH_DIRECTORY, utility);
    }

    /** Root's finds over the tree at {@code root} for {@code actions}, as few walks as argv allows. */
    private static void asRoot(List<Op> writes, String root, List<TreeFinds.Action> actions) {
        TreeFinds.walks(root, actions).forEach(c -> writes.add(Op.root(c)));
    }

    /** True for a file that has other names too (hard links), which {@link TreeFinds#CHANGEABLE} leaves alone. */
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

    /** The index of the explicit allow entry with exactly these flags and at least these rights. */
    private static Optional<Integer> explicitIndex(LsEntry entry, AclEntry wanted) {
        return entry.acl().stream().filter(a -> isExplicitly(a, wanted)).map(AclEntry::index).findFirst();
    }

    private static boolean isExplicitly(AclEntry a, AclEntry wanted) {
        return !a.inherited() && a.allow() == wanted.allow() && a.principal().equals(wanted.principal())
                && a.rights().containsAll(wanted.rights()) && a.flags().equals(wanted.flags());
    }
}
