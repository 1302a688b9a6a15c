package dev.cagent.testkit;

/** How a simulated process ended. */
record Outcome(int exit, String out, String err) {

    static Outcome ok(String out) {
        return new Outcome(0, out, "");
    }

    static Outcome fail(int exit, String err) {
        return new Outcome(exit, "", err);
    }

    boolean succeeded() {
        return exit == 0;
    }

    /** Collects a program's output while it works through its operands. */
    static final class Builder {
        private final StringBuilder out = new StringBuilder();
        private final StringBuilder err = new StringBuilder();
        private int exit;

        Builder out(String text) {
            out.append(text);
            return this;
        }

        /** Prints one line on stderr; the first failure's code becomes the exit status. */
        Builder error(int code, String line) {
            err.append(line).append('\n');
            if (exit == 0) {
                exit = code;
            }
            return this;
        }

        Outcome build() {
            return new Outcome(exit, out.toString(), err.toString());
        }
    }
}
