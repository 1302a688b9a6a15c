package dev.cagent.macos;

import dev.cagent.MacPaths;
import dev.cagent.ShellUmask;
import dev.cagent.macos.parse.StatEntry;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code umask} block in the human's shell startup file.
 *
 * <p>Reads the file with {@code stat} and {@code cat}. Adds the marked block once at the end (a
 * block with other content between the markers is rewritten), as the file's owner, after saving
 * a backup. Undo restores the original bytes, or, when the file was edited since, takes out just
 * the block (putting back the block it replaced, when there was one). A block found already there
 * is noted in the record ({@link #FOUND}), so that it stays while this cage uses it.
 */
final class ShellUmaskHandler implements StepHandler<ShellUmask> {

    static final String EDITED = "umask.edited";

    /**
     * A note that this cage found its block already there (another cage put it in): undoing that
     * cage then leaves the block to this one ({@link SharedByCages}). It takes nothing back itself.
     */
    static final String FOUND = "umask.found";

    @Override
    public Class<ShellUmask> stepType() {
        return ShellUmask.class;
    }

    @Override
    public Set<String> journalKinds() {
        return Set.of(EDITED, FOUND);
    }

    @Override
    public void prefetch(ShellUmask step, Context ctx) {
        ctx.view().wantStat(step.file());
        if (FileEdits.noRoomForTemporary(step.file()).isEmpty()) {
            FileEdits.wantPlace(step.file(), ctx);
        }
    }

    @Override
    public List<Change> diff(ShellUmask step, Context ctx) {
        if (!ctx.view().userIds().containsKey(step.owner())) {
            ctx.refuse("umask file owner " + step.owner() + " has no account on this machine: check human(...)");
            return List.of();
        }
        Optional<String> noRoom = FileEdits.noRoomForTemporary(step.file());
        if (noRoom.isPresent()) {
            ctx.refuse(noRoom.get());
            return List.of();
        }
        Optional<StatEntry> stat = ctx.view().stat(step.file());
        if (stat.isPresent() && stat.get().type() != StatEntry.FileType.FILE) {
            ctx.refuse(step.file() + " is " + stat.get().type().described()
                    + ", not a regular file: cagent edits only regular files; point humanUmask at the real file");
            return List.of();
        }
        if (!FileEdits.ownedBy(step.file(), step.owner(), stat, "humanUmask(...)", ctx)) {
            return List.of();
        }
        if (ctx.view().stat(MacPaths.parent(step.file())).isEmpty()) {
            ctx.refuse(step.file() + ": its directory " + MacPaths.parent(step.file()) + " does not exist; create it, or point humanUmask at the file your shell reads");
            return List.of();
        }
        Optional<String> unsafe = FileEdits.unsafePlace(step.file(), step.owner(), ctx);
        if (unsafe.isPresent()) {
            ctx.refuse(unsafe.get());
            return List.of();
        }
        Optional<String> current = FileEdits.read(step.file(), step.owner(), stat, ctx);
        if (!FileEdits.exactText(step.file(), current, ctx)) {
            return List.of();
        }
        String wanted = withBlock(current.orElse(""), step.block());
        if (current.isPresent() && current.get().equals(wanted)) {
            return notedAsUsed(step.file(), ctx) ? List.of()
                    : List.of(new Change("umask block in " + step.file(), "noted in this cage's record as used by it",
                            "already there, not in this cage's record", List.of(), List.of(Journal.Entry.of(FOUND, "path", step.file()))));
        }
        String actual = current.isEmpty() ? "no file" : blockOf(current.get()).isPresent() ? "a changed cagent block" : "no cagent block";
        return List.of(FileEdits.edit(EDITED, "umask block in " + step.file(), step.file(), step.owner(), stat.map(StatEntry::mode).orElse(0644), current, wanted,
                "umask " + step.umask() + " in a marked block", actual, ctx));
    }

    /** True when this cage's record says it edited the file or found its block there. */
    private static boolean notedAsUsed(String file, Context ctx) {
        return ctx.journal().entries().stream().anyMatch(e -> (e.kind().equals(EDITED) || e.kind().equals(FOUND)) && file.equals(e.fields().get("path")));
    }

    /**
     * Takes the edit back. When the file was edited since, only the block is: the block found
     * before the edit (another cage's, when two share the file) is put back, else the block goes.
     */
    @Override
    public UndoAction undo(Journal.Entry entry, Context ctx) {
        if (entry.kind().equals(FOUND)) {
            return UndoAction.run("dropped the note that this cage uses the umask block in " + entry.get("path"), List.of());
        }
        Optional<String> foundBlock = Boolean.parseBoolean(entry.get("created")) ? Optional.empty()
                : ctx.view().read(entry.get("backup")).flatMap(original -> blockOf(original).map(range -> original.substring(range[0], range[1])));
        return FileEdits.undo(entry, ctx, text -> {
            if (brokenBlock(text)) {
                throw new FileEdits.CannotTell("its cagent block was edited by hand (a marker line is gone), so cagent cannot tell its lines from yours"
                        + " (the umask line it added, and the marker left)");
            }
            return foundBlock.map(block -> blockOf(text).isPresent() ? withBlock(text, block) : text).orElseGet(() -> withoutBlock(text));
        });
    }

    /** The text with exactly one cagent block, at the place of an existing one or at the end. */
    static String withBlock(String text, String block) {
        Optional<int[]> existing = blockOf(text);
        if (existing.isPresent()) {
            int[] range = existing.get();
            return text.substring(0, range[0]) + block + text.substring(range[1]);
        }
        String separator = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
        return text + separator + block;
    }

    /** The text with the cagent block taken out, every other byte as it was. */
    static String withoutBlock(String text) {
        return blockOf(text).map(range -> text.substring(0, range[0]) + text.substring(range[1])).orElse(text);
    }

    /** True when the text holds a cagent block. */
    static boolean hasBlock(String text) {
        return blockOf(text).isPresent();
    }

    /**
     * Start (inclusive) and end (exclusive, after the end marker's line end) of the first block:
     * an end marker line and the nearest start marker line above it. A marker without its pair
     * (left by a hand edit) is the person's text, and never joins cagent's lines to its own.
     */
    private static Optional<int[]> blockOf(String text) {
        int start = -1;
        for (int at = 0; at < text.length(); ) {
            int newline = text.indexOf('\n', at);
            int next = newline < 0 ? text.length() : newline + 1;
            String line = text.substring(at, newline < 0 ? text.length() : newline);
            line = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (line.equals(ShellUmask.BLOCK_START)) {
                start = at;
            } else if (line.equals(ShellUmask.BLOCK_END) && start >= 0) {
                return Optional.of(new int[] {start, next});
            }
            at = next;
        }
        return Optional.empty();
    }

    /**
     * True when the remains of a block stand in the text without a whole block: a marker line
     * next to a umask line, the other marker gone (a hand edit). What is cagent's cannot be told.
     */
    private static boolean brokenBlock(String text) {
        if (blockOf(text).isPresent()) {
            return false;
        }
        List<String> lines = text.lines().map(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l).toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).equals(ShellUmask.BLOCK_START) && lines.get(i + 1).matches("umask [0-7]{3,4}")
                    || lines.get(i).matches("umask [0-7]{3,4}") && lines.get(i + 1).equals(ShellUmask.BLOCK_END)) {
                return true;
            }
        }
        return false;
    }
}
