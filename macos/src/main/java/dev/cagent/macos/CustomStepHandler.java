package dev.cagent.macos;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.cagent.CustomStep;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandException;
import dev.cagent.exec.CommandResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;

/** Runs a third party's {@link MacStep}: its probe, its changes, and (from the journal) its undo. */
final class CustomStepHandler implements StepHandler<CustomStep> {

    static final String APPLIED = "custom.applied";
    private static final Gson GSON = new Gson();

    @Override
    public Class<CustomStep> stepType() {
        return CustomStep.class;
    }

    @Override
    public Set<String> journalKinds() {
        return Set.of(APPLIED);
    }

    @Override
    public List<Change> diff(CustomStep step, Context ctx) {
        if (!(step instanceof MacStep mac)) {
            ctx.refuse("step '" + step.describe() + "' is a " + step.getClass().getName()
                    + ", which the macOS backend cannot run: implement dev.cagent.macos.MacStep");
            return List.of();
        }
        try {
            return changesOf(mac, ctx);
        } catch (IllegalArgumentException | MachineReadException | CommandException | CancellationException e) {
            throw e; // a refusal that names the step, or the machine's own failure, which the engine reports
        } catch (RuntimeException e) {
            throw new IllegalStateException("step '" + step.describe() + "' failed: " + e, e);
        }
    }

    private static List<Change> changesOf(MacStep step, Context ctx) {
        List<CommandResult> results = new ArrayList<>();
        for (Command probe : step.probe()) {
            if (probe.isWrite()) {
                throw new IllegalArgumentException("step '" + step.describe() + "' has a probe that writes: " + probe.toShellLine());
            }
            results.add(ctx.view().executor().read(Op.root(probe)));
        }
        List<Command> changes = step.changes(results);
        if (changes.isEmpty()) {
            return List.of();
        }
        List<String> undo = new ArrayList<>();
        for (Command c : step.undo()) {
            if (!c.stdin().isEmpty()) {
                throw new IllegalArgumentException("step '" + step.describe() + "' has an undo command with standard input, which the journal cannot keep: " + c.toShellLine());
            }
            refuseContext(step, "an undo command", c);
            undo.add(GSON.toJson(c.argv()));
        }
        List<Op> writes = changes.stream().map(c -> {
            if (!c.isWrite()) {
                throw new IllegalArgumentException("step '" + step.describe() + "' lists a read among its changes: " + c.toShellLine());
            }
            refuseContext(step, "a change", c);
            return Op.root(c);
        }).toList();
        return List.of(new Change(step.describe(), "in place", "not in place", writes,
                List.of(Journal.Entry.of(APPLIED, "step", step.describe()).withItems(undo))));
    }

    /**
     * Refuses environment variables and a working directory: sudo resets the environment, the
     * preview script and the journal keep neither, so the command would not run as written.
     */
    private static void refuseContext(CustomStep step, String what, Command c) {
        if (!c.environment().isEmpty() || c.workingDirectory() != null) {
            throw new IllegalArgumentException("step '" + step.describe() + "' has " + what + " with " + (c.environment().isEmpty() ? "a working directory"
                    : "environment variables") + ", which sudo, the preview script and the journal do not carry: put absolute paths and settings in its arguments: "
                    + c.toShellLine());
        }
    }

    @Override
    public UndoAction undo(Journal.Entry entry, Context ctx) {
        List<Op> writes = new ArrayList<>();
        for (String json : entry.items()) {
            List<String> argv = GSON.fromJson(json, new TypeToken<List<String>>() { }.getType());
            writes.add(Op.root(Command.write(argv)));
        }
        return UndoAction.run("took back " + entry.get("step"), writes);
    }
}
