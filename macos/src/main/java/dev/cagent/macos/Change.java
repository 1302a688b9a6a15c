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

    /** The change in words for reports: "UniqueID: missing -> 669". */
    String summary() {
        return subject + ": " + actual + " -> " + expected;
    }
}
