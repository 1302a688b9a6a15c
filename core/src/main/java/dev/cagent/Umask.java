package dev.cagent;

import java.util.regex.Pattern;

/** A file-creation mask such as {@code 002}. */
public record Umask(int bits) {

    private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3}");

    public Umask {
        if (bits < 0 || bits > 0777) {
            throw new InvalidPlanException("umask", "umask " + Integer.toOctalString(bits) + " is outside 000-777");
        }
    }

    /** Parses {@code "002"} or {@code "0002"}. */
    public static Umask parse(String text) {
        if (text == null || !OCTAL.matcher(text).matches()) {
            throw new InvalidPlanException("umask", "umask " + Texts.visible(text) + " is not three octal digits: write it like 002");
        }
        return new Umask(Integer.parseInt(text, 8));
    }

    /** Three octal digits, as a shell's {@code umask} prints them. */
    public String octal() {
        return String.format("%03o", bits);
    }

    /** True when files created under this mask are writable by their group. */
    public boolean keepsGroupWrite() {
        return (bits & 020) == 0;
    }

    @Override
    public String toString() {
        return octal();
    }
}
