package dev.cagent.macos;

import dev.cagent.CollaborationGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The collaboration group and its explicit members.
 *
 * <p>Reads {@code dscl -plist . -read /Groups/NAME} and asks {@code dseditgroup -o checkmember}
 * for each member (a primary group is not membership for ACL checks, so the agent is added
 * explicitly too). Creates with {@code dseditgroup -o create -i GID}, adds members with
 * {@code dseditgroup -o edit -a}, which fills both GroupMembership and GroupMembers. An existing
 * group is adopted only with the planned GID. Undo removes the members cagent added, then the
 * group if cagent created it.
 */
final class CollaborationGroupHandler implements StepHandler<CollaborationGroup> {

    static final String CREATED = "group.created";
    static final String MEMBER_ADDED = "group.member";

    @Override
    public Class<CollaborationGroup> stepType() {
        return CollaborationGroup.class;
    }

    @Override
    public Set<String> journalKinds() {
        return Set.of(CREATED, MEMBER_ADDED);
    }

    @Override
    public List<Change> diff(CollaborationGroup group, Context ctx) {
        List<Change> changes = new ArrayList<>();
        int gid = ctx.ids().gid();
        boolean exists = ctx.view().group(group.name()).isPresent();
        for (String member : group.members()) {
            if (!ctx.accountWillExist(member)) {
                ctx.refuse("group member " + member + " has no account on this machine: check the name (the human is the account you log in with, see `id -un`)");
            }
        }
        if (exists && ctx.view().gidOf(group.name()).orElse(gid) != gid) {
            // only reachable for a group cagent created: the resolver refuses anyone else's
            changes.add(new Change("PrimaryGroupID of " + group.name(), Integer.toString(gid), Integer.toString(ctx.view().gidOf(group.name()).getAsInt()),
                    List.of(Op.root(MacCommands.setAttribute("/Groups/" + group.name(), "PrimaryGroupID", Integer.toString(gid)))), List.of()));
        }
        if (!exists) {
            changes.add(new Change("group " + group.name(), "GID " + gid, "missing",
                    List.of(Op.root(MacCommands.createGroup(group.name(), gid))),
                    List.of(Journal.Entry.of(CREATED, "group", group.name(), "gid", Integer.toString(gid)))));
        }
        for (String member : group.members()) {
            // a name already listed (an account deleted by hand and made again, say) is there before cagent: not cagent's to add or take
            boolean isMember = exists && (ctx.view().userIds().containsKey(member) ? ctx.view().isMember(member, group.name())
                    : ctx.view().group(group.name()).map(g -> g.values("GroupMembership").contains(member)).orElse(false));
            if (!isMember) {
                changes.add(new Change("membership of " + member, "explicit member", "not a member",
                        List.of(Op.root(MacCommands.addMember(member, group.name()))),
                        List.of(Journal.Entry.of(MEMBER_ADDED, "group", group.name(), "user", member))));
            }
        }
        return Change.thenFlushDirectoryCache(changes);
    }

    @Override
    public UndoAction undo(Journal.Entry entry, Context ctx) {
        String group = entry.get("group");
        if (ctx.view().group(group).isEmpty()) {
            return UndoAction.nothingLeft(entry.kind().equals(CREATED) ? "delete group " + group : "remove " + entry.get("user") + " from " + group);
        }
        if (entry.kind().equals(CREATED)) {
            return UndoAction.run("deleted group " + group, List.of(Op.root(MacCommands.deleteGroup(group)), Op.root(MacCommands.flushDirectoryCache())));
        }
        String user = entry.get("user");
        if (!ctx.view().userIds().containsKey(user) || !ctx.view().isMember(user, group)) {
            return UndoAction.nothingLeft("remove " + user + " from " + group);
        }
        return UndoAction.run("removed " + user + " from group " + group, List.of(Op.root(MacCommands.removeMember(user, group))));
    }
}
