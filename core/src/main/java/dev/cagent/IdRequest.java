package dev.cagent;

/** How a numeric user or group ID is chosen: a fixed value, or the first free one in a range. */
public sealed interface IdRequest {

    static IdRequest exactly(int id) {
        return exactly("id", id);
    }

    /** A fixed ID; {@code field} names the setting in the error when the ID is unusable. */
    static IdRequest exactly(String field, int id) {
        return new Exactly(Names.checkId(field, id));
    }

    static IdRequest firstFreeIn(int from, int to) {
        return firstFreeIn("id range", from, to);
    }

    /** The first free ID in {@code from..to}; {@code field} names the setting in the error when the range is unusable. */
    static IdRequest firstFreeIn(String field, int from, int to) {
        checkRange(field, from, to);
        return new FirstFreeIn(from, to);
    }

    private static void checkRange(String field, int from, int to) {
        Names.checkId(field, from);
        Names.checkId(field, to);
        if (from > to) {
            throw new InvalidPlanException(field, "range " + from + "-" + to + " is empty: give the lower bound first, e.g. " + to + "-" + from);
        }
    }

    /** The lowest ID this request may produce. */
    int lowest();

    record Exactly(int id) implements IdRequest {
        public Exactly {
            Names.checkId("id", id);
        }

        @Override
        public int lowest() {
            return id;
        }

        @Override
        public String toString() {
            return Integer.toString(id);
        }
    }

    record FirstFreeIn(int from, int to) implements IdRequest {
        public FirstFreeIn {
            checkRange("id range", from, to);
        }

        @Override
        public int lowest() {
            return from;
        }

        /** True when {@code id} lies in the range. */
        public boolean contains(int id) {
            return id >= from && id <= to;
        }

        @Override
        public String toString() {
            return "first free in " + from + "-" + to;
        }
    }
}
