package dev.cagent.macos;

import java.util.List;

/**
 * How one journal entry is taken back: the writes, and what to report. An entry that needs no
 * work (already gone) has no writes; one kept on purpose says why in {@code kept}; one that
 * cannot be taken back yet ({@code later}) also stays in the record, with its backups, for an
 * undo after the person has put right what {@code kept} names.
 */
record UndoAction(String description, List<Op> writes, String kept, boolean later) {

    UndoAction {
        writes = List.copyOf(writes);
    }

    UndoAction(String description, List<Op> writes, String kept) {
        this(description, writes, kept, false);
    }

    static UndoAction later(String what, String why) {
        return new UndoAction(what, List.of(), why, true);
    }

    static UndoAction run(String description, List<Op> writes) {
        return new UndoAction(description, writes, null);
    }

    static UndoAction nothingLeft(String description) {
        return new UndoAction(description + " (already gone)", List.of(), null);
    }

    static UndoAction keep(String what, String why) {
        return new UndoAction(what, List.of(), why);
    }
}
