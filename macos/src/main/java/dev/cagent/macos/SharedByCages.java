package dev.cagent.macos;

import dev.cagent.MacPaths;
import dev.cagent.Names;
import dev.cagent.exec.CommandException;
import dev.cagent.macos.parse.LsEntry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What several cages on one Mac share, and who takes it away. Two agents of one human may use
 * the same collaboration group and the same umask block; the record of the cage that made them
 * says so, the other's does not (they were there when it was applied). Undo of the first must
 * not take them from the second: it hands them over instead, appending its entries to the
 * record of a cage whose agent is in the same group (for the umask block, one whose record says
 * it uses the block), so that the last of them undone removes them. The state root, which holds
 * every cage's record, goes to any cage still recorded.
 *
 * <p>Handed over: the group this record created, the members it added other than its own agent
 * (the human), the umask block it added (with a copy of the backup; a block it rewrote is put
 * back by its own undo), and the directories it made that hold another cage's files (such as
 * {@code /Library/Application Support/cagent}), again and again until the last such cage. Its own
 * agent's membership, deny entries, home and workspace are its own and are taken back as usual.
 */
final class SharedByCages {

    /**
     * Directories a cage since undone made for its files, which another cage's files now need:
     * the record of that other cage takes them over, and its undo removes them last, once empty.
     */
    static final String DIRECTORIES = "shared.directories";

    /** The field naming the cage an entry was handed over from. */
    static final String FROM = "from";

    private final Context ctx;
    private final Function<StateFiles, Journal> load;
    private List<Context> others;
    private Optional<Heir> groupHeir;

    /**
     * @param ctx  the context of the cage being undone
     * @param load reads another cage's record, refusing one cagent cannot trust
     */
    SharedByCages(Context ctx, Function<StateFiles, Journal> load) {
        this.ctx = ctx;
        this.load = load;
    }

    /**
     * The writes that leave {@code entry} to another cage, or empty when this undo takes it back
     * itself: it is not shared, or no other cage uses it. The entry handed over names this cage
     * in {@link #FROM}: it is older than the other cage's own, which undo takes back first.
     */
    Optional<UndoAction> handOver(Journal.Entry entry) {
        Optional<Heir> heir = switch (entry.kind()) {
            case CollaborationGroupHandler.CREATED -> groupHeir();
            case CollaborationGroupHandler.MEMBER_ADDED -> entry.get("user").equals(ctx.agent()) ? Optional.empty() : groupHeir();
            case ShellUmaskHandler.EDITED -> addedTheBlock(entry) ? umaskHeir(entry.get("path")) : Optional.empty();
            default -> Optional.empty();
        };
        return heir.map(h -> {
            Map<String, String> fields = new LinkedHashMap<>(entry.fields());
            fields.put(FROM, ctx.agent());
            List<Op> copyBackup = new ArrayList<>();
            if (entry.kind().equals(ShellUmaskHandler.EDITED) && !Boolean.parseBoolean(entry.get("created"))) {
                Optional<String> original = ctx.view().read(entry.get("backup"));
                String backup = h.cage().state().backupOf(entry.get("path"), original.orElse(""));
                fields.put("backup", backup);
                original.ifPresent(text -> copyBackup.add(Op.root(MacCommands.writeFile(backup, text))));
            }
            List<Op> writes = new ArrayList<>(new JournalWriter(h.cage()).record(List.of(new Journal.Entry(entry.kind(), fields, entry.items()))));
            writes.addAll(copyBackup);
            return UndoAction.run(describe(entry) + " left to cage " + h.cage().agent() + ", " + h.reason() + ": undoing that cage takes it away", writes);
        });
    }

    /**
     * True when this cage's edit put the umask block in (the file had none, or no file): then the
     * block may be another cage's now. An edit that rewrote a block found there is taken back by
     * this cage, which puts the block it found back.
     */
    private boolean addedTheBlock(Journal.Entry umaskEdit) {
        return Boolean.parseBoolean(umaskEdit.get("created"))
                || ctx.view().read(umaskEdit.get("backup")).map(original -> !ShellUmaskHandler.hasBlock(original)).orElse(true);
    }

    /** A cage that takes over what this one leaves, and why it is that cage. */
    private record Heir(Context cage, String reason) {
    }

    /**
     * {@code own}, this cage's undo of {@code entry}, plus the writes that leave to other cages
     * the directories the entry made which hold a file their records name: undo keeps those
     * directories ("holds other files"), and without a hand-over nobody would remove them.
     */
    UndoAction withDirectoriesLeft(UndoAction own, Journal.Entry entry) {
        if (own.kept() != null || entry.items().isEmpty()
                || !Set.of(ClaudeCodeHookHandler.EDITED, SeatbeltProfileHandler.WRITTEN, DIRECTORIES).contains(entry.kind())) {
            return own;
        }
        Map<Context, List<String>> left = new LinkedHashMap<>();
        for (String dir : entry.items()) {
            others().stream().filter(other -> other.journal().entries().stream().anyMatch(e -> namesSomethingBelow(e, dir))).findFirst()
                    .ifPresent(other -> left.computeIfAbsent(other, k -> new ArrayList<>()).add(dir));
        }
        if (left.isEmpty()) {
            return own;
        }
        List<Op> writes = new ArrayList<>(own.writes());
        StringBuilder description = new StringBuilder(own.description());
        left.forEach((other, dirs) -> {
            writes.addAll(new JournalWriter(other).record(List.of(Journal.Entry.of(DIRECTORIES, FROM, ctx.agent()).withItems(dirs))));
            description.append("; left ").append(String.join(", ", dirs)).append(" to cage ").append(other.agent()).append(", whose files are in it");
        });
        return UndoAction.run(description.toString(), writes);
    }

