package dev.cagent.macos;

import dev.cagent.HomeDirectory;
import dev.cagent.MacPaths;
import dev.cagent.SharedWorkspace;
import dev.cagent.macos.parse.StatEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The agent's home directory.
 *
 * <p>Reads {@code stat}. A missing home is made with {@code createhomedir -c -u} (run from
 * {@code /}), then owner and mode are set explicitly; because createhomedir has been seen to do
 * nothing and still exit 0, the read-back decides, and a second attempt falls back to
 * {@code mkdir} + {@code chown}. An existing home gets owner and mode converged, old values kept
 * for undo (also on a home cagent made, so that a failed apply rolls back exactly). Undo removes a home cagent created, unless the shared workspace inside it holds files:
 * then it is kept and the report says so.
 */
final class HomeDirectoryHandler implements StepHandler<HomeDirectory> {

    static final String CREATED = "home.created";
    static final String OWNER_CHANGED = "home.owner";
    static final String MODE_CHANGED = "home.mode";

    @Override
    public Class<HomeDirectory> stepType() {
        return HomeDirectory.class;
    }

    @Override
    public Set<String> journalKinds() {
        return Set.of(CREATED, OWNER_CHANGED, MODE_CHANGED);
    }

    @Override
    public void prefetch(HomeDirectory home, Context ctx) {
        ctx.view().wantStat(home.path());
    }

    @Override
    public List<Change> diff(HomeDirectory home, Context ctx) {
        String group = ctx.primaryGroupName();
        Optional<StatEntry> stat = ctx.view().stat(home.path());
        if (stat.isEmpty()) {
            // createhomedir alone first: it has been seen to do nothing and exit 0, so the read-back
            // decides; owner and mode are then converged like any existing home's, and a home still
            // missing gets the mkdir fallback
            List<Op> writes = ctx.attempt() == 1 ? List.of(Op.root(MacCommands.createHomeDir(home.owner())))
                    : List.of(Op.root(MacCommands.mkdir(home.path(), home.mode())),
                    Op.root(MacCommands.chown(home.owner(), group, List.of(home.path()))),
                    Op.root(MacCommands.chmod(home.mode(), List.of(home.path()))));
            return List.of(new Change("home " + home.path(), "directory " + home.owner() + ":" + group + " " + mode(home.mode()),
                    ctx.attempt() == 1 ? "missing" : "still missing after createhomedir", writes,
                    List.of(createdEntry(home, ctx))));
        }
        StatEntry entry = stat.get();
        if (entry.type() != StatEntry.FileType.DIRECTORY) {
            ctx.refuse("home " + home.path() + " exists but is " + entry.type().described()
                    + ", not a directory: move it away or plan another home");
            return List.of();
        }
        List<Change> changes = new ArrayList<>();
        if (entry.uid() != ctx.ids().uid() || entry.gid() != ctx.ids().primaryGid()) {
            changes.add(new Change("owner of " + home.path(), home.owner() + ":" + group, entry.user() + ":" + entry.group(),
                    List.of(Op.root(MacCommands.chown(home.owner(), group, List.of(home.path())))),
                    List.of(Journal.Entry.of(OWNER_CHANGED, "path", home.path(), "owner", entry.user(), "group", entry.group()))));
        }
        if (entry.mode() != home.mode()) {
            changes.add(new Change("mode of " + home.path(), mode(home.mode()), mode(entry.mode()),
                    List.of(Op.root(MacCommands.chmod(home.mode(), List.of(home.path())))),
                    List.of(Journal.Entry.of(MODE_CHANGED, "path", home.path(), "mode", mode(entry.mode())))));
        }
        return changes;
    }

    @Override
    public UndoAction undo(Journal.Entry entry, Context ctx) {
        String path = entry.get("path");
        if (ctx.view().stat(path).isEmpty()) {
            return UndoAction.nothingLeft("remove home " + path);
        }
        return switch (entry.kind()) {
            case CREATED -> {
                Optional<String> workspace = entry.find("workspace");
                long work;
                try {
                    work = workspace.isEmpty() || ctx.view().stat(workspace.get()).isEmpty() ? 0
                            : ctx.view().tree(workspace.get()).stream().filter(e -> !e.isDirectory() && !e.isSymlink()).count();
                } catch (MachineReadException e) {
                    yield UndoAction.keep("home " + path, "cagent cannot tell what the shared workspace in it holds (" + e.getMessage()
                            + "); save what is yours, then remove the home with: sudo rm -rf " + dev.cagent.exec.ShellQuoting.quote(path));
                }
                if (work > 0) {
                    yield UndoAction.keep("home " + path, "the shared workspace in it still holds " + work
                            + " file(s); save them, then remove the home with: sudo rm -rf " + dev.cagent.exec.ShellQuoting.quote(path));
                }
                yield UndoAction.run("removed home " + path, List.of(Op.root(MacCommands.removeTree(path))));
            }
            case OWNER_CHANGED -> UndoAction.run("restored owner of " + path + " to " + entry.get("owner") + ":" + entry.get("group"),
                    List.of(Op.root(MacCommands.chown(entry.get("owner"), entry.get("group"), List.of(path)))));
            case MODE_CHANGED -> UndoAction.run("restored mode of " + path + " to " + entry.get("mode"),
                    List.of(Op.root(MacCommands.chmod(Integer.parseInt(entry.get("mode"), 8), List.of(path)))));
            default -> throw new IllegalStateException("not a home entry: " + entry.kind());
        };
    }

    /** Remembers the home, and the workspace inside it whose files undo must not destroy. */
    private static Journal.Entry createdEntry(HomeDirectory home, Context ctx) {
        return ctx.plan().step(SharedWorkspace.class)
                .filter(ws -> MacPaths.isBelow(ws.path(), home.path()))
                .map(ws -> Journal.Entry.of(CREATED, "path", home.path(), "workspace", ws.path()))
                .orElse(Journal.Entry.of(CREATED, "path", home.path()));
    }

    static String mode(int mode) {
        return String.format("%04o", mode);
    }
}
