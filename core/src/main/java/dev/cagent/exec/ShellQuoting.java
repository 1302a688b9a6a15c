package dev.cagent.exec;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** POSIX shell quoting: what a person can paste into {@code sh} and get exactly these arguments. */
public final class ShellQuoting {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellQuoting() {
    }

    /**
     * Quotes one word: unchanged when it holds only characters no shell interprets, otherwise in
     * single quotes, with each {@code '} written as {@code '\''}. Inside single quotes nothing is
     * special: not {@code $}, not backticks, not backslashes, not newlines.
     */
    public static String quote(String word) {
        if (!word.isEmpty() && SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> words) {
        return words.stream().map(ShellQuoting::quote).collect(Collectors.joining(" "));
    }
}
