package dev.cagent.seatbelt;

import java.util.ArrayList;
import java.util.List;

/**
 * A strict reader of the S-expressions SBPL profiles are written in, for tests: lists in
 * parentheses, symbols, strings in double quotes (with {@code \"} and {@code \\} escapes), regex
 * strings {@code #"..."}, and {@code ;} comments to the end of the line. Anything else (an
 * unbalanced parenthesis, an unterminated string, a quote inside a symbol) is an error that says
 * where. Independent of the generator: it knows nothing of what a profile should contain.
 */
final class Sexp {

    /** One node: a list, a symbol, a string or a regex string. */
    sealed interface Node permits ListNode, Symbol, Str, Regex {
    }

    record ListNode(List<Node> items) implements Node {
        ListNode {
            items = List.copyOf(items);
        }

        /** The head symbol's name, or null when the list is empty or starts with something else. */
        String head() {
            return !items.isEmpty() && items.get(0) instanceof Symbol s ? s.name() : null;
        }

        @Override
        public String toString() {
            return "(" + String.join(" ", items.stream().map(Object::toString).toList()) + ")";
        }
    }

    record Symbol(String name) implements Node {
        @Override
        public String toString() {
            return name;
        }
    }

    record Str(String value) implements Node {
        @Override
        public String toString() {
            return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    record Regex(String pattern) implements Node {
        @Override
        public String toString() {
            return "#\"" + pattern + "\"";
        }
    }

    private final String text;
    private int pos;

    private Sexp(String text) {
        this.text = text;
    }

    /** Every top-level form of {@code text}, in order. */
    static List<Node> parse(String text) {
        Sexp reader = new Sexp(text);
        List<Node> forms = new ArrayList<>();
        while (reader.skipBlanksAndComments()) {
            forms.add(reader.node());
        }
        return forms;
    }

    /** Skips blanks and comments; false at the end of the text. */
    private boolean skipBlanksAndComments() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ';') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else {
                return true;
            }
        }
        return false;
    }

    private Node node() {
        char c = text.charAt(pos);
        if (c == '(') {
            int start = pos++;
            List<Node> items = new ArrayList<>();
            while (true) {
                if (!skipBlanksAndComments()) {
                    throw error("the list opened at " + where(start) + " is never closed");
                }
                if (text.charAt(pos) == ')') {
                    pos++;
                    return new ListNode(items);
                }
                items.add(node());
            }
        }
        if (c == ')') {
            throw error("')' closes no list");
        }
        if (c == '"') {
            return new Str(string());
        }
        if (c == '#' && pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
            pos++;
            return new Regex(string());
        }
        int start = pos;
        while (pos < text.length() && !Character.isWhitespace(text.charAt(pos)) && "();".indexOf(text.charAt(pos)) < 0) {
            if (text.charAt(pos) == '"' || text.charAt(pos) == '\\') {
                throw error("'" + text.charAt(pos) + "' inside a symbol");
            }
            pos++;
        }
        return new Symbol(text.substring(start, pos));
    }

    /** A double-quoted string starting at {@code pos}, with its escapes resolved. */
    private String string() {
        int start = pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    break;
                }
                char escaped = text.charAt(pos++);
                if (escaped != '"' && escaped != '\\') {
                    throw error("unknown escape \\" + escaped);
                }
                sb.append(escaped);
            } else if (c == '\n') {
                throw error("the string opened at " + where(start) + " runs over the end of its line");
            } else {
                sb.append(c);
            }
        }
        throw error("the string opened at " + where(start) + " is never closed");
    }

    private String where(int offset) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return "line " + line + " column " + column;
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + " (at " + where(Math.min(pos, text.length())) + ")");
    }
}
