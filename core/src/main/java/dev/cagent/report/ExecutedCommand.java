package dev.cagent.report;

import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;

import java.util.Optional;

/**
 * A command that ran, with how it ended. A command that timed out or could not start has no
 * result and a {@code failure} text instead. Never holds a secret: argv has none and stdin prints redacted.
 */
public record ExecutedCommand(Command command, CommandResult result, String failure) {

    public Optional<CommandResult> resultIfFinished() {
        return Optional.ofNullable(result);
    }

    public boolean succeeded() {
        return result != null && result.succeeded();
    }

    @Override
    public String toString() {
        if (result == null) {
            return command + "  => " + failure;
        }
        String err = result.stderr().strip();
        return command + "  => exit " + result.exitCode() + (err.isEmpty() ? "" : ": " + err);
    }
}
