package dev.cagent.macos;

import java.util.List;

/**
 * One difference between plan and machine, and the writes that remove it.
 *
 * @param subject  what differs, e.g. {@code "UniqueID"} or {@code "ACL of /Users"}
 * @param expected what the plan wants, in words
 * @param actual   what the machine has, in words
 * @param writes   the commands that make it so (empty for a difference apply only reports)
 * @param journal  what to remember for undo, written before the writes run
 */
record Change(String subject, String expected, String actual, List<Op> writes, List<Journal.Entry> journal) {

    Change {
        writes = List.copyOf(writes);
        journal = List.copyOf(journal);
    }

    /**
     * The changes with {@code dscacheutil -flushcache} after the last write, so that what reads
     * Directory Services next sees them; none when there is nothing to change.
     */
    static List<Change> thenFlushDirectoryCache(List<Change> changes) {
        if (changes.isEmpty()) {
            return changes;
        }
        List<Change> all = new java.util.ArrayList<>(changes);
        Change last = all.remove(all.size() - 1);
        List<Op> writes = new java.util.ArrayList<>(last.writes());
        writes.add(Op.root(MacCommands.flushDirectoryCache()));
        all.add(new Change(last.subject(), last.expected(), last.actual(), writes, last.journal()));
        return all;
    }

    /** The change in words for reports: "UniqueID: missing -> 669". */
    String summary() {
        return subject + ": " + actual + " -> " + expected;
    }
}
