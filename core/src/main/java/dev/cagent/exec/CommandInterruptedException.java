package dev.cagent.exec;

/** The thread waiting for the command was interrupted. The interrupt flag is set again when this is thrown. */
public class CommandInterruptedException extends CommandException {
    public CommandInterruptedException(Command command, InterruptedException cause) {
        super(command, "interrupted while waiting", cause);
    }
}
