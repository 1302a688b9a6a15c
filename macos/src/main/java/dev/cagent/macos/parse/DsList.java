package dev.cagent.macos.parse;

import dev.cagent.Texts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code dscl . -list /Users UniqueID} (or {@code /Groups PrimaryGroupID}): one line per
 * record that has the attribute, the record name, padding blanks, then the values separated by
 * blanks. Records without the attribute are not printed. A value holding a blank cannot be told
 * from two values in this form: list only attributes without blanks (ids, member names).
 */
public final class DsList {

    private DsList() {
    }

    /**
     * Record name to values, in the order printed.
     *
     * @throws IllegalStateException quoting a line without a value or a name printed twice
     */
    public static Map<String, List<String>> parse(String output) {
        Map<String, List<String>> records = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] words = line.strip().split("\\s+");
            if (words.length < 2) {
                throw new IllegalStateException("dscl -list line " + Texts.visible(line) + " has a record name but no value");
            }
            if (records.put(words[0], List.of(words).subList(1, words.length)) != null) {
                throw new IllegalStateException("dscl -list names record " + Texts.visible(words[0]) + " twice");
            }
        }
        return Collections.unmodifiableMap(records);
    }
}
