package dev.cagent.macos;

import dev.cagent.MacPaths;
import dev.cagent.SharedWorkspace;
import dev.cagent.macos.parse.AclEntry;
import dev.cagent.macos.parse.LsEntry;
import dev.cagent.macos.parse.StatEntry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Editing a text file the way every cagent edit goes: as the file's owner (never root in a
 * directory someone else controls), through a temporary file renamed over the original
 * (atomic), with the original saved first to cagent's root-only backups. Undo puts the exact
 * original bytes back when the file still holds what cagent wrote, and otherwise takes out only
 * cagent's part, so later edits by the person survive.
 */
final class FileEdits {

    private FileEdits() {
    }

    static String temporary(String path) {
        return path + ".cagent-new";
    }

    /**
     * Why {@code path} cannot be edited through a temporary file beside it, when it cannot: that
     * file's name or path would be longer than macOS takes.
     */
    static Optional<String> noRoomForTemporary(String path) {
        String tmp = temporary(path);
        if (MacPaths.name(tmp).length() > MacPaths.MAX_NAME_UNITS) {
            return Optional.of(path + ": its name is too long for the file cagent writes beside it first (" + MacPaths.name(tmp)
                    + ", more than " + MacPaths.MAX_NAME_UNITS + " characters); rename it, or edit it by hand");
        }
        if (tmp.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MacPaths.MAX_PATH_BYTES) {
            return Optional.of(path + ": its path is too long for the file cagent writes beside it first (" + tmp + ", more than "
                    + MacPaths.MAX_PATH_BYTES + " bytes); move it, or edit it by hand");
        }
        return Optional.empty();
    }

    /** Asks for what {@link #unsafePlace} reads, in the next batch. */
    static void wantPlace(String file, Context ctx) {
        ctx.view().wantStat(temporary(file));
        ctx.view().wantAcl(file);
        for (String dir = MacPaths.parent(file); ; dir = MacPaths.parent(dir)) {
            ctx.view().wantStat(dir);
            ctx.view().wantAcl(dir);
            if (dir.equals("/")) {
                return;
            }
        }
    }

    /**
     * Why an edit of {@code file} as {@code writer} could be steered or lose something, when it
     * could. The edit writes {@code file.cagent-new} with {@code tee}, which follows a link, and
     * renames it over the file. So nothing but a regular file (left by an edit that stopped) may
     * stand at that temporary path; and when the writer is root or the human, no one else (but
     * administrators) may add, rename or remove entries in the file's directory (sticky or not: a
     * new entry is all a link takes) nor rename a directory above it (a sticky one protects what
     * it does not own). Missing
     * directories are the ones cagent makes, as the writer. A file with other names (hard links)
     * or with ACL entries of its own would lose them to the rename. The agent writing its own
     * files needs none of this: whoever could steer it could write there anyway.
     */
    static Optional<String> unsafePlace(String file, String writer, Context ctx) {
        String tmp = temporary(file);
        Optional<StatEntry> atTemporary = ctx.view().stat(tmp);
        if (atTemporary.isPresent() && atTemporary.get().type() != StatEntry.FileType.FILE) {
            return Optional.of(tmp + " is " + atTemporary.get().type().described() + ": cagent writes the new version of " + file
                    + " there first, then renames it over; remove it, then apply again");
        }
        String parent = MacPaths.parent(file);
        Optional<StatEntry> parentStat = ctx.view().stat(parent);
        if (parentStat.isPresent() && parentStat.get().type() != StatEntry.FileType.DIRECTORY) {
            return Optional.of(file + " lies in " + parent + ", which is " + parentStat.get().type().described() + ", not a directory: name the real path instead");
        }
        if (writer.equals(ctx.agent())) {
            return Optional.empty();
        }
        Optional<LsEntry> listed = ctx.view().acl(file);
        if (listed.isPresent() && listed.get().links() > 1) {
            return Optional.of(file + " has " + listed.get().links() + " names (hard links): cagent replaces it with an edited copy, which would leave"
                    + " the other names with the old text; keep one name (a symbolic link elsewhere is fine), or make the change by hand");
        }
        List<String> own = listed.map(LsEntry::acl).orElse(List.of()).stream().filter(ace -> !ace.inherited())
                .map(ace -> ace.toChmodText(false)).toList();
        if (!own.isEmpty()) {
            return Optional.of(file + " has ACL entries of its own (" + String.join("; ", own) + "), which the edited copy renamed over it would not"
                    + " have: remove them (chmod -N), apply, then add them again; or make the change by hand");
        }
        for (String dir = parent; ; dir = MacPaths.parent(dir)) {
            Optional<StatEntry> stat = ctx.view().stat(dir);
            if (stat.isPresent()) {
                StatEntry d = stat.get();
                String fix = "; keep " + file + " in a directory that only " + writer + " (and root) can change";
                if (d.type() != StatEntry.FileType.DIRECTORY) {
                    return Optional.of(file + " lies below " + dir + ", which is " + d.type().described() + ": name the real path instead");
                }
                if (d.uid() != 0 && !d.user().equals(writer)) {
                    return Optional.of(file + " lies in " + dir + ", which belongs to " + d.user() + ": " + d.user()
                            + " could put a link where cagent writes as " + writer + fix);
                }
                int writeBits = (d.mode() & 02) | (ADMINISTRATORS.contains(d.group()) ? 0 : d.mode() & 020);
                boolean othersChangeEntries = writeBits != 0 && (dir.equals(parent) || (d.mode() & 01000) == 0);
                List<String> aclWriters = ctx.view().acl(dir).map(LsEntry::acl).orElse(List.of()).stream()
                        .filter(ace -> ace.allow() && ace.rights().stream().anyMatch(Engine.MODIFYING_RIGHTS::contains))
                        .filter(ace -> !trusted(ace.principal(), writer))
                        .map(ace -> ace.toChmodText(true)).toList();
                if (othersChangeEntries || !aclWriters.isEmpty()) {
                    return Optional.of(file + " lies in " + dir + ", where others than " + writer + " may add, rename or remove entries ("
                            + (othersChangeEntries ? "mode " + HomeDirectoryHandler.mode(d.mode()) : String.join("; ", aclWriters))
                            + "): one could put a link where cagent writes as " + writer + fix);
                }
            }
            if (dir.equals("/")) {
                return Optional.empty();
            }
        }
    }

