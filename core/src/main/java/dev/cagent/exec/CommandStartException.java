package dev.cagent.exec;

/** The program could not be started (missing, not executable). */
public class CommandStartException extends CommandException {
    public CommandStartException(Command command, Throwable cause) {
        super(command, "could not start", cause);
    }
}
