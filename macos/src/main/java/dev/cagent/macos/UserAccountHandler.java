package dev.cagent.macos;

import dev.cagent.CollaborationGroup;
import dev.cagent.Password;
import dev.cagent.UserAccount;
import dev.cagent.lint.Lint;
import dev.cagent.macos.parse.DsRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The agent's account in Directory Services.
 *
 * <p>Reads {@code dscl -plist . -read /Users/NAME}. A missing account is created with
 * {@code dscl . -create} attribute by attribute and the password (if any) fed on dscl's standard
 * input; the GeneratedUID is read back and set when dscl did not assign one. An account cagent
 * did not create is adopted only if its UID, primary group and home match the plan; its other
 * attributes are converged and their old values kept for undo. Old values are kept on an account
 * cagent created too: a failed apply rolls back to exactly what was there before it. Undo deletes
 * an account cagent created and restores the attributes it changed on one it did not.
 */
final class UserAccountHandler implements StepHandler<UserAccount> {

    static final String CREATED = "user.created";
    static final String ATTRIBUTE = "user.attribute";
    static final String PASSWORD_SET = "user.password";

    /** Attributes whose difference means "another account of that name", not drift. */
    private static final Set<String> IDENTITY = Set.of("UniqueID", "PrimaryGroupID", "NFSHomeDirectory");

    @Override
    public Class<UserAccount> stepType() {
        return UserAccount.class;
    }

    @Override
    public Set<String> journalKinds() {
        return Set.of(CREATED, ATTRIBUTE, PASSWORD_SET);
    }

    @Override
    public List<Change> diff(UserAccount user, Context ctx) {
        String path = "/Users/" + user.name();
        Map<String, String> wanted = wantedAttributes(user, ctx);
        Optional<DsRecord> record = ctx.view().user(user.name());
        if (record.isEmpty()) {
            List<Op> writes = new ArrayList<>();
            writes.add(Op.root(MacCommands.createRecord(path)));
            wanted.forEach((key, value) -> writes.add(Op.root(MacCommands.setAttribute(path, key, value))));
            if (user.password() instanceof Password.Given given) {
                writes.add(Op.root(MacCommands.setPassword(user.name(), given.secret())));
            } else {
                writes.add(Op.root(MacCommands.setAttribute(path, "Password", "*")));
            }
            writes.add(Op.root(MacCommands.flushDirectoryCache()));
            return List.of(new Change("account " + user.name(), "UID " + ctx.ids().uid() + ", hidden=" + user.hidden(), "missing", writes,
                    List.of(Journal.Entry.of(CREATED, "user", user.name(), "uid", Integer.toString(ctx.ids().uid())))));
        }
        DsRecord existing = record.get();
        boolean ours = ctx.journal().has(CREATED, e -> e.get("user").equals(user.name()));
        if (!ours) {
            Optional<String> administrator = administratorGroup(user.name(), existing, ctx);
            if (administrator.isPresent()) {
                ctx.refuse("user " + user.name() + " already exists and is an administrator (" + administrator.get() + "): it cannot be the"
                        + " low-privilege agent; choose another name for the agent, or take it out of that group first");
                return List.of();
            }
        }
        List<Change> changes = new ArrayList<>();
        wanted.forEach((key, value) -> {
            List<String> actual = existing.values(key);
            if (actual.equals(List.of(value)) || (key.equals("IsHidden") && value.equals("0") && actual.isEmpty())) {
                return;
            }
            String actualText = actual.isEmpty() ? "missing" : String.join(" ", actual);
            if (!ours && IDENTITY.contains(key)) {
                // a UniqueID that differs has been refused by IdResolver already, with the holder named
                if (!key.equals("UniqueID")) {
                    ctx.refuse("user " + user.name() + " already exists with " + key + " " + actualText + ", the plan says " + value
                            + ": it is another account; choose another name for the agent, or adopt it with " + adoptingSetting(key, actualText, ctx));
                }
                return;
            }
            changes.add(new Change(key, value, actualText, List.of(Op.root(MacCommands.setAttribute(path, key, value))),
                    List.of(attributeEntry(user.name(), key, actual))));
        });
        if (existing.values("GeneratedUID").isEmpty()) {
            String uuid = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
            changes.add(new Change("GeneratedUID", "a UUID", "missing", List.of(Op.root(MacCommands.setAttribute(path, "GeneratedUID", uuid))),
                    ours ? List.of() : List.of(attributeEntry(user.name(), "GeneratedUID", List.of()))));
        }
        passwordChange(user, existing, ours, ctx).ifPresent(changes::add);
        return Change.thenFlushDirectoryCache(changes);
    }

