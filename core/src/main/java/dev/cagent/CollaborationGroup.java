package dev.cagent;

import java.util.List;
import java.util.Objects;

/** A group holding the human and the agent as explicit members, owner group of the shared workspace. */
public record CollaborationGroup(String name, IdRequest gid, List<String> members) implements Step {

    public CollaborationGroup {
        Names.checkShortName("group name", name);
        Objects.requireNonNull(gid, "gid");
        members = List.copyOf(members);
        members.forEach(m -> Names.checkShortName("group member", m));
    }

    @Override
    public String describe() {
        return "group " + name + " with " + String.join(", ", members);
    }
}
