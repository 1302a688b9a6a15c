package dev.cagent.claude;

import com.google.gson.FormattingStyle;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import com.google.gson.stream.MalformedJsonException;

import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict JSON in and out of a {@link JsonValue} tree with Gson's streaming reader and writer.
 * Besides RFC 8259 it refuses what would make a merge lose or misread data: duplicate names (a
 * reader keeps only one of them), unpaired surrogates (UTF-8 cannot store them), and a
 * {@code hooks} / {@code hooks.PostToolUse} of another type than Claude Code expects.
 */
final class SettingsJson {

    private static final String FIX_SYNTAX = "correct the file so that it is strict JSON (check it with: jq . FILE), or move it away to start afresh; it was left untouched";

    /** Gson's messages by their fixed beginnings, in our words: some of Gson's quote the file. */
    private static final Map<String, String> GSON_PROBLEMS = Map.ofEntries(
            Map.entry("Use JsonReader.setStrictness", "this is not strict JSON (comments, trailing commas, single quotes, unquoted names or values, or text after the end)"),
            Map.entry("Expected name", "a member name is missing (a trailing comma before '}'?)"),
            Map.entry("Expected ':'", "a ':' is missing after a member name"),
            Map.entry("Expected value", "a value is missing"),
            Map.entry("Unterminated string", "a string is not closed"),
            Map.entry("Unterminated object", "an object is not closed, or a ',' is missing between its members"),
            Map.entry("Unterminated array", "an array is not closed, or a ',' is missing between its elements"),
            Map.entry("Unterminated escape sequence", "a string ends inside an escape"),
            Map.entry("Unescaped control characters", "a string holds a raw control character: write it escaped, e.g. \\n"),
            Map.entry("Invalid escape sequence", "a string holds an invalid escape"),
            Map.entry("Malformed Unicode escape", "a string holds an invalid \\u escape"),
            Map.entry("Nesting limit", "the JSON is nested too deeply"));

    private static final Pattern POSITION = Pattern.compile(" at line (\\d+) column (\\d+)");

    private SettingsJson() {
    }

    /** Where in the settings a value sits, as far as cagent cares: the hooks it edits have a fixed type. */
    private enum Place {
        TOP, HOOKS, POST_TOOL_USE, OTHER;

        Place child(String name) {
            if (this == TOP && name.equals("hooks")) {
                return HOOKS;
            }
            if (this == HOOKS && name.equals("PostToolUse")) {
                return POST_TOOL_USE;
            }
            return OTHER;
        }
    }

