package dev.cagent.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One process to run: an argv list (no shell ever parses it), optional standard input, variables
 * added to the environment, a working directory, a timeout, and whether it changes the machine.
 *
 * <p>Every argument is checked when the command is built: no {@code null}, no NUL byte, no
 * blank or control character at either end (the process launcher trims them: commons-exec's
 * {@code CommandLine.Argument} calls {@link String#trim()}, which drops every character up to
 * U+0020), and the program must be an absolute path.
 */
public record Command(List<String> argv, Stdin stdin, Map<String, String> environment,
                      String workingDirectory, Duration timeout, Effect effect) {

    /** Whether a command only reads the machine or changes it. */
    public enum Effect {
        /** Reads state; safe to run during preview, verify and probes. */
        READ,
        /** Changes the machine. */
        WRITE
    }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public Command {
        Objects.requireNonNull(argv, "argv");
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(effect, "effect");
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least a program");
        }
        for (int i = 0; i < argv.size(); i++) {
            checkArgument(argv.get(i), i);
        }
        if (!argv.get(0).startsWith("/")) {
            throw new IllegalArgumentException("program '" + argv.get(0) + "' must be an absolute path, so that no PATH lookup decides what runs");
        }
        environment = Map.copyOf(new LinkedHashMap<>(environment));
        environment.forEach((k, v) -> {
            if (k.isEmpty() || k.contains("=") || k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable '" + k + "' has an invalid name or value");
            }
        });
        if (workingDirectory != null && !workingDirectory.startsWith("/")) {
            throw new IllegalArgumentException("working directory '" + workingDirectory + "' must be absolute");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    private static void checkArgument(String arg, int index) {
        if (arg == null) {
            throw new IllegalArgumentException("argument " + index + " is null");
        }
        if (arg.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("argument " + index + " contains a NUL byte, which no process can receive");
        }
        if (!arg.isEmpty() && (arg.charAt(0) <= ' ' || arg.charAt(arg.length() - 1) <= ' ')) {
            throw new IllegalArgumentException("argument " + index + " " + dev.cagent.Texts.visible(arg)
                    + " has a blank or control character at one end, which the process launcher would strip");
        }
    }

    /** A read-only command with the default timeout. */
    public static Command read(String... argv) {
        return new Command(List.of(argv), Stdin.none(), Map.of(), null, DEFAULT_TIMEOUT, Effect.READ);
    }

    /** A command that changes the machine, with the default timeout. */
    public static Command write(String... argv) {
        return new Command(List.of(argv), Stdin.none(), Map.of(), null, DEFAULT_TIMEOUT, Effect.WRITE);
    }

    public static Command read(List<String> argv) {
        return new Command(argv, Stdin.none(), Map.of(), null, DEFAULT_TIMEOUT, Effect.READ);
    }

    public static Command write(List<String> argv) {
        return new Command(argv, Stdin.none(), Map.of(), null, DEFAULT_TIMEOUT, Effect.WRITE);
    }

    public String program() {
        return argv.get(0);
    }

    public List<String> arguments() {
        return argv.subList(1, argv.size());
    }

    public boolean isWrite() {
        return effect == Effect.WRITE;
    }

    public Command withStdin(Stdin newStdin) {
        return new Command(argv, newStdin, environment, workingDirectory, timeout, effect);
    }

    public Command withTimeout(Duration newTimeout) {
        return new Command(argv, stdin, environment, workingDirectory, newTimeout, effect);
    }

    public Command withWorkingDirectory(String directory) {
        return new Command(argv, stdin, environment, directory, timeout, effect);
    }

    public Command withEnvironment(Map<String, String> added) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(added);
        return new Command(argv, stdin, env, workingDirectory, timeout, effect);
    }

    /** This command run through {@code prefix} (for example {@code sudo -n --}). */
    public Command prefixedWith(List<String> prefix) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(argv);
        return new Command(all, stdin, environment, workingDirectory, timeout, effect);
    }

    /** The argv as one line, each argument shell-quoted where needed. Secrets never appear in argv. */
    public String toShellLine() {
        return ShellQuoting.join(argv);
    }

    @Override
    public String toString() {
        String line = toShellLine();
        return stdin.isEmpty() ? line : line + " <<< " + ShellQuoting.quote(stdin.redacted());
    }
}
