package dev.cagent.exec;

import java.time.Duration;
import java.util.Objects;

/** How a finished command ended: its exit code and what it printed. */
public record CommandResult(int exitCode, String stdout, String stderr, Duration duration) {

    public CommandResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(duration, "duration");
    }

    public static CommandResult of(int exitCode, String stdout, String stderr) {
        return new CommandResult(exitCode, stdout, stderr, Duration.ZERO);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }
}
