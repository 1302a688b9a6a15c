package dev.cagent;

import java.util.Objects;

/**
 * The agent account's password: none (the recommended default: nobody can log in as the agent,
 * root can still start processes as it through sudo) or a {@link Secret}.
 */
public sealed interface Password {

    static Password none() {
        return None.INSTANCE;
    }

    /**
     * A password, checked here so that it can be passed to {@code dscl} on standard input without
     * being altered: printable ASCII, no {@code "} and no {@code \}, at most 255 characters. The
     * error never shows the password, only the position and kind of the refused character.
     */
    static Password of(Secret secret) {
        return new Given(secret);
    }

    /** Refuses a password that cannot reach dscl unaltered, naming the character and the fix. */
    private static void check(Secret secret) {
        Objects.requireNonNull(secret, "password");
        String value = secret.reveal();
        if (value.length() > 255) {
            throw new InvalidPlanException("password", "password is longer than 255 characters: choose a shorter one");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String problem = null;
            if (c < 0x20 || c == 0x7f) {
                problem = "a control character";
            } else if (c > 0x7e) {
                problem = "a non-ASCII character";
            } else if (c == '"' || c == '\\') {
                problem = "'" + c + "', which dscl's input parser would interpret";
            }
            if (problem != null) {
                throw new InvalidPlanException("password", "the password's character at position " + (i + 1) + " is " + problem
                        + ": it cannot be passed to dscl unaltered, so it is refused rather than mangled; choose a password of printable ASCII without \" and \\ (or, better, no password)");
            }
        }
        if (!value.strip().equals(value)) {
            throw new InvalidPlanException("password", "the password starts or ends with a blank, which is easy to lose on the way: remove it");
        }
    }

    final class None implements Password {
        private static final None INSTANCE = new None();

        private None() {
        }

        @Override
        public String toString() {
            return "none";
        }
    }

    record Given(Secret secret) implements Password {
        public Given {
            check(secret);
        }

        @Override
        public String toString() {
            return "set (hidden)";
        }
    }
}
