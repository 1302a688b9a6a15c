package dev.cagent.macos;

import dev.cagent.SeatbeltProfile;
import dev.cagent.macos.parse.StatEntry;
import dev.cagent.seatbelt.SeatbeltPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Seatbelt profile, the cage's second wall: a root-owned file {@code sandbox-exec} reads when
 * the launcher starts a program in the cage.
 *
 * <p>Refuses, before any write, a Mac without {@code /usr/bin/sandbox-exec} (the launcher never
 * starts a program without it, so the cage would start nothing), a profile in the agent's home
 * or workspace (the agent could swap it), and a path that holds something other than a
 * root-owned regular file. Writes {@link SeatbeltPolicy#render}'s text as root through a
 * temporary file renamed over the old one, mode 0644 (programs running as the agent read it, only
 * root writes it), making missing directories root-owned 0755 (a directory the root-owned Claude
 * settings also need is made once). Another text or mode is drift, which apply repairs: whatever
 * was there before is kept in a backup of its own version first. Undo puts back, write by write,
 * exactly what was there before: it removes a profile cagent created, restores a replaced file
 * byte for byte with its mode, and removes the directories it made once nothing else is in them.
 */
final class SeatbeltProfileHandler implements StepHandler<SeatbeltProfile> {

    static final String WRITTEN = "seatbelt.written";

    /** Root writes, everyone reads: sandbox-exec reads the profile with the agent's rights. */
    static final int MODE = 0644;

    private static final int DIRECTORY_MODE = 0755;
    private static final String ROOT = "root";

    @Override
    public Class<SeatbeltProfile> stepType() {
        return SeatbeltProfile.class;
    }

    @Override
    public Set<String> journalKinds() {
        return Set.of(WRITTEN);
    }

    @Override
    public void prefetch(SeatbeltProfile step, Context ctx) {
        ctx.view().wantStat(MacCommands.SANDBOX_EXEC);
        ctx.view().wantStat(step.profileFile());
        FileEdits.rootOwnedDirectories(step.profileFile()).forEach(ctx.view()::wantStat);
        FileEdits.wantPlace(step.profileFile(), ctx);
    }

    @Override
    public List<Change> diff(SeatbeltProfile step, Context ctx) {
        if (ctx.view().stat(MacCommands.SANDBOX_EXEC).isEmpty()) {
            ctx.refuse(MacCommands.SANDBOX_EXEC + " is missing on this Mac, and the launcher never starts a program in the cage without it:"
                    + " leave out seatbelt() to rely on the ACLs alone");
            return List.of();
        }
        String file = step.profileFile();
        Optional<String> agents = FileEdits.agentControlled(file, ctx);
        if (agents.isPresent()) {
            ctx.refuse("the Seatbelt profile " + file + " lies in " + agents.get() + ", which the agent controls: it could replace the profile"
                    + " or swap it for a link that has root write elsewhere; keep it where only root writes, e.g. the default /Library/Application Support/cagent/"
                    + ctx.agent() + "/" + SeatbeltProfile.FILE_NAME);
            return List.of();
        }
        Optional<StatEntry> stat = ctx.view().stat(file);
        if (!FileEdits.regularFileOrMissing(file, stat, ctx) || !FileEdits.ownedBy(file, ROOT, stat, "seatbeltProfileFile(...)", ctx)) {
            return List.of();
        }
        Optional<String> unsafe = FileEdits.unsafePlace(file, ROOT, ctx);
        if (unsafe.isPresent()) {
            ctx.refuse(unsafe.get());
            return List.of();
        }
        String wanted = SeatbeltPolicy.render(step);
        Optional<String> current = FileEdits.read(file, ROOT, stat, ctx);
        if (!FileEdits.exactText(file, current, ctx)) {
            return List.of();
        }
        boolean sameText = current.isPresent() && current.get().equals(wanted);
        if (sameText && stat.get().mode() == MODE) {
            return List.of();
        }
        List<String> newDirectories = new ArrayList<>();
        for (String dir : FileEdits.rootOwnedDirectories(file)) {
            if (ctx.view().stat(dir).isEmpty() && ctx.claimDirectory(dir)) {
                newDirectories.add(dir);
            }
        }
        List<Op> writes = new ArrayList<>();
        newDirectories.forEach(dir -> writes.add(Op.root(MacCommands.mkdir(dir, DIRECTORY_MODE))));
        String backup = current.map(text -> ctx.state().backupOf(file, text)).orElse("");
        current.ifPresent(text -> writes.add(Op.root(MacCommands.writeFile(backup, text))));
        writes.addAll(FileEdits.replace(file, ROOT, MODE, wanted));
        Journal.Entry entry = Journal.Entry.of(WRITTEN, "path", file, "owner", ROOT, "created", Boolean.toString(current.isEmpty()),
                "mode", HomeDirectoryHandler.mode(stat.map(StatEntry::mode).orElse(MODE)), "backup", backup, "written", StateFiles.digest(wanted))
                .withItems(newDirectories);
        String actual = current.isEmpty() ? "missing" : !sameText ? "another text (edited, or an earlier plan's)"
                : "mode " + HomeDirectoryHandler.mode(stat.get().mode());
        return List.of(new Change("Seatbelt profile " + file, "this plan's profile, root-owned " + HomeDirectoryHandler.mode(MODE), actual,
                writes, List.of(entry)));
    }

    @Override
    public UndoAction undo(Journal.Entry entry, Context ctx) {
        String path = entry.get("path");
        Optional<StatEntry> stat = ctx.view().stat(path);
        if (stat.isPresent() && stat.get().type() != StatEntry.FileType.FILE) {
            return UndoAction.keep(path, "it is a " + stat.get().type().toString().toLowerCase() + " now, not the profile cagent wrote: move it away, then undo again");
        }
        List<Op> writes = new ArrayList<>();
        if (ctx.view().stat(FileEdits.temporary(path)).isPresent()) {
            writes.add(Op.root(MacCommands.removeFile(FileEdits.temporary(path))));
        }
        boolean edited = stat.isPresent() && !ctx.view().readAs(ROOT, path).map(StateFiles::digest).orElse("").equals(entry.get("written"));
        String since = edited ? " (edited since)" : "";
        String description;
        if (Boolean.parseBoolean(entry.get("created"))) {
            if (stat.isPresent()) {
                writes.add(Op.root(MacCommands.removeFile(path)));
                description = "removed the Seatbelt profile " + path + ", which cagent had created" + since;
            } else {
                description = "the Seatbelt profile " + path + " is gone already";
            }
        } else {
            String backup = entry.get("backup");
            Optional<String> original = ctx.view().read(backup);
            if (original.isEmpty()) {
                // someone removed it (an entry never removes a backup another entry names)
                return UndoAction.keep("Seatbelt profile " + path, "its backup " + backup + " is gone: the file stays as it is now"
                        + (edited ? "" : ", cagent's profile; restore the earlier one by hand if you had one"));
            }
            writes.addAll(FileEdits.replace(path, ROOT, Integer.parseInt(entry.get("mode"), 8), original.get()));
            if (ctx.journal().entries().stream().noneMatch(e -> e != entry && backup.equals(e.fields().get("backup")))) {
                writes.add(Op.root(MacCommands.removeFile(backup)));
            }
            description = "restored " + path + " byte for byte from its backup" + since;
        }
        FileEdits.DirectoryCleanup directories = FileEdits.removeCreatedDirectories(entry.items(), Set.of(path, FileEdits.temporary(path)), ctx);
        writes.addAll(directories.writes());
        return UndoAction.run(description + directories.note(), writes);
    }
}
