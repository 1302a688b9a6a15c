package dev.cagent.testkit;

import dev.cagent.AclRight;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ACL rules of {@code chmod +a}/{@code -a} (Apple's file_cmds) and of the kernel's
 * inheritance on creation (XNU {@code kauth_acl_inherit}).
 */
final class Acl {

    /** Every right and flag name {@code chmod} accepts; directory and file spellings name the same bit. */
    private static final Map<String, AclRight> RIGHT_NAMES = new TreeMap<>();

    static {
        for (AclRight right : AclRight.values()) {
            for (boolean dir : new boolean[]{true, false}) {
                String name = right.nameOn(dir);
                if (name != null) {
                    RIGHT_NAMES.put(name, right);
                }
            }
        }
    }

    /** Resolves a name to a principal UUID; {@code user}/{@code group} say which kinds may match. */
    interface Resolver {
        Optional<String> uuid(String name, boolean user, boolean group);
    }

    /** A chmod ACE text that cannot be used; the message is what chmod prints after {@code chmod: }. */
    static final class BadEntry extends Exception {
        private static final long serialVersionUID = 1L;

        BadEntry(String message) {
            super(message, null, false, false);
        }
    }

    private Acl() {
    }

    /**
     * Parses chmod's ACE syntax: {@code [user:|group:]NAME allow|deny RIGHT[,RIGHT...][,FLAG...]}.
     * As in chmod, the name ends at the first {@code :} when the rest contains one, else at the
     * first blank; the verb ends at the next {@code :} or blank.
     */
    static Ace parse(String text, Resolver resolver) throws BadEntry {
        boolean user = true;
        boolean group = true;
        String rest = text;
        if (rest.startsWith("user:")) {
            group = false;
            rest = rest.substring(5);
        } else if (rest.startsWith("group:")) {
            user = false;
            rest = rest.substring(6);
        }
        char delimiter = rest.indexOf(':') >= 0 ? ':' : ' ';
        int end = rest.indexOf(delimiter);
        String name = end < 0 ? rest : rest.substring(0, end);
        rest = end < 0 ? "" : rest.substring(end + 1);
        if (name.isEmpty()) {
            throw new BadEntry("Invalid entry format -- expected user or group name");
        }
        String principal = resolver.uuid(name, user, group)
                .orElseThrow(() -> new BadEntry("Unable to translate '" + name + "' to a UUID"));
        int verbEnd = firstOf(rest, ": ");
        String verb = verbEnd < 0 ? rest : rest.substring(0, verbEnd);
        rest = verbEnd < 0 ? "" : rest.substring(verbEnd + 1);
        boolean allow;
        if (verb.equals("allow")) {
            allow = true;
        } else if (verb.equals("deny")) {
            allow = false;
        } else if (verb.isEmpty()) {
            throw new BadEntry("Invalid entry format -- expected allow or deny");
        } else {
            throw new BadEntry("Unknown tag type '" + verb + "'");
        }
        Set<AclRight> rights = EnumSet.noneOf(AclRight.class);
        Set<Ace.Flag> flags = EnumSet.noneOf(Ace.Flag.class);
        boolean inherited = false;
        int count = 0;
        for (String token : rest.split(",", -1)) {
            if (token.isEmpty()) {
                continue;
            }
            count++;
            AclRight right = RIGHT_NAMES.get(token);
            Optional<Ace.Flag> flag = flag(token);
            if (right != null) {
                rights.add(right);
            } else if (flag.isPresent()) {
                flags.add(flag.get());
            } else if (token.equals("inherited")) {
                inherited = true;
            } else {
                throw new BadEntry("Invalid permission type '" + token + "'");
            }
        }
        if (count == 0) {
            throw new BadEntry("No permissions specified");
        }
        return new Ace(principal, allow, rights, flags, inherited);
    }

    private static Optional<Ace.Flag> flag(String token) {
        for (Ace.Flag flag : Ace.Flag.values()) {
            if (flag.text().equals(token)) {
                return Optional.of(flag);
            }
        }
        return Optional.empty();
    }

    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Entries must never score higher than the one before them. */
    static boolean isCanonical(List<Ace> acl) {
        for (int i = 1; i < acl.size(); i++) {
            if (acl.get(i).score() > acl.get(i - 1).score()) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code chmod +a}: an entry with the same principal, kind and flags gains the new rights
     * (identical text changes nothing); otherwise the entry goes to the top of its canonical block.
     * The caller checks canonical order first.
     */
    static List<Ace> add(List<Ace> acl, Ace entry) {
        List<Ace> result = new ArrayList<>(acl);
        for (int i = 0; i < result.size(); i++) {
            Ace existing = result.get(i);
            if (existing.sameTarget(entry) && existing.sameFlags(entry)) {
                Set<AclRight> merged = EnumSet.noneOf(AclRight.class);
                merged.addAll(existing.rights());
                merged.addAll(entry.rights());
                result.set(i, existing.withRights(merged));
                return result;
            }
        }
        int position = 0;
        while (position < result.size() && entry.score() < result.get(position).score()) {
            position++;
        }
        result.add(position, entry);
        return result;
    }

    /**
     * {@code chmod -a}, as file_cmds' {@code modify_acl} does it: EVERY entry with the same principal
     * and kind either matches exactly (same rights and flags: removed) or loses the listed rights
     * and flags (removed when no right is left). Empty when nothing had the same principal and kind.
     */
    static Optional<List<Ace>> remove(List<Ace> acl, Ace entry) {
        List<Ace> result = new ArrayList<>();
        boolean matched = false;
        for (Ace existing : acl) {
            if (!existing.sameTarget(entry)) {
                result.add(existing);
                continue;
            }
            matched = true;
            if (existing.rights().equals(entry.rights()) && existing.sameFlags(entry)) {
                continue;
            }
            Set<AclRight> rights = EnumSet.noneOf(AclRight.class);
            rights.addAll(existing.rights());
            rights.removeAll(entry.rights());
            if (rights.isEmpty()) {
                continue;
            }
            Set<Ace.Flag> flags = EnumSet.noneOf(Ace.Flag.class);
            flags.addAll(existing.flags());
            flags.removeAll(entry.flags());
            result.add(new Ace(existing.principal(), existing.allow(), rights, flags, existing.inherited() && !entry.inherited()));
        }
        return matched ? Optional.of(result) : Optional.empty();
    }

    /**
     * What a new object inherits from its directory (XNU): a directory takes the entries marked
     * directory_inherit, a file those marked file_inherit; each copy is marked inherited and loses
     * only_inherit; a file's copy, and any copy of a limit_inherit entry, loses every inheritance flag.
     * An entry marked file_inherit alone therefore never reaches files in subdirectories.
     */
    static List<Ace> inherit(List<Ace> parentAcl, boolean newObjectIsDirectory) {
        List<Ace> result = new ArrayList<>();
        for (Ace ace : parentAcl) {
            Ace.Flag needed = newObjectIsDirectory ? Ace.Flag.DIRECTORY_INHERIT : Ace.Flag.FILE_INHERIT;
            if (!ace.flags().contains(needed)) {
                continue;
            }
            Set<Ace.Flag> flags = EnumSet.noneOf(Ace.Flag.class);
            flags.addAll(ace.flags());
            flags.remove(Ace.Flag.ONLY_INHERIT);
            if (!newObjectIsDirectory || ace.flags().contains(Ace.Flag.LIMIT_INHERIT)) {
                flags.clear();
            }
            result.add(ace.withFlags(flags, true));
        }
        return result;
    }
}
