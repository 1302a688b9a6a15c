package dev.cagent.macos;

import dev.cagent.ClaudeCodeHook;
import dev.cagent.MacPaths;
import dev.cagent.SharedWorkspace;
import dev.cagent.claude.ClaudeHook;
import dev.cagent.claude.ClaudeSettings;
import dev.cagent.claude.SettingsParseException;
import dev.cagent.macos.parse.StatEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Claude Code {@code PostToolUse} hook that keeps the agent's files group-editable.
 *
 * <p>Looks for jq at the plan's absolute paths and refuses the plan when none is there (a hook
 * without jq would silently do nothing). Reads the settings file, refuses one that does not parse
 * (leaving it untouched), merges the hook with every other key kept, and writes it as the file's
 * owner through {@link FileEdits}, creating the settings directory when missing. Undo restores
 * the original bytes, or removes only cagent's hook entry when the file was edited since.
 */
final class ClaudeCodeHookHandler implements StepHandler<ClaudeCodeHook> {

    static final String EDITED = "hook.edited";

    @Override
    public Class<ClaudeCodeHook> stepType() {
        return ClaudeCodeHook.class;
    }

    @Override
    public Set<String> journalKinds() {
        return Set.of(EDITED);
    }

    @Override
    public void prefetch(ClaudeCodeHook step, Context ctx) {
        step.jqCandidates().forEach(ctx.view()::wantStat);
        ctx.view().wantStat(step.settingsFile());
        directoriesToCreate(step).forEach(ctx.view()::wantStat);
        if (FileEdits.noRoomForTemporary(step.settingsFile()).isEmpty()) {
            FileEdits.wantPlace(step.settingsFile(), ctx);
        }
    }

    @Override
    public List<Change> diff(ClaudeCodeHook step, Context ctx) {
        Optional<String> jq = jq(step, ctx);
        if (jq.isEmpty()) {
            ctx.refuse("jq was not found at " + String.join(", ", step.jqCandidates())
                    + ": the hook needs it to read the path Claude Code passes; install it (brew install jq, or macOS 15 ships /usr/bin/jq) or name its path with jqCandidates(...)");
            return List.of();
        }
        String file = step.settingsFile();
        Optional<String> noRoom = FileEdits.noRoomForTemporary(file);
        if (noRoom.isPresent()) {
            ctx.refuse(noRoom.get());
            return List.of();
        }
        if (step.location() == ClaudeCodeHook.Location.USER && ctx.view().readsWithoutPrivilege()) {
            // the settings directory is the agent's alone (0700): the caller's reads cannot check the hook, nor undo find it
            ctx.refuse("under the administrator prompt cagent reads the machine with " + ctx.view().executor().caller() + "'s own rights and cannot read "
                    + file + " in the agent's private settings directory: choose claudeCodeHook(Location.ROOT_OWNED) (recommended) or a sudo strategy");
            return List.of();
        }
        if (step.location() == ClaudeCodeHook.Location.ROOT_OWNED) {
            Optional<String> agents = FileEdits.agentControlled(file, ctx);
            if (agents.isPresent()) {
                ctx.refuse("the root-owned settings file " + file + " lies in " + agents.get() + ", which the agent controls: it could swap the file for a link"
                        + " and have root write through it, or simply replace it; keep it where only root writes, e.g. the default /Library/Application Support/cagent/"
                        + ctx.agent() + "/claude-settings.json (claudeCodeHook(Location.ROOT_OWNED))");
                return List.of();
            }
        }
        Optional<StatEntry> stat = ctx.view().stat(file);
        if (!FileEdits.regularFileOrMissing(file, stat, ctx)) {
            return List.of();
        }
        // a project's file in the workspace is the workspace's to hand over: the workspace step gives it to the agent first
        if (step.location() != ClaudeCodeHook.Location.PROJECT && !FileEdits.ownedBy(file, step.owner(), stat, "claudeCodeHook(...)", ctx)) {
            return List.of();
        }
        Optional<String> unsafe = FileEdits.unsafePlace(file, step.owner(), ctx);
        if (unsafe.isPresent()) {
            ctx.refuse(unsafe.get());
            return List.of();
        }
        Optional<String> current = FileEdits.read(file, step.owner(), stat, ctx);
        if (!FileEdits.exactText(file, current, ctx)) {
            return List.of();
        }
        ClaudeSettings settings;
        try {
            settings = current.map(ClaudeSettings::parse).orElse(ClaudeSettings.empty());
        } catch (SettingsParseException e) {
            ctx.refuse(file + " is not valid JSON (" + e.getMessage() + "): cagent leaves it untouched; fix it, then apply again");
            return List.of();
        }
        ClaudeSettings merged = settings.withCagentHook(jq.get());
        if (current.isPresent() && merged.equals(settings)) {
            return List.of();
        }
        List<String> newDirectories = new ArrayList<>();
        for (String dir : directoriesToCreate(step)) {
            if (ctx.view().stat(dir).isEmpty() && ctx.claimDirectory(dir)) {
                newDirectories.add(dir);
            }
        }
        Change edit = FileEdits.edit(EDITED, "Claude Code hook in " + file, file, step.owner(), fileMode(step, stat, ctx), current,
                merged.toJson(), "cagent's PostToolUse hook using " + jq.get(),
                current.isEmpty() ? "no settings file" : settings.disablesAllHooks() ? "all hooks switched off (\"disableAllHooks\": true)"
                        : settings.hasCagentHook() ? "another version of the hook" : "no cagent hook", ctx);
        List<Op> writes = new ArrayList<>();
        for (String dir : newDirectories) {
            writes.add(Op.as(directoryOwner(step), MacCommands.mkdir(dir, directoryMode(step, ctx))));
        }
        writes.addAll(edit.writes());
        Journal.Entry entry = edit.journal().get(0).withItems(newDirectories);
        return List.of(new Change(edit.subject(), edit.expected(), edit.actual(), writes, List.of(entry)));
    }