    /** Groups whose members may become root anyway (sudo): their write access to a directory steers nothing they could not. */
    private static final Set<String> ADMINISTRATORS = Set.of("wheel", "admin");

    private static boolean trusted(AclEntry.Principal principal, String writer) {
        return principal.kind() == AclEntry.Principal.Kind.USER ? principal.name().equals(writer) || principal.name().equals("root")
                : principal.kind() == AclEntry.Principal.Kind.GROUP && ADMINISTRATORS.contains(principal.name());
    }

    /**
     * Refuses text cagent could not write back exactly: the machine's bytes are read as UTF-8, and
     * any that are not come back as U+FFFD; a NUL cannot travel in the scripts. True when the text is fine (or there is none).
     */
    static boolean exactText(String path, Optional<String> text, Context ctx) {
        if (text.isPresent() && text.get().indexOf('\uFFFD') >= 0) {
            ctx.refuse(path + " holds bytes that are not UTF-8 text (or the character U+FFFD): cagent would not write them back exactly;"
                    + " make the change by hand");
            return false;
        }
        if (text.isPresent() && text.get().indexOf('\0') >= 0) {
            // the edit travels as a shell word in the preview and the administrator prompt's script, which cannot hold NUL
            ctx.refuse(path + " holds a NUL byte, which a text file should not: cagent would not write it back exactly; make the change by hand");
            return false;
        }
        return true;
    }

    /** Writes that replace {@code path} with {@code content}, as {@code owner}, atomically. */
    static List<Op> replace(String path, String owner, int mode, String content) {
        String tmp = temporary(path);
        return List.of(
                Op.as(owner, MacCommands.writeFile(tmp, content)),
                Op.as(owner, MacCommands.chmod(mode, List.of(tmp))),
                Op.as(owner, MacCommands.move(tmp, path)));
    }

    /**
     * Refuses a file that belongs to another account than the one cagent edits it as: that
     * account could not read it, and the edit (a new file renamed over it) would take it from its
     * owner. True when the file is missing or {@code owner}'s.
     */
    static boolean ownedBy(String path, String owner, Optional<StatEntry> stat, String setting, Context ctx) {
        if (stat.isEmpty() || stat.get().user().equals(owner)) {
            return true;
        }
        ctx.refuse(path + " belongs to " + stat.get().user() + ", and cagent edits it as " + owner + ", its rightful owner: give it back first (sudo chown "
                + owner + " " + dev.cagent.exec.ShellQuoting.quote(path) + ") or point " + setting + " at " + owner + "'s own file");
        return false;
    }

    /**
     * The text of {@code path} as {@code owner} reads it (see {@link MachineView#readAs}); empty
     * when the file is missing.
     */
    static Optional<String> read(String path, String owner, Optional<StatEntry> stat, Context ctx) {
        return stat.isPresent() ? ctx.view().readAs(owner, path) : Optional.empty();
    }

