package dev.cagent.macos;

import dev.cagent.report.ExecutedCommand;

import java.util.Optional;

/**
 * A read-only command failed in a way that does not mean "missing", did not end (a timeout), or
 * printed what cagent cannot read safely (garbled, cut short, a name holding a newline): cagent
 * cannot tell what the machine holds, so it stops. Thrown before any write when it happens while
 * cagent first reads the machine; after writes began, apply reports it as the step's failure and
 * rolls back instead, and undo reports it as its failure and keeps the record of what is left to
 * take back. The message names the command and how it failed.
 */
public class MachineReadException extends IllegalStateException {

    private final transient ExecutedCommand read;

    public MachineReadException(String message, Throwable cause) {
        this(message, cause, null);
    }

    MachineReadException(String message, Throwable cause, ExecutedCommand read) {
        super(message, cause);
        this.read = read;
    }

    /** The read that failed, as it ran, for undo's report; empty when not known. */
    Optional<ExecutedCommand> read() {
        return Optional.ofNullable(read);
    }
}
