package dev.cagent.testkit;

/**
 * Thrown by a simulated program that does not understand its arguments, before it changes
 * anything. The machine turns it into exit 127 and {@code fake-mac: unsupported: ...}.
 */
final class Unsupported extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String detail;

    Unsupported() {
        this(null);
    }

    /** {@code detail} is added after the argv; it must not contain anything read from standard input. */
    Unsupported(String detail) {
        super(detail, null, false, false);
        this.detail = detail;
    }

    String detail() {
        return detail;
    }
}