    /**
     * The change that turns {@code current} (empty: no file) into {@code wanted}, written with
     * {@code mode}, with backup and the journal entry undo needs.
     */
    static Change edit(String kind, String subject, String path, String owner, int mode,
                       Optional<String> current, String wanted, String expected, String actual, Context ctx) {
        List<Op> writes = new ArrayList<>();
        // one backup per version: a later edit of a file edited since keeps the first one's
        String backup = current.map(text -> ctx.state().backupOf(path, text)).orElseGet(() -> ctx.state().backupOf(path));
        current.ifPresent(text -> writes.add(Op.root(MacCommands.writeFile(backup, text))));
        writes.addAll(replace(path, owner, mode, wanted));
        Journal.Entry entry = Journal.Entry.of(kind, "path", path, "owner", owner, "mode", HomeDirectoryHandler.mode(mode),
                "created", Boolean.toString(current.isEmpty()), "backup", backup, "written", StateFiles.digest(wanted));
        return new Change(subject, expected, actual, writes, List.of(entry));
    }

    /** Thrown by an undo's {@code removeOwnPart} when the text no longer shows which part is cagent's. */
    static final class CannotTell extends RuntimeException {
        CannotTell(String why) {
            super(why);
        }
    }

    /**
     * Takes an edit back: the original bytes when the file is as cagent left it, else
     * {@code removeOwnPart} applied to what is there now (the same text: nothing of cagent's left;
     * {@link CannotTell}: the file is kept, and the report says why). Nothing is written where
     * {@link #unsafePlace} finds the edit could be steered now.
     */
    static UndoAction undo(Journal.Entry entry, Context ctx, UnaryOperator<String> removeOwnPart) {
        String path = entry.get("path");
        String owner = entry.get("owner");
        int mode = Integer.parseInt(entry.get("mode"), 8);
        String backup = entry.get("backup");
        boolean created = Boolean.parseBoolean(entry.get("created"));
        wantPlace(path, ctx);
        Optional<String> unsafe = unsafePlace(path, owner, ctx);
        if (unsafe.isPresent()) {
            // the agent's own file is the agent's business (its home goes with the cage); root's or the human's waits for a fix
            return owner.equals(ctx.agent()) ? UndoAction.keep("cagent's part of " + path, unsafe.get().replace(", then apply again", ""))
                    : UndoAction.later("cagent's part of " + path, unsafe.get().replace("apply again", "undo again"));
        }
        List<Op> writes = new ArrayList<>();
        if (removesTemporary(path, ctx)) {
            writes.add(Op.as(owner, MacCommands.removeFile(temporary(path))));
        }
        Optional<StatEntry> stat = ctx.view().stat(path);
        // something else than a file there now is not what cagent wrote: never read through it
        Optional<String> now = stat.isPresent() && stat.get().type() == StatEntry.FileType.FILE ? ctx.view().readAs(owner, path) : Optional.empty();
        String description;
        try {
        if (stat.isPresent() && stat.get().type() != StatEntry.FileType.FILE) {
            description = "nothing of cagent's left in " + path + " (" + stat.get().type().described()
                    + " stands there now, left as it is)";
        } else if (now.isEmpty()) {
            description = "nothing of cagent's left in " + path + " (the file is gone)";
        } else if (StateFiles.digest(now.get()).equals(entry.get("written"))) {
            if (created) {
                writes.add(Op.as(owner, MacCommands.removeFile(path)));
                description = "removed " + path + ", which cagent had created";
            } else {
                Optional<String> original = ctx.view().read(backup);
                if (original.isPresent()) {
                    writes.addAll(replace(path, owner, mode, original.get()));
                    description = "restored " + path + " byte for byte from its backup";
                } else {
                    String reverted = removeOwnPart.apply(now.get());
                    writes.addAll(replace(path, owner, mode, reverted));
                    description = "took cagent's part out of " + path + " (its backup is gone, so the rest is kept as it is)";
                }
            }
        } else {
            String reverted = removeOwnPart.apply(now.get());
            if (reverted.equals(now.get())) {
                description = "nothing of cagent's left in " + path;
            } else {
                writes.addAll(replace(path, owner, mode, reverted));
                description = "took cagent's part out of " + path + " (it was edited since, so the rest is kept)";
            }
        }
        } catch (CannotTell e) {
            return UndoAction.keep("cagent's part of " + path, e.getMessage() + ": take it out by hand");
        }
        // another entry may name the same backup (the same original edited twice): it stays for that one, and goes with the record
        if (!created && ctx.view().stat(backup).isPresent()
                && ctx.journal().entries().stream().noneMatch(e -> e != entry && backup.equals(e.fields().get("backup")))) {
            writes.add(Op.root(MacCommands.removeFile(backup)));
        }
        return UndoAction.run(description, writes);
    }

