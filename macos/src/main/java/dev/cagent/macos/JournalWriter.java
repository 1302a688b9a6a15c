package dev.cagent.macos;

import java.util.ArrayList;
import java.util.List;

/**
 * The writes that keep the journal on the Mac: the root-only state directory when missing (and
 * a note that cagent made it), then the new entries appended as JSON lines ({@code tee -a}), one
 * write per step. Rewrites (rollback, a partial undo) replace the file atomically. The context's
 * journal follows what has been recorded.
 */
final class JournalWriter {

    private final Context ctx;
    private boolean directoriesReady;

    JournalWriter(Context ctx) {
        this.ctx = ctx;
    }

    /** Appends {@code entries} ahead of the writes they describe; nothing when all are recorded already. */
    List<Op> record(List<Journal.Entry> entries) {
        Journal before = ctx.journal();
        Journal next = before.plus(entries);
        if (next.entries().size() == before.entries().size()) {
            return List.of();
        }
        List<Journal.Entry> added = next.entries().subList(before.entries().size(), next.entries().size());
        List<Op> ops = new ArrayList<>();
        boolean fresh = prepareDirectories(ops);
        String text = Journal.lines(added);
        if (fresh) {
            Journal.Entry created = ctx.journal().entries().get(0);
            text = next.headerLine() + Journal.lines(List.of(created)) + text;
            next = next.withFirst(created);
        }
        ops.add(Op.root(MacCommands.appendToFile(ctx.state().journal(), text)));
        ctx.journal(next);
        return ops;
    }

    /** Writes {@code journal} as the whole record, atomically, making the state directories first when needed. */
    List<Op> write(Journal journal) {
        List<Op> ops = new ArrayList<>();
        Journal next = journal;
        if (prepareDirectories(ops)) {
            next = next.withFirst(ctx.journal().entries().get(0));
        }
        ops.addAll(FileEdits.replace(ctx.state().journal(), "root", 0600, next.text()));
        ctx.journal(next);
        return ops;
    }

    /**
     * Adds the mkdir writes the state directories still need. Returns true when the agent's
     * directory is new: then the context's journal starts with a {@code state.created} entry
     * that the caller must write first.
     */
    private boolean prepareDirectories(List<Op> ops) {
        StateFiles state = ctx.state();
        boolean fresh = false;
        if (!directoriesReady) {
            boolean rootMissing = ctx.view().stat(state.root()).isEmpty();
            boolean agentMissing = ctx.view().stat(state.agentDirectory()).isEmpty();
            if (rootMissing) {
                ops.add(Op.root(MacCommands.mkdir(state.root(), 0700)));
            }
            if (agentMissing) {
                ops.add(Op.root(MacCommands.mkdir(state.agentDirectory(), 0700)));
                ctx.journal(ctx.journal().withFirst(Journal.Entry.of(Engine.STATE_CREATED, "root", Boolean.toString(rootMissing))));
                fresh = true;
            }
            if (agentMissing || ctx.view().stat(state.backups()).isEmpty()) {
                ops.add(Op.root(MacCommands.mkdir(state.backups(), 0700)));
            }
            directoriesReady = true;
        }
        return fresh;
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
