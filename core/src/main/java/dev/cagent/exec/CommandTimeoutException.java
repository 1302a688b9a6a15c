package dev.cagent.exec;

/** The command ran longer than its timeout and was killed. */
public class CommandTimeoutException extends CommandException {
    public CommandTimeoutException(Command command) {
        super(command, "timed out after " + command.timeout().toMillis() + " ms and was killed", null);
    }
}
