package dev.cagent.exec;

import dev.cagent.Secret;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a command reads on its standard input: plain text parts and secret parts. Its
 * {@link #toString()} and {@link #redacted()} replace every secret part by {@code ****}, so a
 * recorded or logged command never shows a password; only {@link #bytes()} materialises it.
 */
public final class Stdin {

    private static final Stdin NONE = new Stdin(List.of());

    /** A secret part and the environment variable a printed script reads it from. */
    public record SecretPart(String variable, Secret secret) {
        public SecretPart {
            Objects.requireNonNull(secret, "secret");
            if (variable == null || !variable.matches("[A-Z_][A-Z0-9_]*")) {
                throw new IllegalArgumentException("secret variable name must be upper-case letters, digits and _, was " + variable);
            }
        }

        @Override
        public String toString() {
            return "****";
        }
    }

    private final List<Object> parts; // String or SecretPart

    private Stdin(List<Object> parts) {
        this.parts = List.copyOf(parts);
    }

    /** No standard input: the child reads end-of-file at once. */
    public static Stdin none() {
        return NONE;
    }

    public static Stdin text(String text) {
        return builder().text(text).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEmpty() {
        return parts.isEmpty();
    }

    public boolean containsSecret() {
        return parts.stream().anyMatch(SecretPart.class::isInstance);
    }

    /** The bytes to write to the child, secrets included. */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            String s = part instanceof SecretPart secret ? secret.secret().reveal() : (String) part;
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** The text with every secret part shown as {@code ****}: safe to log, record or print. */
    public String redacted() {
        StringBuilder sb = new StringBuilder();
        for (Object part : parts) {
            sb.append(part instanceof SecretPart ? "****" : (String) part);
        }
        return sb.toString();
    }

    /**
     * The parts in order: each a {@code String} of plain text or a {@link SecretPart}. A script
     * renderer prints plain parts literally and secret parts as their variable.
     */
    public List<Object> parts() {
        return parts;
    }

    /** Adds the parts of {@code more} after these. */
    public Stdin followedBy(Stdin more) {
        List<Object> joined = new ArrayList<>(parts);
        joined.addAll(more.parts);
        return new Stdin(joined);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Stdin that && parts.equals(that.parts);
    }

    @Override
    public int hashCode() {
        return parts.hashCode();
    }

    @Override
    public String toString() {
        return redacted();
    }

    public static final class Builder {
        private final List<Object> parts = new ArrayList<>();

        public Builder text(String text) {
            Objects.requireNonNull(text, "text");
            if (!text.isEmpty()) {
                parts.add(text);
            }
            return this;
        }

        /** A secret part; {@code variable} names the environment variable a printed script reads it from. */
        public Builder secret(String variable, Secret secret) {
            parts.add(new SecretPart(variable, secret));
            return this;
        }

        public Stdin build() {
            return parts.isEmpty() ? NONE : new Stdin(parts);
        }
    }
}
