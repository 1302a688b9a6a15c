package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.CollaborationGroup;
import dev.cagent.PrimaryGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a step handler may know while it diffs or undoes: the plan, the machine view, the journal
 * of earlier applies, the IDs chosen for this run, where cagent keeps its state, and which
 * attempt this is (a step whose first writes did not stick gets one more, e.g. the mkdir
 * fallback when createhomedir silently did nothing).
 */
final class Context {

    private final CagePlan plan;
    private final MachineView view;
    private Journal journal;
    private final StateFiles state;
    private final List<String> refusals = new ArrayList<>();
    private final java.util.Map<String, java.util.Set<dev.cagent.AclRight>> plannedDenials = new java.util.HashMap<>();
    private final java.util.Set<String> plannedDirectories = new java.util.HashSet<>();
    private Ids ids;
    private int attempt = 1;

    Context(CagePlan plan, MachineView view, Journal journal, StateFiles state) {
        this.plan = plan;
        this.view = view;
        this.journal = journal;
        this.state = state;
    }

    CagePlan plan() {
        return plan;
    }

    MachineView view() {
        return view;
    }

    Journal journal() {
        return journal;
    }

    /** The journal as recorded on the machine now (apply records entries ahead of each step). */
    void journal(Journal recorded) {
        this.journal = recorded;
    }

    StateFiles state() {
        return state;
    }

    String agent() {
        return state.agent();
    }

    Ids ids() {
        if (ids == null) {
            throw new IllegalStateException("IDs are resolved before any step is diffed");
        }
        return ids;
    }

    void ids(Ids resolved) {
        this.ids = resolved;
    }

    int attempt() {
        return attempt;
    }

    void attempt(int n) {
        attempt = n;
    }

    /**
     * Rights already planned as denied on a resolved path in this pass: two plan entries that
     * name one directory (through a symlink) must not add, or later remove, the same entry twice.
     */
    java.util.Set<dev.cagent.AclRight> plannedDenials(String resolvedPath) {
        return plannedDenials.computeIfAbsent(resolvedPath, p -> java.util.EnumSet.noneOf(dev.cagent.AclRight.class));
    }

    /**
     * True for the first step of this pass that plans to make {@code dir}: two steps that keep
     * files in one new directory (the root-owned Claude settings and the Seatbelt profile) must
     * not both make it; the second finds it made by the time its writes run.
     */
    boolean claimDirectory(String dir) {
        return plannedDirectories.add(dir);
    }

    /** Starts a diff pass over all steps (apply's first look, or a read-back). */
    void startPass() {
        plannedDenials.clear();
        plannedDirectories.clear();
    }

    /** Records a conflict that refuses the whole plan before any write. */
    void refuse(String reason) {
        refusals.add(reason);
    }

    List<String> refusals() {
        return List.copyOf(refusals);
    }

    /** The conflicts found, each once: a probe and a read-back may find the same one again. */
    List<String> conflicts() {
        return refusals.stream().distinct().toList();
    }

    /** The name of the agent's primary group: the collaboration group, or the holder of the fixed GID. */
    String primaryGroupName() {
        if (plan.user().primaryGroup() instanceof PrimaryGroup.Id id) {
            return view.groupWithGid(id.gid()).orElse(Integer.toString(id.gid()));
        }
        return plan.step(CollaborationGroup.class).map(CollaborationGroup::name).orElseThrow();
    }

    Optional<CollaborationGroup> collaborationGroup() {
        return plan.step(CollaborationGroup.class);
    }

    /** True when this account exists now or will once the user step has run. */
    boolean accountWillExist(String user) {
        return user.equals(agent()) || view.userIds().containsKey(user);
    }

    /** The IDs this run uses. */
    record Ids(int uid, int gid, int primaryGid) {
        static final int NONE = -1;
    }
}
