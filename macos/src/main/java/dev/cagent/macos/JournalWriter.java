package dev.cagent.macos;

import java.util.ArrayList;
import java.util.List;

/**
 * The writes that keep the journal on the Mac: the root-only state directory when missing (and
 * a note that cagent made it), then the journal file replaced atomically. The context's journal
 * follows what has been recorded.
 */
final class JournalWriter {

    private final Context ctx;
    private boolean directoriesReady;

    JournalWriter(Context ctx) {
        this.ctx = ctx;
    }

    /** Records {@code entries} ahead of the writes they describe; nothing when all are recorded already. */
    List<Op> record(List<Journal.Entry> entries) {
        Journal next = ctx.journal().plus(entries);
        if (next.entries().size() == ctx.journal().entries().size()) {
            return List.of();
        }
        return write(next);
    }

    /** Writes {@code journal} as the record, making the state directories first when needed. */
    List<Op> write(Journal journal) {
        List<Op> ops = new ArrayList<>();
        StateFiles state = ctx.state();
        Journal next = journal;
        if (!directoriesReady) {
            boolean rootMissing = ctx.view().stat(state.root()).isEmpty();
            boolean agentMissing = ctx.view().stat(state.agentDirectory()).isEmpty();
            if (rootMissing) {
                ops.add(Op.root(MacCommands.mkdir(state.root(), 0700)));
            }
            if (agentMissing) {
                ops.add(Op.root(MacCommands.mkdir(state.agentDirectory(), 0700)));
                next = next.withFirst(Journal.Entry.of(Engine.STATE_CREATED, "root", Boolean.toString(rootMissing)));
            }
            if (agentMissing || ctx.view().stat(state.backups()).isEmpty()) {
                ops.add(Op.root(MacCommands.mkdir(state.backups(), 0700)));
            }
            directoriesReady = true;
        }
        ops.addAll(FileEdits.replace(state.journal(), "root", 0600, next.toJson()));
        ctx.journal(next);
        return ops;
    }

    /**
     * Puts the record back as it was before this run: the earlier journal, or, when there was
     * none, no state directory at all (and no state root, when this run made it).
     */
    List<Op> restore(Journal before) {
        if (!before.isEmpty()) {
            return write(before);
        }
        boolean rootCreated = ctx.journal().find(Engine.STATE_CREATED, e -> true).map(e -> Boolean.parseBoolean(e.get("root"))).orElse(false);
        List<Op> ops = new ArrayList<>();
        if (ctx.journal().isEmpty()) {
            return ops;
        }
        ops.add(Op.root(MacCommands.removeTree(ctx.state().agentDirectory())));
        if (rootCreated) {
            ops.add(Op.root(MacCommands.removeDirectory(ctx.state().root())));
        }
        ctx.journal(before);
        return ops;
    }
}
