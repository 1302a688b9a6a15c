package dev.cagent.macos;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What apply found and changed, kept on the Mac where only root can write
 * ({@code /private/var/db/cagent/AGENT/journal.json}), so that undo takes away exactly that and
 * cannot be steered by the agent. Entries are written ahead of the step that makes them true;
 * undo therefore checks the machine before acting on each.
 */
final class Journal {

    /** One thing apply did: a kind owned by one step handler, its fields, and optional items (paths). */
    record Entry(String kind, Map<String, String> fields, List<String> items) {
        Entry {
            Objects.requireNonNull(kind, "kind");
            fields = Map.copyOf(fields);
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

        /** Entries with the same kind and fields describe the same change. */
        boolean sameChangeAs(Entry other) {
            return kind.equals(other.kind) && fields.equals(other.fields);
        }
    }

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();

    private final String agent;
    private final List<Entry> entries;

    Journal(String agent, List<Entry> entries) {
        this.agent = agent;
        this.entries = List.copyOf(entries);
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
            if (all.stream().noneMatch(x -> x.sameChangeAs(e))) {
                all.add(e);
            }
        }
        return new Journal(agent, all);
    }

    String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "cagent-journal-1");
        root.put("agent", agent);
        root.put("entries", entries);
        return GSON.toJson(root) + "\n";
    }

    static Journal parse(String json, String expectedAgent) {
        try {
            Map<String, Object> root = GSON.fromJson(json, new TypeToken<Map<String, Object>>() { }.getType());
            if (root == null || !"cagent-journal-1".equals(root.get("format"))) {
                throw new IllegalStateException("not a cagent journal (format cagent-journal-1 expected)");
            }
            if (!expectedAgent.equals(root.get("agent"))) {
                throw new IllegalStateException("journal is for agent '" + root.get("agent") + "', not '" + expectedAgent + "'");
            }
            List<Entry> entries = GSON.fromJson(GSON.toJson(root.get("entries")), new TypeToken<List<Entry>>() { }.getType());
            return new Journal(expectedAgent, entries == null ? List.of() : entries);
        } catch (JsonParseException e) {
            throw new IllegalStateException("journal does not parse: " + e.getMessage(), e);
        }
    }
}
