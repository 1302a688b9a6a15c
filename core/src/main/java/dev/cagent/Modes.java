package dev.cagent;

/** File mode bits: checks and the {@code ls} rendering. */
public final class Modes {

    private Modes() {
    }

    /** Checks permission bits including setuid/setgid/sticky: 0 to 07777. */
    public static int check(String field, int mode) {
        if (mode < 0 || mode > 07777) {
            throw new InvalidPlanException(field, "mode " + (mode < 0 ? Integer.toString(mode) : "0" + Integer.toOctalString(mode))
                    + " is outside 0000-7777: write it as an octal literal, e.g. 02770");
        }
        return mode;
    }

    /** Four octal digits, e.g. {@code 2770}. */
    public static String octal(int mode) {
        return String.format("%04o", mode);
    }

    /** True when any execute bit is set. */
    public static boolean anyExecute(int mode) {
        return (mode & 0111) != 0;
    }
}
