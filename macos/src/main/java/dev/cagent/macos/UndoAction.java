package dev.cagent.macos;

import java.util.List;

/**
 * How one journal entry is taken back: the writes, and what to report. An entry that needs no
 * work (already gone) has no writes; one kept on purpose says why in {@code kept}.
 */
record UndoAction(String description, List<Op> writes, String kept) {

    UndoAction {
        writes = List.copyOf(writes);
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
