package dev.cagent.macos;

/**
 * A read-only command failed in a way that does not mean "missing", or did not end (a timeout):
 * cagent cannot tell what the machine holds, so it stops. Thrown before any write when it happens
 * while cagent first reads the machine; after writes began, apply reports it as the step's
 * failure and rolls back instead. The message names the command and how it failed.
 */
public class MachineReadException extends IllegalStateException {

    public MachineReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
