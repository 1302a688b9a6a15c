package dev.cagent.macos;

import dev.cagent.Step;

import java.util.List;
import java.util.Set;

/**
 * A step's whole story on macOS: what to read, how the machine differs from the step, the writes
 * that fix it, and how to take back each journal entry it wrote. One implementation per step
 * type, each in its own file.
 */
interface StepHandler<S extends Step> {

    Class<S> stepType();

    /** The journal kinds this handler writes and can undo. */
    Set<String> journalKinds();

    /** Registers the paths this step will look at, so that one command reads them all. */
    default void prefetch(S step, Context ctx) {
    }

    /** Why this step is left out on this machine (e.g. a missing deny target whose risk the plan accepted). */
    default java.util.Optional<String> skipReason(S step, Context ctx) {
        return java.util.Optional.empty();
    }

    /**
     * What differs, with the writes that fix it; empty when the machine matches. A conflict that
     * must refuse the whole plan is reported through {@link Context#refuse(String)}.
     */
    List<Change> diff(S step, Context ctx);

    /** How to take back one entry this handler wrote. Runs before any later entry's undo. */
    UndoAction undo(Journal.Entry entry, Context ctx);
}
