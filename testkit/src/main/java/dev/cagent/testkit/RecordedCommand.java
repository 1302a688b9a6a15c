package dev.cagent.testkit;

import dev.cagent.exec.Command;
import dev.cagent.exec.ShellQuoting;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One command the fake Mac received, as an immutable value: who ran it, exactly what was asked
 * and what it answered. Secrets never appear: {@code stdin} is the redacted form (each secret
 * part is {@code ****}), and environment variables whose name speaks of a password, secret or
 * token are recorded as {@code ****} too.
 *
 * @param caller           the user the command ran as ({@code root} when already root)
 * @param argv             the program and its arguments
 * @param stdin            standard input with secrets shown as {@code ****}
 * @param environment      variables the command added to its environment
 * @param workingDirectory the working directory, or {@code null} when none was given
 * @param effect           whether the caller declared it a read or a write
 * @param started          true for {@link FakeMac#start}, false for {@link FakeMac#run}
 * @param exitCode         how it ended ({@code 143} when it was killed at its timeout)
 * @param stdout           what it printed on standard output
 * @param stderr           what it printed on standard error
 */
public record RecordedCommand(String caller, List<String> argv, String stdin, Map<String, String> environment,
                              String workingDirectory, Command.Effect effect, boolean started, int exitCode,
                              String stdout, String stderr) {

    public RecordedCommand {
        Objects.requireNonNull(caller, "caller");
        argv = List.copyOf(argv);
        Objects.requireNonNull(stdin, "stdin");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public boolean isWrite() {
        return effect == Command.Effect.WRITE;
    }

    /** The argv as a shell line, followed by {@code <<< 'stdin'} when there was standard input. */
    @Override
    public String toString() {
        String line = ShellQuoting.join(argv);
        return stdin.isEmpty() ? line : line + " <<< " + ShellQuoting.quote(stdin);
    }
}
