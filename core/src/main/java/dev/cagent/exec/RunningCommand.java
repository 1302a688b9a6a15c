package dev.cagent.exec;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.OptionalInt;

/** A started process whose streams the host reads and writes. */
public interface RunningCommand extends AutoCloseable {

    Command command();

    /** The child's standard input. Close it to send end-of-file. */
    OutputStream stdin();

    InputStream stdout();

    InputStream stderr();

    /** Waits for the end and returns the exit code; keeps the interrupt flag if interrupted. */
    int waitFor() throws InterruptedException;

    /** Waits up to {@code timeout}; empty if still running. */
    OptionalInt waitFor(Duration timeout) throws InterruptedException;

    boolean isAlive();

    /** Ends the process (and what it started, where the runner can). */
    void destroy();

    @Override
    default void close() {
        if (isAlive()) {
            destroy();
        }
    }
}
