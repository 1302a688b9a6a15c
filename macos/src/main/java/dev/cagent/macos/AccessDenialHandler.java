package dev.cagent.macos;

import dev.cagent.AccessDenial;
import dev.cagent.AclRight;
import dev.cagent.MacPaths;
import dev.cagent.exec.ShellQuoting;
import dev.cagent.lint.Rule;
import dev.cagent.macos.parse.AclEntry;
import dev.cagent.macos.parse.LsEntry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An ACL entry {@code user:AGENT deny RIGHTS} on one path.
 *
 * <p>Reads {@code ls -led} of the target (all targets in one command), following symbolic links to
 * the real directory, because {@code chmod +a} edits the link's target and {@code ls} shows the
 * link. Adds only the rights no explicit deny entry of the agent holds yet, with one
 * {@code chmod +a}; the entry must be added after the account exists and removed before it is
 * deleted. Undo removes exactly the rights it added ({@code chmod -a} of a subset removes only
 * those rights), leaving entries that were there before; when the user holds other deny entries
 * (with inheritance flags, or inherited), which {@code chmod -a} would edit too, cagent's own
 * entry is removed by its index and what remains of it put back in its place.
 */
final class AccessDenialHandler implements StepHandler<AccessDenial> {

    static final String ADDED = "deny.added";
    private static final int MAX_LINKS = 8;

    @Override
    public Class<AccessDenial> stepType() {
        return AccessDenial.class;
    }

    @Override
    public Set<String> journalKinds() {
        return Set.of(ADDED);
    }

    @Override
    public void prefetch(AccessDenial step, Context ctx) {
        wantPrefixes("/", new ArrayDeque<>(names(step.path())), ctx);
    }

    @Override
    public Optional<String> skipReason(AccessDenial step, Context ctx) {
        if (resolve(step.path(), ctx).isEmpty() && ctx.plan().acceptedRisks().contains(Rule.DENY_TARGET_MISSING.name())) {
            return Optional.of(step.path() + " does not exist (risk " + Rule.DENY_TARGET_MISSING + " accepted)");
        }
        return Optional.empty();
    }

    @Override
    public List<Change> diff(AccessDenial step, Context ctx) {
        Optional<LsEntry> target = resolve(step.path(), ctx);
        if (target.isEmpty()) {
            return List.of(); // lint refused the plan, or the risk was accepted and the step skipped
        }
        String path = target.get().path();
        boolean directory = target.get().isDirectory();
        Set<AclRight> held = deniedTo(ctx.agent(), target.get());
        Set<AclRight> planned = ctx.plannedDenials(path);
        Set<AclRight> missing = EnumSet.copyOf(step.rights());
        missing.removeAll(held);
        missing.removeAll(planned);
        if (missing.isEmpty()) {
            return List.of();
        }
        planned.addAll(missing);
        String ace = denyEntry(ctx.agent(), missing, directory);
        return List.of(new Change("ACL of " + path, "deny " + names(step.rights(), directory),
                held.isEmpty() ? "no deny entry for " + ctx.agent() : "denies " + names(held, directory),
                List.of(Op.root(MacCommands.addAce(ace, List.of(path)))),
                List.of(Journal.Entry.of(ADDED, "path", path, "user", ctx.agent(), "directory", Boolean.toString(directory),
                        "rights", missing.stream().map(Enum::name).collect(Collectors.joining(","))))));
    }

    @Override
    public UndoAction undo(Journal.Entry entry, Context ctx) {
        String path = entry.get("path");
        String user = entry.get("user");
        boolean directory = Boolean.parseBoolean(entry.get("directory"));
        Set<AclRight> added = EnumSet.noneOf(AclRight.class);
        for (String name : entry.get("rights").split(",")) {
            added.add(AclRight.valueOf(name));
        }
        Optional<LsEntry> listed = ctx.view().acl(path);
        if (!ctx.view().userIds().containsKey(user)) {
            // the account was deleted by hand: its entries now name its UUID, which no record tells cagent
            List<String> orphans = listed.map(LsEntry::acl).orElse(List.of()).stream()
                    .filter(ace -> !ace.allow() && ace.principal().kind() == AclEntry.Principal.Kind.UUID && ace.rights().containsAll(added))
                    .map(ace -> ace.index() + ": " + ace.principal().name() + " deny " + names(ace.rights(), directory)).toList();
            return orphans.isEmpty() ? UndoAction.nothingLeft("remove deny entry of " + user + " on " + path)
                    : UndoAction.keep("deny entry of " + user + " on " + path, "the account is gone (deleted by hand), so its entry shows only a UUID ("
                            + String.join("; ", orphans) + "); if it was the agent's, remove it with sudo chmod -a# INDEX " + ShellQuoting.quote(path));
        }
        List<AclEntry> denials = listed.map(e -> denialsOf(user, e)).orElse(List.of());
        Optional<AclEntry> own = denials.stream().filter(AccessDenialHandler::isPlain).findFirst();
        Set<AclRight> remove = EnumSet.copyOf(added);
        remove.retainAll(own.map(AclEntry::rights).orElse(Set.of()));
        if (remove.isEmpty()) {
            return UndoAction.nothingLeft("remove deny entry of " + user + " on " + path);
        }
        String description = "removed " + names(remove, directory) + " from the deny entry of " + user + " on " + path;
        if (denials.size() == 1) {
            return UndoAction.run(description, List.of(Op.root(MacCommands.removeAce(denyEntry(user, remove, directory), List.of(path)))));
        }
        // chmod -a takes the rights out of every deny entry of the user, whatever its flags, and
        // would damage entries that were there before: address cagent's own entry by its index
        int index = own.get().index();
        List<Op> writes = new ArrayList<>(List.of(Op.root(MacCommands.removeAceAt(index, List.of(path)))));
        Set<AclRight> kept = EnumSet.copyOf(own.get().rights());
        kept.removeAll(remove);
        if (!kept.isEmpty()) {
            writes.add(Op.root(MacCommands.addAceAt(index, denyEntry(user, kept, directory), path)));
        }
        return UndoAction.run(description, writes);
    }

