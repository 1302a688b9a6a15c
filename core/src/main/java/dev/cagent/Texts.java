package dev.cagent;

/** Recognises characters that change how text reads, and renders untrusted values so that they stay visible. */
public final class Texts {

    private Texts() {
    }

    /**
     * True for characters that are never text in a name or path: C0 and C1 controls, DEL, the
     * line and paragraph separators, and the bidirectional controls (U+061C, U+200E, U+200F,
     * U+202A-U+202E, U+2066-U+2069), which make a preview script or an error message read
     * differently from what it does.
     */
    static boolean isControl(int cp) {
        return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029
                || cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
    }

    /** The index of the first {@link #isControl control character} in {@code s}, or -1. */
    public static int firstControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isControl(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The value in single quotes with {@link #isControl control characters} escaped as {@code \n}, {@code \u0000}... */
    public static String visible(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("'");
        value.codePoints().forEach(cp -> {
            if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (isControl(cp)) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('\'').toString();
    }

    static String codePoint(int cp) {
        return String.format("U+%04X", cp);
    }
}
