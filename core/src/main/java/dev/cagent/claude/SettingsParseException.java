package dev.cagent.claude;

/**
 * A settings file cagent cannot merge into. The message gives the line and column, what is wrong
 * and how to fix it, but never the file's text, which may hold tokens or other secrets.
 */
public class SettingsParseException extends IllegalArgumentException {

    private final int line;
    private final int column;

    public SettingsParseException(int line, int column, String problem, String fix) {
        super("settings file, line " + line + ", column " + column + ": " + problem + ". Fix: " + fix);
        this.line = line;
        this.column = column;
    }

    /** 1-based line of the problem. */
    public int line() {
        return line;
    }

    /** 1-based column where reading stopped: at the problem or just after the token that holds it. */
    public int column() {
        return column;
    }
}
