package dev.cagent.macos;

import dev.cagent.macos.parse.StatEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The writes that keep the journal on the Mac: the root-owned state directories when missing (and
 * a note that cagent made it), then the new entries appended as JSON lines ({@code tee -a}), one
 * write per step. Rewrites (rollback, a partial undo) replace the file atomically. The context's
 * journal follows what has been recorded.
 */
final class JournalWriter {

    /** What {@code tee -a} makes as root (umask 022); a rewrite of an existing journal keeps the file's mode. */
    private static final int NEW_JOURNAL_MODE = 0644;

    private final Context ctx;
    private boolean directoriesReady;

    JournalWriter(Context ctx) {
        this.ctx = ctx;
    }

    /** Appends {@code entries} ahead of the writes they describe; nothing when all are recorded already. */
    List<Op> record(List<Journal.Entry> entries) {
        Journal before = ctx.journal();
        if (before.plus(entries).entries().size() == before.entries().size()) {
            return List.of();
        }
        if (before.cutShort()) {
            // an appended line would run into the one cut short: the whole record is written anew
            return write(before.plus(entries));
        }
        List<Op> ops = new ArrayList<>();
        boolean newFile = !directoriesReady && ctx.view().stat(ctx.state().journal()).isEmpty();
        prepareDirectories(ops);
        Journal start = ctx.journal();
        Journal next = start.plus(entries);
        // a journal file starts with its header; later appends add only the new entries
        String text = newFile ? next.text() : Journal.lines(next.entries().subList(start.entries().size(), next.entries().size()));
        ops.add(Op.root(MacCommands.appendToFile(ctx.state().journal(), text)));
        ctx.journal(next);
        return ops;
    }

    /** Writes {@code journal} as the whole record, atomically, making the state directories first when needed. */
    List<Op> write(Journal journal) {
        List<Op> ops = new ArrayList<>();
        Journal next = prepareDirectories(ops).map(journal::withFirst).orElse(journal);
        int mode = ctx.view().stat(ctx.state().journal()).map(StatEntry::mode).orElse(NEW_JOURNAL_MODE);
        ops.addAll(FileEdits.replace(ctx.state().journal(), "root", mode, next.text()));
        ctx.journal(next);
        return ops;
    }

    /**
     * Adds the mkdir writes the state directories still need. When the agent's directory is new,
     * puts a {@code state.created} note in front of the context's journal and returns it: the
     * caller must write it first.
     */
    private Optional<Journal.Entry> prepareDirectories(List<Op> ops) {
        StateFiles state = ctx.state();
        Optional<Journal.Entry> created = Optional.empty();
        if (!directoriesReady) {
            boolean rootMissing = ctx.view().stat(state.root()).isEmpty();
            boolean agentMissing = ctx.view().stat(state.agentDirectory()).isEmpty();
            if (rootMissing) {
                ops.add(Op.root(MacCommands.mkdir(state.root(), StateFiles.RECORD_DIRECTORY_MODE)));
            }
            if (agentMissing) {
                ops.add(Op.root(MacCommands.mkdir(state.agentDirectory(), StateFiles.RECORD_DIRECTORY_MODE)));
                created = Optional.of(Journal.Entry.of(Engine.STATE_CREATED, "root", Boolean.toString(rootMissing)));
                ctx.journal(ctx.journal().withFirst(created.get()));
            }
            if (agentMissing || ctx.view().stat(state.backups()).isEmpty()) {
                ops.add(Op.root(MacCommands.mkdir(state.backups(), StateFiles.BACKUP_DIRECTORY_MODE)));
                ops.add(Op.root(MacCommands.chown("root", StateFiles.BACKUP_GROUP, List.of(state.backups()))));
            }
            directoriesReady = true;
        }
        return created;
    }

    /**
     * Puts the record back as it was before this run: the earlier journal, or, when there was
     * none, no state directory at all (and no state root, when this run made it).
     */
    List<Op> restore(Journal before) {
        if (!before.isEmpty()) {
            return write(before);
        }
        boolean rootCreated = ctx.journal().has(Engine.STATE_CREATED, Engine::madeStateRoot);
        List<Op> ops = new ArrayList<>();
        if (ctx.journal().isEmpty()) {
            return ops;
        }
        // the run may have stopped before making them
        ctx.view().wantStat(ctx.state().root());
        ctx.view().wantStat(ctx.state().agentDirectory());
        if (ctx.view().stat(ctx.state().agentDirectory()).isPresent()) {
            ops.add(Op.root(MacCommands.removeTree(ctx.state().agentDirectory())));
        }
        if (rootCreated && ctx.view().stat(ctx.state().root()).isPresent()) {
            ops.add(Op.root(MacCommands.removeDirectory(ctx.state().root())));
        }
        ctx.journal(before);
        return ops;
    }
}
