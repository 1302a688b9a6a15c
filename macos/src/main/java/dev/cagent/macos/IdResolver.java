package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.IdRequest;
import dev.cagent.PrimaryGroup;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Chooses the UID and GID of this run and refuses collisions before any write: an ID held by
 * another record (naming the holder and a free alternative), an existing account or group whose
 * ID differs from the plan, a range with no free ID. IDs cagent allocated earlier are kept, as
 * recorded in the journal. Runs on every apply: Apple adds system accounts in upgrades.
 */
final class IdResolver {

    private IdResolver() {
    }

    static Context.Ids resolve(Context ctx) {
        CagePlan plan = ctx.plan();
        MachineView view = ctx.view();
        int uid = choose(ctx, "UID", "user", plan.agent(), plan.user().uid(), view.userIds(), view.uidOf(plan.agent()),
                ctx.journal().find(UserAccountHandler.CREATED, e -> true).map(e -> Integer.parseInt(e.get("uid"))));
        int gid = ctx.collaborationGroup()
                .map(g -> choose(ctx, "GID", "group", g.name(), g.gid(), view.groupIds(), view.gidOf(g.name()),
                        ctx.journal().find(CollaborationGroupHandler.CREATED, e -> e.get("group").equals(g.name()))
                                .map(e -> Integer.parseInt(e.get("gid")))))
                .orElse(Context.Ids.NONE);
        int primary = plan.user().primaryGroup() instanceof PrimaryGroup.Id id ? id.gid() : gid;
        if (plan.user().primaryGroup() instanceof PrimaryGroup.Id id && view.groupWithGid(id.gid()).isEmpty()) {
            ctx.refuse("primary group " + id.gid() + ": no group has GID " + id.gid() + " on this machine; create it first or let the collaboration group be the primary group");
        }
        return new Context.Ids(uid, gid, primary);
    }

    private static int choose(Context ctx, String idName, String kind, String name, IdRequest request,
                              Map<String, List<String>> taken, OptionalInt existing, Optional<Integer> allocatedEarlier) {
        int wanted;
        if (request instanceof IdRequest.Exactly exactly) {
            wanted = exactly.id();
            if (existing.isPresent() && existing.getAsInt() != wanted && allocatedEarlier.isEmpty()) {
                ctx.refuse(kind + " " + name + " already exists with " + idName + " " + existing.getAsInt() + ", the plan asks for " + wanted
                        + ": plan " + idName + " " + existing.getAsInt() + " to adopt it, or choose another name");
                return wanted;
            }
        } else {
            IdRequest.FirstFreeIn range = (IdRequest.FirstFreeIn) request;
            if (allocatedEarlier.isPresent() && range.contains(allocatedEarlier.get())) {
                wanted = allocatedEarlier.get();
            } else if (existing.isPresent()) {
                if (!range.contains(existing.getAsInt())) {
                    ctx.refuse(kind + " " + name + " already exists with " + idName + " " + existing.getAsInt() + ", outside the range "
                            + range.from() + "-" + range.to() + " the plan allows: plan that " + idName + " or widen the range");
                    return existing.getAsInt();
                }
                wanted = existing.getAsInt();
            } else {
                OptionalInt free = firstFree(taken, range.from(), range.to());
                if (free.isEmpty()) {
                    ctx.refuse("no free " + idName + " in " + range.from() + "-" + range.to() + " for " + kind + " " + name
                            + ": widen the range or give a free " + idName + firstFreeHint(taken, idName));
                    return range.from();
                }
                wanted = free.getAsInt();
            }
        }
        String wantedText = Integer.toString(wanted);
        taken.entrySet().stream()
                .filter(e -> !e.getKey().equals(name) && e.getValue().contains(wantedText))
                .findFirst()
                .ifPresent(holder -> ctx.refuse(idName + " " + wanted + " for " + kind + " " + name + " is already held by "
                        + (kind.equals("user") ? "user " : "group ") + holder.getKey() + firstFreeHint(taken, idName)));
        return wanted;
    }

    private static String firstFreeHint(Map<String, List<String>> taken, String idName) {
        OptionalInt free = firstFree(taken, 600, 999);
        return free.isPresent() ? "; " + idName + " " + free.getAsInt() + " is free" : "";
    }

    static OptionalInt firstFree(Map<String, List<String>> taken, int from, int to) {
        for (int id = from; id <= to; id++) {
            String text = Integer.toString(id);
            if (taken.values().stream().noneMatch(v -> v.contains(text))) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }
}