    /** The rights explicit, flag-free deny entries of {@code user} hold on this object. */
    private static Set<AclRight> deniedTo(String user, LsEntry entry) {
        Set<AclRight> held = EnumSet.noneOf(AclRight.class);
        denialsOf(user, entry).stream().filter(AccessDenialHandler::isPlain).forEach(ace -> held.addAll(ace.rights()));
        return held;
    }

    /** Every deny entry of {@code user} on this object: the ones {@code chmod -a 'user:NAME deny ...'} edits. */
    private static List<AclEntry> denialsOf(String user, LsEntry entry) {
        return entry.acl().stream()
                .filter(ace -> !ace.allow() && ace.principal().kind() == AclEntry.Principal.Kind.USER && ace.principal().name().equals(user))
                .toList();
    }

    /** An explicit entry without flags: the kind cagent adds, into which {@code chmod +a} merges. */
    private static boolean isPlain(AclEntry ace) {
        return !ace.inherited() && ace.flags().isEmpty();
    }

    private static String denyEntry(String user, Set<AclRight> rights, boolean directory) {
        return new AclEntry(0, new AclEntry.Principal(AclEntry.Principal.Kind.USER, user), false, false, rights, Set.of()).toChmodText(directory);
    }

    private static String names(Set<AclRight> rights, boolean directory) {
        return rights.stream().map(r -> r.nameOn(directory)).filter(n -> n != null).collect(Collectors.joining(","));
    }

    /**
     * For lint: whether a deny target is there. A chain of links too long to follow is refused
     * with its own reason, not reported missing as well.
     */
    static boolean targetExists(String path, Context ctx) {
        int refusals = ctx.refusals().size();
        return resolve(path, ctx).isPresent() || ctx.refusals().size() > refusals;
    }

    /**
     * The object a deny lands on, found as the kernel finds it: name by name from the root, each
     * symbolic link on the way (not only the last) replaced by its target, a relative target read
     * from the link's own directory. Empty when something on the way is missing.
     */
    static Optional<LsEntry> resolve(String path, Context ctx) {
        Deque<String> rest = new ArrayDeque<>(names(path));
        wantPrefixes("/", rest, ctx);
        String resolved = "/";
        int hops = 0;
        while (!rest.isEmpty()) {
            String name = rest.pollFirst();
            if (name.equals("..")) {
                resolved = MacPaths.parent(resolved);
                continue;
            }
            String next = resolved.equals("/") ? "/" + name : resolved + "/" + name;
            Optional<LsEntry> entry = ctx.view().acl(next);
            if (entry.isEmpty()) {
                return entry;
            }
            if (entry.get().isSymlink()) {
                if (++hops > MAX_LINKS) {
                    ctx.refuse("deny target " + path + " passes through more than " + MAX_LINKS + " symbolic links: give the real path");
                    return Optional.empty();
                }
                String target = entry.get().linkTarget().orElseThrow();
                List<String> targetNames = names(target);
                for (int i = targetNames.size() - 1; i >= 0; i--) {
                    rest.addFirst(targetNames.get(i));
                }
                if (target.startsWith("/")) {
                    resolved = "/";
                }
                wantPrefixes(resolved, rest, ctx);
                continue;
            }
            if (!rest.isEmpty() && !entry.get().isDirectory()) {
                return Optional.empty(); // a file on the way: nothing lies below it
            }
            resolved = next;
        }
        return ctx.view().acl(resolved);
    }

    /** The names of a path, {@code .} and empty ones left out. */
    private static List<String> names(String path) {
        return Arrays.stream(path.split("/")).filter(n -> !n.isEmpty() && !n.equals(".")).toList();
    }

    /** Asks for every path the walk from {@code from} through {@code rest} may read, so that they come in one listing. */
    private static void wantPrefixes(String from, Deque<String> rest, Context ctx) {
        String prefix = from;
        for (String name : rest) {
            if (name.equals("..")) {
                return; // where it leads depends on links not read yet
            }
            prefix = prefix.equals("/") ? "/" + name : prefix + "/" + name;
            ctx.view().wantAcl(prefix);
        }
    }
}
