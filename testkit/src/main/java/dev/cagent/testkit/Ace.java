package dev.cagent.testkit;

import dev.cagent.AclRight;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * One ACL entry as the kernel stores it: a principal's UUID (a user's or group's GeneratedUID),
 * allow or deny, rights, inheritance flags and the inherited marker. Names are only resolved when
 * the entry is parsed or printed, so that an entry of a deleted user prints as a bare UUID.
 */
record Ace(String principal, boolean allow, Set<AclRight> rights, Set<Flag> flags, boolean inherited) {

    /** Inheritance flags, in the order {@code ls} prints them. */
    enum Flag {
        FILE_INHERIT("file_inherit", false),
        DIRECTORY_INHERIT("directory_inherit", false),
        LIMIT_INHERIT("limit_inherit", true),
        ONLY_INHERIT("only_inherit", false);

        private final String text;
        private final boolean shownOnFiles;

        Flag(String text, boolean shownOnFiles) {
            this.text = text;
            this.shownOnFiles = shownOnFiles;
        }

        String text() {
            return text;
        }
    }

    /** Where canonical order puts an entry: explicit deny, explicit allow, inherited deny, inherited allow. */
    private static final int INHERITANCE_TIER = -10;

    Ace {
        Objects.requireNonNull(principal, "principal");
        rights = Collections.unmodifiableSet(rights.isEmpty() ? EnumSet.noneOf(AclRight.class) : EnumSet.copyOf(rights));
        flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(flags));
    }

    int score() {
        return (allow ? 0 : 1) + (inherited ? INHERITANCE_TIER : 0);
    }

    /** Same principal and same allow/deny: what chmod calls a match. */
    boolean sameTarget(Ace other) {
        return principal.equals(other.principal) && allow == other.allow;
    }

    boolean sameFlags(Ace other) {
        return flags.equals(other.flags) && inherited == other.inherited;
    }

    boolean appliesToObjectItself() {
        return !flags.contains(Flag.ONLY_INHERIT);
    }

    Ace withRights(Set<AclRight> newRights) {
        return new Ace(principal, allow, newRights, flags, inherited);
    }

    Ace withFlags(Set<Flag> newFlags, boolean newInherited) {
        return new Ace(principal, allow, rights, newFlags, newInherited);
    }

    /**
     * The entry as {@code ls -le} prints it after the index: the principal ({@code user:NAME},
     * {@code group:NAME} or a bare UUID), {@code inherited}, allow/deny, then the rights and flags
     * that have a name on this kind of object, comma-separated.
     */
    String render(boolean onDirectory, Function<String, String> principalName) {
        List<String> words = new ArrayList<>();
        for (AclRight right : AclRight.values()) {
            String name = right.nameOn(onDirectory);
            if (rights.contains(right) && name != null) {
                words.add(name);
            }
        }
        for (Flag flag : Flag.values()) {
            if (flags.contains(flag) && (onDirectory || flag.shownOnFiles)) {
                words.add(flag.text);
            }
        }
        return principalName.apply(principal) + (inherited ? " inherited" : "") + " " + (allow ? "allow" : "deny")
                + " " + String.join(",", words);
    }
}
