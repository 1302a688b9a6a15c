package dev.cagent;

/**
 * Entry point: {@code Cage.forUser("meeseeks").human("alice").deny("/Users/alice")...build()} describes a cage
 * as an immutable {@link CagePlan} that a {@link Backend} can preview, apply, verify and undo.
 */
public final class Cage {

    private Cage() {
    }

    /** Starts a plan for the agent account {@code name} (a macOS short name, checked here). */
    public static CagePlan.Builder forUser(String name) {
        return new CagePlan.Builder(name);
    }
}
