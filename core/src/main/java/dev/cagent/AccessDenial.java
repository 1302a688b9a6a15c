package dev.cagent;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An ACL entry {@code user:AGENT deny RIGHTS} on one path. {@link #path()} is the canonical
 * spelling ({@code /private/etc}); {@link #requested()} what the plan's author wrote.
 */
public record AccessDenial(String path, String requested, String principal, Set<AclRight> rights) implements Step {

    public AccessDenial {
        MacPaths.check("deny", path);
        Names.checkShortName("deny principal", principal);
        if (rights.isEmpty()) {
            throw new InvalidPlanException("deny", "no rights to deny on " + path + ": name at least one, e.g. list");
        }
        rights = Collections.unmodifiableSet(EnumSet.copyOf(rights));
    }

    /** True when the entry denies {@code search}: nothing below the path can be reached. */
    public boolean blocksTraversal() {
        return rights.contains(AclRight.EXECUTE);
    }

    @Override
    public String describe() {
        String names = rights.stream().map(r -> r.nameOn(true)).collect(Collectors.joining(","));
        return "deny " + principal + " " + names + " on " + path;
    }
}