    @Override
    public UndoAction undo(Journal.Entry entry, Context ctx) {
        UndoAction file = FileEdits.undo(entry, ctx, text -> {
            try {
                ClaudeSettings settings = ClaudeSettings.parse(text);
                return settings.hasCagentHook() ? settings.withoutCagentHook().toJson() : text; // not rewritten in another layout
            } catch (SettingsParseException e) {
                throw new FileEdits.CannotTell("it is no longer valid JSON (" + e.getMessage() + "), so cagent cannot take out its hook"
                        + " (the PostToolUse entry whose command holds '" + ClaudeHook.MARKER.trim() + "')");
            }
        });
        if (file.kept() != null) {
            return file;
        }
        List<Op> writes = new ArrayList<>(file.writes());
        // the journal tells whether the settings file leaves: it does when it still holds what cagent wrote
        FileEdits.DirectoryCleanup directories = FileEdits.removeCreatedDirectories(entry.items(), Set.of(), ctx);
        writes.addAll(directories.writes());
        return UndoAction.run(file.description() + directories.note(), writes);
    }

    private static Optional<String> jq(ClaudeCodeHook step, Context ctx) {
        return step.jqCandidates().stream()
                .filter(p -> ctx.view().stat(p).map(s -> s.type() == StatEntry.FileType.FILE || s.type() == StatEntry.FileType.SYMLINK).orElse(false))
                .findFirst();
    }

    /** Directories above the settings file that cagent may have to create, outermost first. */
    private static List<String> directoriesToCreate(ClaudeCodeHook step) {
        return step.location() == ClaudeCodeHook.Location.ROOT_OWNED ? FileEdits.rootOwnedDirectories(step.settingsFile())
                : List.of(MacPaths.parent(step.settingsFile()));
    }

    private static String directoryOwner(ClaudeCodeHook step) {
        return step.owner();
    }

    /** A new settings directory's mode; in the shared workspace the workspace's directory mode. */
    private static int directoryMode(ClaudeCodeHook step, Context ctx) {
        return workspaceHolding(step, ctx).map(SharedWorkspace::directoryMode).orElse(switch (step.location()) {
            case USER -> 0700;
            case PROJECT -> 02770;
            case ROOT_OWNED -> 0755;
        });
    }

    /**
     * The settings file's mode: the one it has, or for a new file the location's; in the shared
     * workspace always the workspace's file mode, which the workspace step would otherwise put
     * back on every apply.
     */
    private static int fileMode(ClaudeCodeHook step, Optional<StatEntry> stat, Context ctx) {
        Optional<SharedWorkspace> workspace = workspaceHolding(step, ctx);
        if (workspace.isPresent()) {
            return workspace.get().fileMode();
        }
        return stat.map(StatEntry::mode).orElse(switch (step.location()) {
            case USER -> 0600;
            case PROJECT -> 0660;
            case ROOT_OWNED -> 0644;
        });
    }

    private static Optional<SharedWorkspace> workspaceHolding(ClaudeCodeHook step, Context ctx) {
        return ctx.plan().step(SharedWorkspace.class).filter(ws -> MacPaths.isBelow(step.settingsFile(), ws.path()));
    }
}
