package dev.cagent.exec;

/** A command could not run to a normal end. Its message names the command, never a secret. */
public class CommandException extends RuntimeException {

    private final transient Command command;

    public CommandException(Command command, String message, Throwable cause) {
        super(message + ": " + command.toShellLine(), cause);
        this.command = command;
    }

    public Command command() {
        return command;
    }
}
