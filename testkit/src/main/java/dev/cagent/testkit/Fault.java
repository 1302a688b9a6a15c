package dev.cagent.testkit;

import java.util.Objects;

/**
 * How a command scripted to fail through {@link Faults} fails. A faulted command changes nothing.
 */
public sealed interface Fault {

    /** The command ends with {@code code} and prints {@code stderr} (a newline is added when missing). */
    static Fault exit(int code, String stderr) {
        return new Exit(code, stderr);
    }

    /**
     * The command ends with exit 1 and the text the real program prints when the kernel refuses
     * with EPERM (for example {@code chown: PATH: Operation not permitted}), as SIP does.
     */
    static Fault operationNotPermitted() {
        return new OperationNotPermitted();
    }

    /** The command hangs past its timeout: {@code run} throws {@link dev.cagent.exec.CommandTimeoutException}. */
    static Fault timeout() {
        return new Timeout();
    }

    /** See {@link Fault#exit(int, String)}. */
    record Exit(int code, String stderr) implements Fault {
        public Exit {
            Objects.requireNonNull(stderr, "stderr");
            if (code == 0) {
                throw new IllegalArgumentException("a fault must fail: give a non-zero exit code, e.g. 1");
            }
            if (code < 0 || code > 255) {
                throw new IllegalArgumentException("exit code " + code + " is outside 1-255, which a process cannot report");
            }
        }
    }

    /** See {@link Fault#operationNotPermitted()}. */
    record OperationNotPermitted() implements Fault {
    }

    /** See {@link Fault#timeout()}. */
    record Timeout() implements Fault {
    }
}
