package dev.cagent.macos;

import dev.cagent.CustomStep;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;

import java.util.List;

/**
 * A step of your own for the macOS backend: say how to read whether it is in place, what to
 * write when it is not, and how to take it away. The backend runs all three as root, records the
 * undo commands in its journal when it changed something, and runs them on undo, in order.
 * Probe commands must be {@link Command.Effect#READ}; changes and undo must be
 * {@link Command.Effect#WRITE}.
 */
public interface MacStep extends CustomStep {

    /** Read-only commands whose results tell whether the step is in place. */
    List<Command> probe();

    /**
     * The writes needed, given the probe's results in the same order; empty when nothing is to do.
     * They run through sudo, which resets the environment: no environment or working directory
     * (refused otherwise); put absolute paths and settings in the arguments.
     */
    List<Command> changes(List<CommandResult> probed);

    /**
     * The writes that take back what {@link #changes} did. Only their argv is kept in the journal,
     * so they carry no standard input, environment or working directory (refused otherwise). They
     * must be safe to run twice ({@code rm -f}, not {@code rm}): an undo stopped half way runs
     * the step's undo again from its first command.
     */
    List<Command> undo();
}