    /** How an existing account is an administrator, if it is: its primary group, or an explicit membership. */
    private static Optional<String> administratorGroup(String name, DsRecord existing, Context ctx) {
        for (Map.Entry<String, Integer> group : Lint.ADMINISTRATOR_GROUPS.entrySet()) {
            if (existing.values("PrimaryGroupID").contains(Integer.toString(group.getValue()))) {
                return Optional.of("primary group " + group.getKey() + ", " + group.getValue());
            }
            if (ctx.view().group(group.getKey()).map(g -> g.values("GroupMembership").contains(name)).orElse(false)) {
                return Optional.of("member of " + group.getKey());
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> wantedAttributes(UserAccount user, Context ctx) {
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put("RealName", user.realName());
        wanted.put("UniqueID", Integer.toString(ctx.ids().uid()));
        wanted.put("PrimaryGroupID", Integer.toString(ctx.ids().primaryGid()));
        wanted.put("UserShell", user.shell());
        wanted.put("NFSHomeDirectory", user.home());
        wanted.put("IsHidden", user.hidden() ? "1" : "0");
        return wanted;
    }

    /**
     * The plan setting that makes the plan match an existing account's identity attribute: for a
     * primary GID no group holds, the collaboration group made with that GID.
     */
    private static String adoptingSetting(String key, String value, Context ctx) {
        if (key.equals("NFSHomeDirectory")) {
            return "home(\"" + value + "\")";
        }
        boolean held = value.matches("\\d+") && ctx.view().groupWithGid(Integer.parseInt(value)).isPresent();
        return !held && ctx.plan().step(CollaborationGroup.class).isPresent() ? "collaborationGroupId(" + value + ")" : "primaryGroupId(" + value + ")";
    }

    private static Optional<Change> passwordChange(UserAccount user, DsRecord existing, boolean ours, Context ctx) {
        String path = "/Users/" + user.name();
        boolean hasPassword = existing.values("Password").contains("********")
                || existing.values("AuthenticationAuthority").stream().anyMatch(a -> a.contains(";ShadowHash;"));
        if (user.password() instanceof Password.Given given) {
            if (hasPassword) {
                return Optional.empty(); // cagent cannot read a password back; it sets one only where there is none
            }
            // on an account cagent did not make, undo also puts the Password attribute back as it was (first the
            // password goes, then the attribute: entries are taken back newest first)
            List<Journal.Entry> journal = ours ? List.of(Journal.Entry.of(PASSWORD_SET, "user", user.name()))
                    : List.of(attributeEntry(user.name(), "Password", existing.values("Password")), Journal.Entry.of(PASSWORD_SET, "user", user.name()));
            return Optional.of(new Change("password", "set", "none", List.of(Op.root(MacCommands.setPassword(user.name(), given.secret()))), journal));
        }
        if (hasPassword) {
            if (!ours) {
                ctx.refuse("user " + user.name() + " already has a password and the plan says none: remove it first (dscl . -create "
                        + path + " Password '*'; dscl . -delete " + path + " AuthenticationAuthority) or plan a password");
                return Optional.empty();
            }
            return Optional.of(new Change("password", "none", "set", removePassword(path, existing), List.of()));
        }
        if (!existing.values("Password").equals(List.of("*"))) {
            List<String> old = existing.values("Password");
            return Optional.of(new Change("Password", "*", old.isEmpty() ? "missing" : "set", List.of(Op.root(MacCommands.setAttribute(path, "Password", "*"))),
                    List.of(attributeEntry(user.name(), "Password", old))));
        }
        return Optional.empty();
    }

    /** Remembers an attribute's old values, all of them as items; no "old" field means it was absent. */
    private static Journal.Entry attributeEntry(String user, String key, List<String> old) {
        return old.isEmpty() ? Journal.Entry.of(ATTRIBUTE, "user", user, "key", key)
                : Journal.Entry.of(ATTRIBUTE, "user", user, "key", key, "old", old.get(0)).withItems(old);
    }

    /** Writes that leave an account with no usable password: nobody can log in, sudo still can start it. */
    private static List<Op> removePassword(String path, DsRecord existing) {
        List<Op> writes = new ArrayList<>();
        writes.add(Op.root(MacCommands.setAttribute(path, "Password", "*")));
        // the hash is in ShadowHashData, which only root's read shows: a ShadowHash authority says it is there
        boolean shadowHash = !existing.values("ShadowHashData").isEmpty()
                || existing.values("AuthenticationAuthority").stream().anyMatch(a -> a.contains(";ShadowHash;"));
        if (!existing.values("AuthenticationAuthority").isEmpty()) {
            writes.add(Op.root(MacCommands.deleteAttribute(path, "AuthenticationAuthority")));
        }
        if (shadowHash) {
            writes.add(Op.root(MacCommands.deleteAttribute(path, "ShadowHashData")));
        }
        return writes;
    }

    @Override
    public UndoAction undo(Journal.Entry entry, Context ctx) {
        String user = entry.get("user");
        String path = "/Users/" + user;
        Optional<DsRecord> record = ctx.view().user(user);
        switch (entry.kind()) {
            case CREATED -> {
                if (record.isEmpty()) {
                    return UndoAction.nothingLeft("delete user " + user);
                }
                return UndoAction.run("deleted user " + user, List.of(Op.root(MacCommands.deleteRecord(path)), Op.root(MacCommands.flushDirectoryCache())));
            }
            case ATTRIBUTE -> {
                String key = entry.get("key");
                Optional<String> old = entry.find("old");
                if (record.isEmpty()) {
                    return UndoAction.nothingLeft("restore " + key + " of " + user);
                }
                if (old.isEmpty()) {
                    return record.get().values(key).isEmpty() ? UndoAction.nothingLeft("remove " + key + " of " + user)
                            : UndoAction.run("removed " + key + " of " + user, List.of(Op.root(MacCommands.deleteAttribute(path, key))));
                }
                List<String> values = entry.items().isEmpty() ? List.of(old.get()) : entry.items();
                return UndoAction.run("restored " + key + " of " + user + " to " + String.join(", ", values),
                        List.of(Op.root(MacCommands.setAttribute(path, key, values))));
            }
            case PASSWORD_SET -> {
                if (record.isEmpty()) {
                    return UndoAction.nothingLeft("remove the password of " + user);
                }
                return UndoAction.run("removed the password cagent set on " + user, removePassword(path, record.get()));
            }
            default -> throw new IllegalStateException("not a user entry: " + entry.kind());
        }
    }
}
