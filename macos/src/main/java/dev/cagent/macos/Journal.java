package dev.cagent.macos;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What apply found and changed, kept on the Mac where only root can write
 * ({@code /private/var/db/cagent/AGENT/journal.jsonl}), so that undo takes away exactly that and
 * cannot be steered by the agent. Entries are written ahead of the step that makes them true;
 * undo therefore checks the machine before acting on each.
 */
final class Journal {

    /** One thing apply did: a kind owned by one step handler, its fields, and optional items (paths). */
    record Entry(String kind, Map<String, String> fields, List<String> items) {
        Entry {
            Objects.requireNonNull(kind, "kind");
            // in the order given (or read): a rewritten journal then reads byte for byte as written
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
            items = List.copyOf(items);
        }

        static Entry of(String kind, String... keyValues) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                fields.put(keyValues[i], keyValues[i + 1]);
            }
            return new Entry(kind, fields, List.of());
        }

        Entry withItems(List<String> newItems) {
            return new Entry(kind, fields, newItems);
        }

        String get(String key) {
            String value = fields.get(key);
            if (value == null) {
                throw new IllegalStateException("journal entry " + kind + " lacks '" + key + "'");
            }
            return value;
        }

        Optional<String> find(String key) {
            return Optional.ofNullable(fields.get(key));
        }

        /**
         * True when {@code recorded} already says all this entry says: the same kind and fields,
         * and every item of this one among its items. A later apply that repairs the workspace
         * records other entries' old values, which undo needs as much as the first apply's; one
         * that makes again a directory the first made records nothing new.
         */
        boolean coveredBy(Entry recorded) {
            return kind.equals(recorded.kind) && fields.equals(recorded.fields) && recorded.items.containsAll(items);
        }
    }

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final String FORMAT = "cagent-journal-1";

    private final String agent;
    private final List<Entry> entries;
    private final boolean cutShort;

    Journal(String agent, List<Entry> entries) {
        this(agent, entries, false);
    }

    private Journal(String agent, List<Entry> entries, boolean cutShort) {
        this.agent = agent;
        this.entries = List.copyOf(entries);
        this.cutShort = cutShort;
    }

    static Journal empty(String agent) {
        return new Journal(agent, List.of());
    }

    String agent() {
        return agent;
    }

    List<Entry> entries() {
        return entries;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * True when the file read ended inside a line (a write that stopped part way): another line
     * appended would run into it, so the next record must write the whole file anew.
     */
    boolean cutShort() {
        return cutShort;
    }

    boolean has(String kind, Predicate<Entry> match) {
        return entries.stream().anyMatch(e -> e.kind().equals(kind) && match.test(e));
    }

    Optional<Entry> find(String kind, Predicate<Entry> match) {
        return entries.stream().filter(e -> e.kind().equals(kind) && match.test(e)).findFirst();
    }

    /** This journal with {@code first} in front. */
    Journal withFirst(Entry first) {
        List<Entry> all = new ArrayList<>();
        all.add(first);
        all.addAll(entries);
        return new Journal(agent, all);
    }

    /** This journal plus the entries not already recorded. */
    Journal plus(List<Entry> more) {
        List<Entry> all = new ArrayList<>(entries);
        for (Entry e : more) {
            if (all.stream().noneMatch(e::coveredBy)) {
                all.add(e);
            }
        }
        return new Journal(agent, all);
    }

    /** The first line of a journal file: what it is and whose. */
    String headerLine() {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("format", FORMAT);
        header.put("agent", agent);
        return GSON.toJson(header) + "\n";
    }

    /** One JSON line per entry: apply appends the lines of each step before running its writes. */
    static String lines(List<Entry> entries) {
        StringBuilder sb = new StringBuilder();
        entries.forEach(e -> sb.append(GSON.toJson(e)).append('\n'));
        return sb.toString();
    }

    /** The whole file: the header line, then every entry. */
    String text() {
        return headerLine() + lines(entries);
    }

    /**
     * Reads a journal file. A last line cut short (apply stopped while appending it) is left out:
     * its writes had not started, because every step appends before it writes. So is a header
     * cut short, or no text at all: nothing had been done.
     */
    static Journal parse(String text, String expectedAgent) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        boolean cutShort = !text.endsWith("\n");
        if (lines.isEmpty() || (cutShort && lines.size() == 1 && !wholeJsonObject(lines.get(0)))) {
            return new Journal(expectedAgent, List.of(), true);
        }
        try {
            Map<String, Object> header = GSON.fromJson(lines.get(0), new TypeToken<Map<String, Object>>() { }.getType());
            if (header == null || !FORMAT.equals(header.get("format"))) {
                throw new IllegalStateException("not a cagent journal (first line must name format " + FORMAT + ")");
            }
            if (!expectedAgent.equals(header.get("agent"))) {
                throw new IllegalStateException("journal is for agent '" + header.get("agent") + "', not '" + expectedAgent + "'");
            }
        } catch (JsonParseException e) {
            throw new IllegalStateException("journal header does not parse: " + e.getMessage(), e);
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            try {
                entries.add(entryOf(strictly(lines.get(i))));
            } catch (JsonParseException | IllegalArgumentException e) {
                boolean last = i == lines.size() - 1 && !text.endsWith("\n");
                if (!last) {
                    throw new IllegalStateException("journal line " + (i + 1) + " does not parse: " + e.getMessage(), e);
                }
            }
        }
        return new Journal(expectedAgent, entries, cutShort);
    }

    /** One line as JSON, read strictly: what cagent writes, nothing a lenient reader would guess at. */
    private static JsonElement strictly(String line) {
        JsonReader reader = new JsonReader(new StringReader(line));
        reader.setStrictness(Strictness.STRICT);
        JsonElement element = JsonParser.parseReader(reader);
        try {
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonParseException("more after the entry");
            }
        } catch (IOException e) {
            throw new JsonParseException(e);
        }
        return element;
    }

    /** An entry from its JSON: a string kind, an object of string fields and an array of string items (both optional). */
    private static Entry entryOf(JsonElement json) {
        if (!json.isJsonObject()) {
            throw new IllegalArgumentException("an entry is an object, not " + json);
        }
        JsonObject object = json.getAsJsonObject();
        JsonElement kind = object.get("kind");
        if (kind == null || !kind.isJsonPrimitive() || !kind.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("an entry needs a kind, as a string");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        JsonElement given = object.get("fields");
        if (given != null && !given.isJsonNull()) {
            if (!given.isJsonObject()) {
                throw new IllegalArgumentException("the fields of a " + kind.getAsString() + " entry are not an object");
            }
            given.getAsJsonObject().entrySet().forEach(e -> fields.put(e.getKey(), text(e.getValue(), kind.getAsString())));
        }
        List<String> items = new ArrayList<>();
        JsonElement listed = object.get("items");
        if (listed != null && !listed.isJsonNull()) {
            if (!listed.isJsonArray()) {
                throw new IllegalArgumentException("the items of a " + kind.getAsString() + " entry are not an array");
            }
            listed.getAsJsonArray().forEach(item -> items.add(text(item, kind.getAsString())));
        }
        return new Entry(kind.getAsString(), fields, items);
    }

    private static String text(JsonElement value, String kind) {
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("a value of a " + kind + " entry is not a string: " + value);
        }
        return value.getAsString();
    }

    private static boolean wholeJsonObject(String line) {
        try {
            return GSON.fromJson(line, Map.class) != null;
        } catch (JsonParseException e) {
            return false;
        }
    }
}
