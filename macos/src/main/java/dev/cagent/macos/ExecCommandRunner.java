package dev.cagent.macos;

import dev.cagent.Texts;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandException;
import dev.cagent.exec.CommandInterruptedException;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.exec.CommandStartException;
import dev.cagent.exec.CommandTimeoutException;
import dev.cagent.exec.RunningCommand;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteResultHandler;
import org.apache.commons.exec.ProcessDestroyer;
import org.apache.commons.exec.PumpStreamHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands as real processes: the only class of cagent that starts one.
 *
 * <p>{@link #run} goes through Apache commons-exec, steering clear of its traps: every argument is
 * added without quoting and without variable substitution, arguments it would trim are refused
 * first, non-zero exits are returned rather than thrown, output is captured (at most
 * {@link #DEFAULT_OUTPUT_LIMIT} bytes per stream, decoded as UTF-8) and never reaches our own
 * {@code System.out}, the child always gets a standard input of its own (the command's bytes, or
 * none at all: immediate end-of-file), and the command's variables are added to this process's
 * environment instead of replacing it.
 *
 * <p>The calling thread never waits inside commons-exec: commons-exec answers an interrupt by
 * killing only the direct child and reporting a made-up exit code. The process runs on an executor
 * thread while the caller waits for it with the command's timeout; on a timeout or an interrupt
 * the caller kills the whole process tree itself (descendants included, as far as
 * {@link ProcessHandle} can see them) and throws {@link CommandTimeoutException} or
 * {@link CommandInterruptedException}, with the interrupt flag set again.
 *
 * <p>{@link #start} hands out the child's own streams, for programs a host talks to. It uses
 * {@link ProcessBuilder}, because commons-exec closes a process's streams as soon as it ends,
 * before the host has read them.
 *
 * <p>Instances hold no mutable state: one runner may serve many threads at once.
 */
public final class ExecCommandRunner implements CommandRunner {

    /**
     * The most bytes kept of each of stdout and stderr: room for the listing of a large tree
     * ({@code ls -led} of a workspace of 100,000 files takes 12 MB with short paths, and 20 MB
     * or more with paths as long as a node_modules tree's).
     */
    public static final int DEFAULT_OUTPUT_LIMIT = 64 * 1024 * 1024;

    /** How long a killed process tree gets to release its output pipes. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(ExecCommandRunner.class);

    /** Every runner of this JVM reaches the same machine: this one. */
    private static final Object LOCAL_MACHINE = new Object() {
        @Override
        public String toString() {
            return "this Mac";
        }
    };

    private final int outputLimit;
    private final Charset processEncoding;

    public ExecCommandRunner() {
        this(DEFAULT_OUTPUT_LIMIT);
    }

    /** A runner that keeps at most {@code outputLimitBytes} of each output stream. */
    public ExecCommandRunner(int outputLimitBytes) {
        this(outputLimitBytes, nativeEncoding());
    }

    /** {@code processEncoding}: how this JVM encodes arguments, variables and paths for a new process. */
    ExecCommandRunner(int outputLimitBytes, Charset processEncoding) {
        if (outputLimitBytes <= 0) {
            throw new IllegalArgumentException("output limit must be positive, was " + outputLimitBytes + ": give a number of bytes such as " + DEFAULT_OUTPUT_LIMIT);
        }
        this.outputLimit = outputLimitBytes;
        this.processEncoding = Objects.requireNonNull(processEncoding, "processEncoding");
    }

    private static Charset nativeEncoding() {
        String name = System.getProperty("sun.jnu.encoding");
        return name != null && Charset.isSupported(name) ? Charset.forName(name) : Charset.defaultCharset();
    }

    /** One value for every runner: backends built on different runners still serialise their applies to this Mac. */
    @Override
    public Object machine() {
        return LOCAL_MACHINE;
    }

    @Override
    public CommandResult run(Command command) {
        checkPassable(command);
        if (Thread.currentThread().isInterrupted()) {
            throw new CommandInterruptedException(command, new InterruptedException("interrupted before the command started"));
        }
        log.debug("run {}", command);

        CappedOutput stdout = new CappedOutput(outputLimit);
        CappedOutput stderr = new CappedOutput(outputLimit);
        InputStream stdin = new ByteArrayInputStream(command.stdin().bytes());
        ProcessTracker tracker = new ProcessTracker();
        Completion completion = new Completion();

        DefaultExecutor.Builder<?> builder = DefaultExecutor.builder()
                .setExecuteStreamHandler(new PumpStreamHandler(stdout, stderr, stdin));
        if (command.workingDirectory() != null) {
            builder.setWorkingDirectory(Path.of(command.workingDirectory()));
        }
        DefaultExecutor executor = builder.get();
        executor.setExitValues(null);
        executor.setProcessDestroyer(tracker);

        long started = System.nanoTime();
        try {
            executor.execute(commandLine(command), environment(command), completion);
        } catch (IOException e) {
            throw new CommandStartException(command, e);
        }
        try {
            if (!completion.await(command.timeout())) {
                tracker.kill();
                awaitRelease(command, completion);
                throw new CommandTimeoutException(command);
            }
        } catch (InterruptedException e) {
            tracker.kill();
            awaitRelease(command, completion);
            Thread.currentThread().interrupt();
            throw new CommandInterruptedException(command, e);
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - started);

        if (completion.failure() != null) {
            if (!tracker.started()) {
                throw new CommandStartException(command, completion.failure());
            }
            throw new CommandException(command, "failed while running", completion.failure());
        }
        warnIfTruncated(command, "stdout", stdout);
        warnIfTruncated(command, "stderr", stderr);
        CommandResult result = new CommandResult(completion.exitValue(), stdout.text(), stderr.text(), duration);
        log.debug("exit {} after {} ms: {}", result.exitCode(), duration.toMillis(), command.toShellLine());
        return result;
    }

    /**
     * Starts the command and returns at once. Its standard input bytes, if any, are written first
     * (keep them small: they are written before this returns); the host writes the rest. The
     * command's timeout does not apply: the host decides with {@link RunningCommand#waitFor(Duration)}
     * and {@link RunningCommand#destroy()}.
     */
    @Override
    public RunningCommand start(Command command) {
        checkPassable(command);
        log.debug("start {}", command);
        ProcessBuilder builder = new ProcessBuilder(command.argv());
        builder.environment().putAll(command.environment());
        if (command.workingDirectory() != null) {
            builder.directory(new File(command.workingDirectory()));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CommandStartException(command, e);
        }
        byte[] input = command.stdin().bytes();
        if (input.length > 0) {
            try {
                process.getOutputStream().write(input);
                process.getOutputStream().flush();
            } catch (IOException e) {
                destroyTree(process);
                throw new CommandException(command, "could not write standard input", e);
            }
        }
        return new StartedProcess(command, process);
    }

    /**
     * Refuses what the launcher would silently change: commons-exec trims every argument (all
     * characters up to U+0020) and rewrites backslashes in the program path, and this JVM can
     * only pass characters its native encoding holds.
     */
    void checkPassable(Command command) {
        Objects.requireNonNull(command, "command");
        if (command.program().indexOf('\\') >= 0) {
            throw new IllegalArgumentException("program " + Texts.visible(command.program())
                    + " contains a backslash, which the process launcher would turn into '/': call it by a path without one");
        }
        List<String> argv = command.argv();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg == null || arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("argument " + i + " is null or contains a NUL byte: no process can receive it");
            }
            if (!arg.isEmpty() && (trimmable(arg.charAt(0)) || trimmable(arg.charAt(arg.length() - 1)))) {
                throw new IllegalArgumentException("argument " + i + " " + Texts.visible(arg)
                        + " starts or ends with a blank or control character, which the process launcher would strip: remove it");
            }
            checkEncodable(command, "argument " + i, arg);
        }
        command.environment().forEach((name, value) -> {
            checkEncodable(command, "environment variable " + name, name);
            checkEncodable(command, "environment variable " + name, value);
        });
        if (command.workingDirectory() != null) {
            checkEncodable(command, "working directory", command.workingDirectory());
        }
    }

    private static boolean trimmable(char c) {
        return c <= ' ' || Character.isWhitespace(c);
    }

    private void checkEncodable(Command command, String what, String text) {
        CharsetEncoder encoder = processEncoding.newEncoder();
        if (!encoder.canEncode(text)) {
            throw new CommandStartException(command, new IllegalStateException(what + " " + Texts.visible(text)
                    + " cannot be passed to a process: this JVM encodes process arguments as " + processEncoding.name()
                    + "; start Java with a UTF-8 locale (e.g. LANG=C.UTF-8)"));
        }
    }

    private static CommandLine commandLine(Command command) {
        CommandLine line = new CommandLine(command.program());
        for (String arg : command.arguments()) {
            line.addArgument(arg, false);
        }
        return line;
    }

    /** The whole environment: handing commons-exec a map replaces the inherited one. */
    private static Map<String, String> environment(Command command) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(command.environment());
        return env;
    }

    private static void awaitRelease(Command command, Completion completion) {
        if (!completion.awaitUninterruptibly(KILL_GRACE)) {
            log.warn("killed, but its output is still held open by a process outside its tree; no longer waiting: {}", command.toShellLine());
        }
    }

    private static void warnIfTruncated(Command command, String stream, CappedOutput output) {
        if (output.truncated()) {
            log.warn("{} truncated to {} of {} bytes: {}", stream, output.keptBytes(), output.totalBytes(), command.toShellLine());
        }
    }

    /**
     * Kills a process and every descendant {@link ProcessHandle} can see. The descendants are
     * listed before the parent dies: after that they belong to init and cannot be found.
     */
    private static void destroyTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /** The duration in nanoseconds, a very long one (centuries) capped instead of overflowing. */
    private static long nanos(Duration duration) {
        return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : duration.toNanos();
    }

    /** Keeps the first {@code limit} bytes written and counts the rest. */
    private static final class CappedOutput extends OutputStream {
        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long total;

        CappedOutput(int limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void write(int b) {
            total++;
            if (kept.size() < limit) {
                kept.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            total += length;
            int room = limit - kept.size();
            if (room > 0) {
                kept.write(bytes, offset, Math.min(room, length));
            }
        }

        synchronized boolean truncated() {
            return total > kept.size();
        }

        synchronized int keptBytes() {
            return kept.size();
        }

        synchronized long totalBytes() {
            return total;
        }

        /** The text, with a last line saying so when bytes were dropped: a parser stumbles on it rather than on a silently cut listing. */
        synchronized String text() {
            String text = kept.toString(StandardCharsets.UTF_8);
            return truncated()
                    ? text + "\n[cagent: output truncated: kept the first " + kept.size() + " of " + total + " bytes]\n"
                    : text;
        }
    }

    /**
     * Receives the process from commons-exec as soon as it runs (this is the hook commons-exec
     * offers for it), so that a timeout or an interrupt can kill its whole tree.
     */
    private static final class ProcessTracker implements ProcessDestroyer {
        private Process process;
        private boolean killRequested;

        @Override
        public synchronized boolean add(Process started) {
            process = started;
            if (killRequested) {
                destroyTree(started);
            }
            return true;
        }

        @Override
        public boolean remove(Process finished) {
            return true;
        }

        @Override
        public synchronized int size() {
            return process == null ? 0 : 1;
        }

        synchronized boolean started() {
            return process != null;
        }

        /** Kills the tree now, or as soon as the process is handed over if it is still being launched. */
        synchronized void kill() {
            killRequested = true;
            if (process != null) {
                destroyTree(process);
            }
        }
    }

    /** How the executor thread ended: an exit code, or the reason there is none. */
    private static final class Completion implements ExecuteResultHandler {
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile int exitValue;
        private volatile ExecuteException failure;

        @Override
        public void onProcessComplete(int exit) {
            exitValue = exit;
            done.countDown();
        }

        @Override
        public void onProcessFailed(ExecuteException e) {
            failure = e;
            done.countDown();
        }

        int exitValue() {
            return exitValue;
        }

        ExecuteException failure() {
            return failure;
        }

        boolean await(Duration timeout) throws InterruptedException {
            return done.await(nanos(timeout), TimeUnit.NANOSECONDS);
        }

        /** Waits up to {@code grace} whatever happens; an interrupt meanwhile is kept for the caller. */
        boolean awaitUninterruptibly(Duration grace) {
            long deadline = System.nanoTime() + nanos(grace);
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return done.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** A process started by {@link #start}, with its real streams. */
    private static final class StartedProcess implements RunningCommand {
        private final Command command;
        private final Process process;

        StartedProcess(Command command, Process process) {
            this.command = command;
            this.process = process;
        }

        @Override
        public Command command() {
            return command;
        }

        @Override
        public OutputStream stdin() {
            return process.getOutputStream();
        }

        @Override
        public InputStream stdout() {
            return process.getInputStream();
        }

        @Override
        public InputStream stderr() {
            return process.getErrorStream();
        }

        @Override
        public int waitFor() throws InterruptedException {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw e;
            }
        }

        @Override
        public OptionalInt waitFor(Duration timeout) throws InterruptedException {
            try {
                return process.waitFor(nanos(timeout), TimeUnit.NANOSECONDS) ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw e;
            }
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public void destroy() {
            log.debug("destroy {}", command.toShellLine());
            destroyTree(process);
        }

        @Override
        public String toString() {
            return "RunningCommand[pid " + process.pid() + ": " + command + "]";
        }
    }
}
