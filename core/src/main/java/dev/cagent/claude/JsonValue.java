package dev.cagent.claude;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON of a settings file as written: object members in file order, numbers as their literal
 * text, so that writing the tree back changes nothing but what cagent edits. Equality is semantic
 * and order-sensitive: members and elements compare in order, numbers by value.
 */
sealed interface JsonValue {

    record Member(String name, JsonValue value) {
    }

    record Obj(List<Member> members) implements JsonValue {
        public Obj {
            members = List.copyOf(members);
        }

        Optional<JsonValue> get(String name) {
            return members.stream().filter(m -> m.name().equals(name)).map(Member::value).findFirst();
        }

        /** This object with {@code name} set to {@code value}: in place when present, else appended. */
        Obj with(String name, JsonValue value) {
            List<Member> changed = new ArrayList<>(members);
            for (int i = 0; i < changed.size(); i++) {
                if (changed.get(i).name().equals(name)) {
                    changed.set(i, new Member(name, value));
                    return new Obj(changed);
                }
            }
            changed.add(new Member(name, value));
            return new Obj(changed);
        }

        Obj without(String name) {
            return new Obj(members.stream().filter(m -> !m.name().equals(name)).toList());
        }
    }

    record Arr(List<JsonValue> elements) implements JsonValue {
        public Arr {
            elements = List.copyOf(elements);
        }
    }

    record Str(String value) implements JsonValue {
    }

    /** A number kept as its literal text ({@code 1.10}, {@code 1e5}, any number of digits). */
    record Num(String text) implements JsonValue {

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Num that)) {
                return false;
            }
            BigDecimal mine = decimal();
            BigDecimal theirs = that.decimal();
            return mine != null && theirs != null ? mine.compareTo(theirs) == 0 : text.equals(that.text);
        }

        @Override
        public int hashCode() {
            BigDecimal value = decimal();
            return value != null ? value.stripTrailingZeros().hashCode() : text.hashCode();
        }

        /** The value, or null for exponents beyond what BigDecimal holds (then the text decides). */
        private BigDecimal decimal() {
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException tooLarge) {
                return null;
            }
        }
    }

    record Bool(boolean value) implements JsonValue {
    }

    record Null() implements JsonValue {
    }
}