    private static boolean namesSomethingBelow(Journal.Entry e, String dir) {
        return e.find("path").filter(path -> MacPaths.isBelow(path, dir)).isPresent()
                || !e.kind().equals(SharedWorkspaceHandler.TREE) && e.items().stream().anyMatch(item -> MacPaths.isBelow(item, dir));
    }

    /**
     * Removes the directories another cage left to this one, innermost first, each once it holds
     * nothing but what this undo takes away (the directories this record made, and the files it
     * created and still holds as written).
     */
    static UndoAction undoDirectories(Journal.Entry entry, Context ctx) {
        Set<String> ownDirectories = new HashSet<>();
        ctx.journal().entries().stream().filter(e -> e != entry && !e.kind().equals(SharedWorkspaceHandler.TREE)).forEach(e -> ownDirectories.addAll(e.items()));
        FileEdits.DirectoryCleanup cleanup = FileEdits.removeCreatedDirectories(entry.items(), ownDirectories, ctx);
        String what = "the directories cage " + entry.get(FROM) + " made and left to this one";
        return cleanup.writes().isEmpty() && cleanup.kept().isEmpty() ? UndoAction.nothingLeft("remove " + what)
                : UndoAction.run("removed " + what + cleanup.note(), cleanup.writes());
    }

    /** The writes that leave the state root to another cage still recorded in it; empty when there is none. */
    Optional<UndoAction> handOverStateRoot() {
        return others().stream().findFirst().map(other -> new UndoAction(
                "left " + ctx.state().root() + " to cage " + other.agent() + ", still recorded there: undoing the last cage removes it",
                new JournalWriter(other).record(List.of(Journal.Entry.of(Engine.STATE_CREATED, "root", "true"))), null));
    }

    private static String describe(Journal.Entry entry) {
        return switch (entry.kind()) {
            case CollaborationGroupHandler.CREATED -> "group " + entry.get("group");
            case CollaborationGroupHandler.MEMBER_ADDED -> entry.get("user") + "'s membership of " + entry.get("group");
            default -> "the umask block in " + entry.get("path");
        };
    }

    /** The first other cage (by name) whose record names a group this one made or joined, or whose agent is a member of it. */
    private Optional<Heir> groupHeir() {
        if (groupHeir == null) {
            Set<String> groups = ctx.journal().entries().stream()
                    .filter(e -> e.kind().equals(CollaborationGroupHandler.CREATED) || e.kind().equals(CollaborationGroupHandler.MEMBER_ADDED))
                    .map(e -> e.get("group"))
                    .collect(Collectors.toCollection(TreeSet::new));
            groupHeir = others().stream().filter(other -> groups.stream().anyMatch(group -> uses(other, group))).findFirst()
                    .map(other -> new Heir(other, "whose agent is in the same group"));
        }
        return groupHeir;
    }

    /** The first other cage (by name) whose record says it edited the same startup file or found the block there. */
    private Optional<Heir> umaskHeir(String path) {
        return others().stream()
                .filter(other -> other.journal().entries().stream().anyMatch(e -> (e.kind().equals(ShellUmaskHandler.EDITED)
                        || e.kind().equals(ShellUmaskHandler.FOUND)) && path.equals(e.fields().get("path"))))
                .findFirst().map(other -> new Heir(other, "which uses it too"));
    }

    private boolean uses(Context other, String group) {
        boolean recorded = other.journal().entries().stream()
                .anyMatch(e -> (e.kind().equals(CollaborationGroupHandler.CREATED) || e.kind().equals(CollaborationGroupHandler.MEMBER_ADDED))
                        && group.equals(e.fields().get("group")));
        return recorded || ctx.view().userIds().containsKey(other.agent()) && ctx.view().group(group).isPresent()
                && ctx.view().isMember(other.agent(), group);
    }

    /** The other cages recorded in the state root, by name; a record cagent cannot trust is nobody's heir. */
    private List<Context> others() {
        if (others == null) {
            String root = ctx.state().root();
            others = new ArrayList<>();
            ctx.view().treeWithLinks(root).stream()
                    .filter(LsEntry::isDirectory)
                    .map(e -> e.path().startsWith(root + "/") ? e.path().substring(root.length() + 1) : "")
                    .filter(name -> !name.isEmpty() && !name.contains("/") && !name.equals(ctx.agent()))
                    .sorted()
                    .forEach(name -> {
                        try {
                            StateFiles state = new StateFiles(root, Names.checkShortName("agent", name));
                            Journal journal = load.apply(state);
                            if (!journal.isEmpty()) {
                                others.add(new Context(null, ctx.view(), journal, state));
                            }
                        } catch (MachineReadException | PrivilegeException | CommandException unread) {
                            throw unread;
                        } catch (RuntimeException untrusted) {
                            // not a cage's name, not trusted (owner, mode, ACL) or not a cagent record: leave nothing to it
                        }
                    });
        }
        return others;
    }
}