    static JsonValue.Obj read(String text) {
        if (text.startsWith("\uFEFF")) {
            // the JSON reader skips it, so the file would be written back without it
            throw new SettingsParseException(1, 1, "the file starts with a byte order mark (U+FEFF), which JSON texts must not carry",
                    "save the file as UTF-8 without a BOM");
        }
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        try {
            JsonToken first = reader.peek();
            if (first != JsonToken.BEGIN_OBJECT) {
                throw refusal(reader, "the top level is " + describe(first) + ", not an object",
                        "a Claude Code settings file is one JSON object: { ... }");
            }
            JsonValue.Obj root = readObject(reader, Place.TOP);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw refusal(reader, "there is more after the top-level object", FIX_SYNTAX);
            }
            return root;
        } catch (EOFException e) {
            String problem = text.isBlank() ? "the file is empty" : "the file ends early: an object or array is not closed";
            throw gsonRefusal(e, problem, text.isBlank() ? "write {} into it, or delete it and let cagent create it" : FIX_SYNTAX);
        } catch (MalformedJsonException e) {
            String problem = GSON_PROBLEMS.entrySet().stream().filter(p -> e.getMessage().startsWith(p.getKey()))
                    .map(Map.Entry::getValue).findFirst().orElse("this is not valid JSON");
            throw gsonRefusal(e, problem, FIX_SYNTAX);
        } catch (IOException e) {
            throw new UncheckedIOException("reading from a string failed", e);
        }
    }

    private static JsonValue readValue(JsonReader reader, Place place) throws IOException {
        JsonToken token = reader.peek();
        if (place == Place.HOOKS && token != JsonToken.BEGIN_OBJECT) {
            throw refusal(reader, "\"hooks\" is " + describe(token) + ", not an object",
                    "make it an object of hook events, e.g. \"hooks\": {\"PostToolUse\": []}, or remove it");
        }
        if (place == Place.POST_TOOL_USE && token != JsonToken.BEGIN_ARRAY) {
            throw refusal(reader, "\"hooks\".\"PostToolUse\" is " + describe(token) + ", not an array",
                    "make it an array of matcher groups, e.g. \"PostToolUse\": [], or remove it");
        }
        return switch (token) {
            case BEGIN_OBJECT -> readObject(reader, place);
            case BEGIN_ARRAY -> readArray(reader);
            case STRING -> new JsonValue.Str(readString(reader, reader.nextString()));
            case NUMBER -> new JsonValue.Num(reader.nextString());
            case BOOLEAN -> new JsonValue.Bool(reader.nextBoolean());
            case NULL -> {
                reader.nextNull();
                yield new JsonValue.Null();
            }
            default -> throw new IllegalStateException("unexpected token " + token);
        };
    }

    private static JsonValue.Obj readObject(JsonReader reader, Place place) throws IOException {
        List<JsonValue.Member> members = new ArrayList<>();
        Set<String> names = new HashSet<>();
        reader.beginObject();
        while (reader.hasNext()) {
            String name = readString(reader, reader.nextName());
            if (!names.add(name)) {
                throw refusal(reader, "a member name appears twice in the same object (readers keep only one of the two values)",
                        "remove or rename one of them; names are compared after unescaping");
            }
            members.add(new JsonValue.Member(name, readValue(reader, place.child(name))));
        }
        reader.endObject();
        return new JsonValue.Obj(members);
    }

    private static JsonValue.Arr readArray(JsonReader reader) throws IOException {
        List<JsonValue> elements = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) {
            elements.add(readValue(reader, Place.OTHER));
        }
        reader.endArray();
        return new JsonValue.Arr(elements);
    }

    /** The string as read, refused when it holds half of a surrogate pair, which UTF-8 cannot store. */
    private static String readString(JsonReader reader, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
            if (paired) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw refusal(reader, "a string holds an unpaired surrogate escape (\\ud800-\\udfff alone), which UTF-8 cannot store",
                        "escape the character as a complete pair, or remove it");
            }
        }
        return value;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_ARRAY -> "an array";
            case BEGIN_OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "missing";
        };
    }

    private static SettingsParseException refusal(JsonReader reader, String problem, String fix) {
        return atPosition(reader.toString(), problem, fix);
    }

    private static SettingsParseException gsonRefusal(IOException e, String problem, String fix) {
        return atPosition(e.getMessage(), problem, fix);
    }

    /** Gson states positions only in its texts ({@code "... at line 3 column 7 path ..."}); the first match is the position. */
    private static SettingsParseException atPosition(String gsonText, String problem, String fix) {
        Matcher m = POSITION.matcher(gsonText == null ? "" : gsonText);
        if (!m.find()) {
            throw new IllegalStateException("Gson stated no position: " + problem);
        }
        return new SettingsParseException(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), problem, fix);
    }

    /** How a file is laid out, kept so that a rewritten file looks like the original. */
    record Format(String indent, String newline, boolean finalNewline) {

        /** Claude Code's own style: two spaces, LF, a final newline. */
        static final Format DEFAULT = new Format("  ", "\n", true);

        /** The indentation unit (tab, or the narrowest run of spaces), line ending and final newline of {@code text}. */
        static Format of(String text) {
            // mixed line ends: the more frequent wins (the whole text is written anew in one style)
            int crlf = text.split("\r\n", -1).length - 1;
            int lf = text.split("\n", -1).length - 1 - crlf;
            String newline = crlf > lf ? "\r\n" : "\n";
            boolean finalNewline = text.isEmpty() ? DEFAULT.finalNewline : text.endsWith("\n");
            String indent = null;
            for (String line : text.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                if (line.charAt(0) == '\t') {
                    indent = indent == null ? "\t" : indent;
                } else if (line.charAt(0) == ' ') {
                    int width = 0;
                    while (width < line.length() && line.charAt(width) == ' ') {
                        width++;
                    }
                    if (indent == null || (!indent.equals("\t") && width < indent.length())) {
                        indent = " ".repeat(width);
                    }
                }
            }
            return new Format(indent == null ? DEFAULT.indent : indent, newline, finalNewline);
        }
    }

    static String write(JsonValue.Obj root, Format format) {
        StringWriter out = new StringWriter();
        JsonWriter writer = new JsonWriter(out);
        writer.setStrictness(Strictness.STRICT);
        writer.setHtmlSafe(false);
        writer.setSerializeNulls(true);
        writer.setFormattingStyle(FormattingStyle.PRETTY.withIndent(format.indent()).withNewline(format.newline()));
        try {
            write(writer, root);
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string failed", e);
        }
        return out + (format.finalNewline() ? format.newline() : "");
    }

    private static void write(JsonWriter writer, JsonValue value) throws IOException {
        if (value instanceof JsonValue.Obj obj) {
            writer.beginObject();
            for (JsonValue.Member m : obj.members()) {
                writer.name(m.name());
                write(writer, m.value());
            }
            writer.endObject();
        } else if (value instanceof JsonValue.Arr arr) {
            writer.beginArray();
            for (JsonValue element : arr.elements()) {
                write(writer, element);
            }
            writer.endArray();
        } else if (value instanceof JsonValue.Str str) {
            writer.value(str.value());
        } else if (value instanceof JsonValue.Num num) {
            // the literal text as read; the reader has already checked that it is a JSON number
            writer.jsonValue(num.text());
        } else if (value instanceof JsonValue.Bool bool) {
            writer.value(bool.value());
        } else {
            writer.nullValue();
        }
    }
}