    /**
     * True when undo removes what stands at the temporary file's path: a file or link left by an
     * edit that stopped part way. A directory there is someone's own, which {@code rm -f} could
     * not remove anyway.
     */
    static boolean removesTemporary(String path, Context ctx) {
        return ctx.view().stat(temporary(path)).filter(s -> !s.isDirectory()).isPresent();
    }

    /** The directory of a path. */
    static String directoryOf(String path) {
        return MacPaths.parent(path);
    }

    /**
     * Refuses a path where a file is about to be written that is not a regular file (a directory,
     * or a symbolic link that would take the write elsewhere). True when it is one or missing.
     */
    static boolean regularFileOrMissing(String path, Optional<StatEntry> stat, Context ctx) {
        if (stat.isPresent() && stat.get().type() != StatEntry.FileType.FILE) {
            ctx.refuse(path + " is " + stat.get().type().described() + ", not a regular file: move it away first");
            return false;
        }
        return true;
    }

    /**
     * The agent's home or the workspace when {@code file} lies in one of them: a root-owned file
     * there could be swapped for a link by the agent, which would have root write through it.
     */
    static Optional<String> agentControlled(String file, Context ctx) {
        List<String> places = new ArrayList<>(List.of(ctx.plan().user().home()));
        ctx.plan().step(SharedWorkspace.class).ifPresent(ws -> places.add(ws.path()));
        return places.stream().filter(place -> MacPaths.isBelow(file, place)).findFirst();
    }

    /**
     * The directories above a root-owned file that cagent may have to make, outermost first: up
     * to {@code /Library/Application Support}, which every Mac has, or else to {@code /}.
     */
    static List<String> rootOwnedDirectories(String file) {
        List<String> dirs = new ArrayList<>();
        for (String d = MacPaths.parent(file); !d.equals("/Library/Application Support") && !d.equals("/"); d = MacPaths.parent(d)) {
            dirs.add(0, d);
        }
        return dirs;
    }

    /**
     * The writes that remove the directories cagent made (outermost first in {@code created}),
     * innermost first, each once nothing is left in it but cagent's own files that this undo
     * takes away: {@code leaving}, which the caller removes itself, and every file the journal
     * says cagent created that still holds what it wrote (its undo removes it). A directory that
     * holds anything else is kept and named. Judged on the machine as read before any of this
     * undo's writes: under the administrator prompt they all run afterwards, in one script.
     */
    static DirectoryCleanup removeCreatedDirectories(List<String> created, Set<String> leaving, Context ctx) {
        Set<String> ours = new HashSet<>(leaving);
        ours.addAll(created);
        for (Journal.Entry e : ctx.journal().entries()) {
            Optional<String> path = e.find("path");
            if (path.isEmpty() || e.find("written").isEmpty() || created.stream().noneMatch(dir -> MacPaths.isBelow(path.get(), dir))) {
                continue;
            }
            if (removesTemporary(path.get(), ctx)) {
                ours.add(temporary(path.get()));
            }
            boolean createdByCagent = Boolean.parseBoolean(e.find("created").orElse("false"));
            // a link in its place is not cagent's file: never read through it
            boolean regular = ctx.view().stat(path.get()).filter(st -> st.type() == StatEntry.FileType.FILE).isPresent();
            if (createdByCagent && regular && ctx.view().readAs(e.find("owner").orElse("root"), path.get()).map(StateFiles::digest)
                    .filter(e.get("written")::equals).isPresent()) {
                ours.add(path.get());
            }
        }
        List<Op> writes = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<String> innermostFirst = new ArrayList<>(created);
        Collections.reverse(innermostFirst);
        for (String dir : innermostFirst) {
            Optional<StatEntry> stat = ctx.view().stat(dir);
            if (stat.isEmpty()) {
                continue;
            }
            if (!stat.get().isDirectory()) {
                kept.add(dir + " (" + stat.get().type().described() + " now, not the directory cagent made)");
                continue;
            }
            // links count too: rmdir refuses a directory holding anything
            boolean onlyOurs = ctx.view().treeWithLinks(dir).stream().map(LsEntry::path).allMatch(p -> p.equals(dir) || ours.contains(p));
            if (onlyOurs) {
                writes.add(Op.as(stat.get().user(), MacCommands.removeDirectory(dir)));
            } else {
                kept.add(dir + " (holds other files)");
            }
        }
        return new DirectoryCleanup(writes, kept);
    }

    /** What taking back the directories cagent made does: the writes, and the directories kept because they hold other files. */
    record DirectoryCleanup(List<Op> writes, List<String> kept) {
        DirectoryCleanup {
            writes = List.copyOf(writes);
            kept = List.copyOf(kept);
        }

        /** The kept directories for an undo's description, or nothing. */
        String note() {
            return kept.isEmpty() ? "" : "; kept " + String.join(", ", kept);
        }
    }
}
