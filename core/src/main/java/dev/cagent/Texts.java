package dev.cagent;

/** Renders untrusted values inside error messages so that control characters stay visible. */
public final class Texts {

    private Texts() {
    }

    /** The value in single quotes with control characters escaped as {@code \n}, {@code \u0000}... */
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
            } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029) {
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
