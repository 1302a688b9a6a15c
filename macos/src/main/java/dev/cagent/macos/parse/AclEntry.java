package dev.cagent.macos.parse;

import dev.cagent.AclRight;
import dev.cagent.Texts;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of a macOS ACL as {@code ls -le} prints it under a file, e.g.
 * {@code " 0: user:meeseeks deny list,add_file,search"}, and as {@code chmod +a}/{@code -a} reads it.
 *
 * @param index     its position in the listing (0-based), or {@link #NOT_LISTED} for an entry
 *                  cagent wants rather than one it read
 * @param inherited whether it was inherited from a parent directory
 * @param allow     {@code true} for allow, {@code false} for deny
 */
public record AclEntry(int index, Principal principal, boolean inherited, boolean allow, Set<AclRight> rights, Set<AclFlag> flags) {

    /** The index of an entry that was not read from a listing. */
    public static final int NOT_LISTED = -1;

    /**
     * Whom an entry is about. A deleted user or group is shown as its bare UUID: such an entry can
     * only be removed by its index.
     */
    public record Principal(Kind kind, String name) {

        public enum Kind { USER, GROUP, UUID }

        private static final Pattern UUID_TEXT = Pattern.compile("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");

        public Principal {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || name.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
                throw new IllegalArgumentException("ACL principal name " + Texts.visible(name) + " is empty or holds a control character");
            }
            if (kind == Kind.UUID && !UUID_TEXT.matcher(name).matches()) {
                throw new IllegalArgumentException("ACL principal " + Texts.visible(name) + " is not a UUID such as 6A1B2C3D-0000-4000-8000-0123456789AB");
            }
        }

        public static Principal user(String name) {
            return new Principal(Kind.USER, name);
        }

        public static Principal group(String name) {
            return new Principal(Kind.GROUP, name);
        }

        /** As {@code ls} prints it: {@code user:NAME}, {@code group:NAME} or the bare UUID. */
        public String text() {
            return switch (kind) {
                case USER -> "user:" + name;
                case GROUP -> "group:" + name;
                case UUID -> name;
            };
        }

        static Principal parse(String text) {
            if (text.startsWith("user:")) {
                return user(text.substring("user:".length()));
            }
            if (text.startsWith("group:")) {
                return group(text.substring("group:".length()));
            }
            return new Principal(Kind.UUID, text);
        }
    }

    // The principal is taken as short as the rest of the line allows: group names may hold blanks.
    private static final Pattern LS_LINE = Pattern.compile(" (\\d+): (.+?)( inherited)? (allow|deny) ([a-z_,]*)");

    public AclEntry {
        if (index < NOT_LISTED) {
            throw new IllegalArgumentException("ACL entry index must be 0 or more (or NOT_LISTED), was " + index);
        }
        Objects.requireNonNull(principal, "principal");
        rights = Collections.unmodifiableSet(rights.isEmpty() ? EnumSet.noneOf(AclRight.class) : EnumSet.copyOf(rights));
        flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(AclFlag.class) : EnumSet.copyOf(flags));
    }

    /** An entry cagent wants on a file: not inherited, not read from a listing. */
    public static AclEntry of(Principal principal, boolean allow, Set<AclRight> rights, Set<AclFlag> flags) {
        return new AclEntry(NOT_LISTED, principal, false, allow, rights, flags);
    }

    /**
     * Parses one ACE line of {@code ls -le}. Right names are read in either spelling
     * ({@code read} or {@code list}...), since the line alone does not tell a file from a directory.
     *
     * @throws IllegalStateException quoting the line when it is not an ACE line
     */
    public static AclEntry parseLsLine(String line) {
        Matcher m = LS_LINE.matcher(line);
        if (!m.matches()) {
            throw new IllegalStateException("not an ACL entry line of ls -le: " + Texts.visible(line)
                    + " (expected e.g. ' 0: user:NAME deny list,add_file,search')");
        }
        Principal principal;
        try {
            principal = Principal.parse(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("ACL entry line " + Texts.visible(line) + " names no user:, group: or UUID principal", e);
        }
        Set<AclRight> rights = EnumSet.noneOf(AclRight.class);
        Set<AclFlag> flags = EnumSet.noneOf(AclFlag.class);
        String words = m.group(5);
        for (String word : words.isEmpty() ? new String[0] : words.split(",", -1)) {
            var flag = AclFlag.fromText(word);
            if (flag.isPresent()) {
                flags.add(flag.get());
            } else {
                rights.add(right(word, line));
            }
        }
        return new AclEntry(Integer.parseInt(m.group(1)), principal, m.group(3) != null, m.group(4).equals("allow"), rights, flags);
    }

    private static AclRight right(String word, String line) {
        for (AclRight right : AclRight.values()) {
            if (word.equals(right.nameOn(true)) || word.equals(right.nameOn(false))) {
                return right;
            }
        }
        throw new IllegalStateException("ACL entry line " + Texts.visible(line) + " holds the unknown right or flag " + Texts.visible(word));
    }

    /**
     * The entry as {@code chmod +a} and {@code chmod -a} read it: principal, allow or deny, then
     * the rights in the order {@code ls} prints them, named for the object type, then the flags
     * ({@code inherited} last, when set), e.g. {@code user:meeseeks deny list,add_file,search}. A
     * name holding blanks is written with {@code :} as the separator
     * ({@code group:Lab Staff:allow:list}), the form chmod reads for such names.
     *
     * @throws IllegalStateException when chmod cannot express it: a UUID principal (remove such an
     *                               entry by index), a name holding {@code :}, a right or flag the
     *                               object type does not have, or no right and no flag at all
     */
    public String toChmodText(boolean directory) {
        if (principal.kind() == Principal.Kind.UUID) {
            throw new IllegalStateException("ACL entry " + principal.name() + " names a deleted user or group by UUID, which chmod cannot translate: remove it by index (chmod -a# " + index + ")");
        }
        if (principal.name().indexOf(':') >= 0) {
            throw new IllegalStateException("ACL principal " + Texts.visible(principal.name()) + " contains ':', which chmod reads as a separator: it cannot be named in chmod text");
        }
        StringJoiner words = new StringJoiner(",");
        String object = directory ? "a directory" : "a file";
        for (AclRight right : rights) {
            String name = right.nameOn(directory);
            if (name == null) {
                throw new IllegalStateException("right " + right + " does not exist on " + object + ": " + this);
            }
            words.add(name);
        }
        for (AclFlag flag : flags) {
            if (flag.directoryOnly() && !directory) {
                throw new IllegalStateException("flag " + flag.text() + " applies to directories only: " + this);
            }
            words.add(flag.text());
        }
        if (inherited) {
            words.add("inherited");
        }
        if (words.length() == 0) {
            throw new IllegalStateException("ACL entry for " + principal.text() + " has no right and no flag: chmod refuses it");
        }
        String separator = principal.name().contains(" ") ? ":" : " ";
        return principal.text() + separator + (allow ? "allow" : "deny") + separator + words;
    }

    /** Whether both say the same (principal, allow or deny, inherited, rights, flags), wherever they stand in the list. */
    public boolean sameEntryAs(AclEntry other) {
        return principal.equals(other.principal) && inherited == other.inherited && allow == other.allow
                && rights.equals(other.rights) && flags.equals(other.flags);
    }
}
