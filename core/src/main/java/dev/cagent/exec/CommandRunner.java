package dev.cagent.exec;

/**
 * The port through which cagent reaches a machine: run one command, get its exit code and
 * output. The macOS backend runs real processes through it; the testkit's fake Mac answers it
 * from memory. A non-zero exit is a normal result, never an exception.
 */
public interface CommandRunner {

    /**
     * Runs the command to its end.
     *
     * @throws CommandTimeoutException if it ran longer than its timeout (it has been killed)
     * @throws CommandInterruptedException if the calling thread was interrupted (the flag stays set)
     * @throws CommandStartException if the program could not be started at all
     */
    CommandResult run(Command command);

    /**
     * The machine this runner reaches. Backends serialise changes per machine, so two applies
     * through runners of the same machine never interleave. Runners of the local machine return
     * one shared value; the default is the runner itself.
     */
    default Object machine() {
        return this;
    }

    /**
     * Starts the command and returns at once, for long-running programs a host talks to (the
     * caged agent itself). The default refuses: runners that can start processes override it.
     */
    default RunningCommand start(Command command) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot start long-running processes");
    }
}
