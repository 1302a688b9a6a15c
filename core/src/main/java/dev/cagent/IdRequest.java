package dev.cagent;

/** How a numeric user or group ID is chosen: a fixed value, or the first free one in a range. */
public sealed interface IdRequest {

    static IdRequest exactly(int id) {
        return new Exactly(Names.checkId("id", id));
    }

    static IdRequest firstFreeIn(int from, int to) {
        Names.checkId("id range start", from);
        Names.checkId("id range end", to);
        if (from > to) {
            throw new InvalidPlanException("id range", "range " + from + "-" + to + " is empty: give the lower bound first, e.g. " + to + "-" + from);
        }
        return new FirstFreeIn(from, to);
    }

    /** The lowest ID this request may produce. */
    int lowest();

    record Exactly(int id) implements IdRequest {
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
