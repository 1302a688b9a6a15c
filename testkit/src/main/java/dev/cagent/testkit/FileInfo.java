package dev.cagent.testkit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One file system entry as {@code ls -led} and {@code stat} would show it.
 *
 * @param type       directory, regular file or symbolic link
 * @param owner      the owner's name, or the number when no user has that UID (as {@code ls} prints it)
 * @param group      the group's name, or the number
 * @param uid        the owner's UID
 * @param gid        the group's GID
 * @param mode       the twelve permission bits, setuid, setgid and sticky included (e.g. {@code 02770})
 * @param restricted whether SIP protects it (the {@code restricted} flag of {@code ls -ldO})
 * @param acl        the ACL entries in order, each as {@code ls -le} prints it without the {@code " N: "}
 *                   index, e.g. {@code group:everyone deny delete}
 * @param linkTarget the target of a symbolic link exactly as stored; {@code null} for other types
 */
public record FileInfo(Type type, String owner, String group, int uid, int gid, int mode, boolean restricted,
                       List<String> acl, String linkTarget) {

    /** The kinds of entries the fake Mac models. */
    public enum Type {
        DIRECTORY, FILE, SYMLINK
    }

    public FileInfo {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(group, "group");
        acl = List.copyOf(acl);
        if ((type == Type.SYMLINK) != (linkTarget != null)) {
            throw new IllegalArgumentException("a link target belongs to symbolic links only");
        }
    }

    /** The link target, for symbolic links. */
    public Optional<String> link() {
        return Optional.ofNullable(linkTarget);
    }

    /** The mode as four octal digits, e.g. {@code 2770}. */
    public String octalMode() {
        return String.format("%04o", mode);
    }
}
