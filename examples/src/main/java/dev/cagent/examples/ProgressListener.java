package dev.cagent.examples;

import dev.cagent.Step;
import dev.cagent.report.ApplyListener;
import dev.cagent.report.ExecutedCommand;
import dev.cagent.report.StepReport;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Shows an apply as it runs, one line at a time, e.g. in an IDE's console or a build log:
 *
 * <pre>
 * user meeseeks ...
 *     ran: /usr/bin/sudo -n -- /usr/bin/dscl . -create /Users/meeseeks
 *     ...
 * user meeseeks: CHANGED, 13 writes
 * deny meeseeks list on /Users: UNCHANGED
 * </pre>
 *
 * A line when a step starts writing, one per write, and one with each step's outcome. Reads
 * (apply probes the machine before and after every step) are left out: they are many and change
 * nothing. Commands are shown by their arguments only; what they read on standard input (a
 * password, a journal line) is never printed.
 */
public final class ProgressListener implements ApplyListener {

    private final Consumer<String> console;

    /** @param console receives each line, without a line break; e.g. {@code System.out::println} */
    public ProgressListener(Consumer<String> console) {
        this.console = Objects.requireNonNull(console, "console");
    }

    @Override
    public void stepStarted(Step step) {
        console.accept(step.describe() + " ...");
    }

    @Override
    public void commandFinished(ExecutedCommand command) {
        if (!command.command().isWrite()) {
            return;
        }
        String line = command.command().toShellLine();
        if (command.succeeded()) {
            console.accept("    ran: " + line);
        } else {
            String why = command.resultIfFinished()
                    .map(r -> "exit " + r.exitCode() + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip().lines().findFirst().orElse("")))
                    .orElse(command.failure());
            console.accept("    FAILED: " + line + " (" + why + ")");
        }
    }

    @Override
    public void stepFinished(StepReport report) {
        String writes = report.writes() == 0 ? "" : ", " + report.writes() + (report.writes() == 1 ? " write" : " writes");
        String why = report.failureReason().map(reason -> ": " + reason.lines().findFirst().orElse("")).orElse("");
        console.accept(report.step().describe() + ": " + report.outcome() + writes + why);
    }
}
