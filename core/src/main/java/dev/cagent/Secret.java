package dev.cagent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A value that must never be shown: a password. Its {@code toString()} never reveals it, its
 * equality compares in constant time and its hash code is the same for every secret, so that
 * neither logs, exceptions, previews nor hash-based collections leak it.
 *
 * <p>The only way to the characters is {@link #reveal()}, which is meant for the single place
 * that feeds the secret to a process's standard input.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Wraps a password; refuses an empty one. The characters are checked later, by whoever must pass them on. */
    public static Secret of(CharSequence value) {
        Objects.requireNonNull(value, "secret value");
        if (value.length() == 0) {
            throw new InvalidPlanException("password", "a secret must not be empty: use noPassword() for an account nobody can log in to");
        }
        return new Secret(value.toString());
    }

    /** Reads a secret from an environment variable, naming the variable (never the value) on failure. */
    public static Secret fromEnvironment(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + variable + " is not set or empty: export it first");
        }
        return new Secret(value);
    }

    /** The characters. Call it only to hand them to the process that needs them, never to print. */
    public String reveal() {
        return value;
    }

    /** The length, useful in validation messages that must not show the value. */
    public int length() {
        return value.length();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret that && MessageDigest.isEqual(units(value), units(that.value));
    }

    /** The UTF-16 code units as bytes: every text its own bytes (an encoder would turn each unpaired surrogate into '?'). */
    private static byte[] units(String text) {
        byte[] bytes = new byte[text.length() * 2];
        for (int i = 0; i < text.length(); i++) {
            bytes[2 * i] = (byte) (text.charAt(i) >> 8);
            bytes[2 * i + 1] = (byte) text.charAt(i);
        }
        return bytes;
    }

    @Override
    public int hashCode() {
        return 0x5ec12e7;
    }

    @Override
    public String toString() {
        return "Secret[hidden]";
    }
}
