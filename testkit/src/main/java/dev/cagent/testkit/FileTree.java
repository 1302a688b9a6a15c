package dev.cagent.testkit;

import dev.cagent.AclRight;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The file system: path resolution through symbolic links and the macOS access rules (ACL
 * entries in order before the POSIX bits, explicit group membership, root, SIP).
 */
final class FileTree {

    private static final int MAX_SYMLINKS = 32;

    /** PATH_MAX: a path of this many bytes or more (its terminating NUL included) is refused. */
    private static final int PATH_MAX = 1024;

    /** The longest name APFS takes, counted (as Finder and the system calls do) in UTF-16 units. */
    private static final int NAME_MAX = 255;

    final Node root = Node.directory(0, 0, 0755);
    private final DirectoryServices directory;

    FileTree(DirectoryServices directory) {
        this.directory = directory;
    }

    /**
     * Where a path led. {@code node} is null when only the last name is missing (then
     * {@code parent} is the directory it would be created in); {@code error} is set when
     * resolution itself failed. {@code path} is the resolved absolute path.
     */
    record Lookup(Node node, Node parent, String name, String path, Errno error) {
        boolean found() {
            return error == null && node != null;
        }

        /** The error of using this lookup as an existing object. */
        Errno missing() {
            return error != null ? error : node == null ? Errno.ENOENT : null;
        }
    }

    /**
     * Resolves {@code path} (relative to the process's working directory when not absolute),
     * checking search permission on every directory passed through for {@code who} (no checks
     * when null), following symbolic links, the last one only when {@code followLast}.
     */
    Lookup lookup(Proc who, String path, boolean followLast) {
        if (tooLong(path)) {
            return failed(Errno.ENAMETOOLONG);
        }
        String absolute = path.startsWith("/") ? path : (who == null || who.cwd() == null ? "/" : who.cwd()) + "/" + path;
        Deque<String> todo = new ArrayDeque<>(components(absolute));
        List<Node> nodes = new ArrayList<>(List.of(root));
        List<String> names = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst();
            if (name.equals(".")) {
                continue;
            }
            Node current = nodes.get(nodes.size() - 1);
            if (name.equals("..")) {
                if (nodes.size() > 1) {
                    nodes.remove(nodes.size() - 1);
                    names.remove(names.size() - 1);
                }
                continue;
            }
            if (!current.isDirectory()) {
                return failed(Errno.ENOTDIR);
            }
            if (who != null && !may(who, current, AclRight.EXECUTE)) {
                return failed(Errno.EACCES);
            }
            Node child = current.children.get(name);
            boolean last = todo.stream().allMatch("."::equals);
            if (child == null) {
                return last ? new Lookup(null, current, name, join(names, name), null) : failed(Errno.ENOENT);
            }
            if (child.isLink() && (!last || followLast)) {
                if (++links > MAX_SYMLINKS) {
                    return failed(Errno.ELOOP);
                }
                List<String> target = components(child.target);
                for (int i = target.size() - 1; i >= 0; i--) {
                    todo.addFirst(target.get(i));
                }
                if (child.target.startsWith("/")) {
                    nodes.subList(1, nodes.size()).clear();
                    names.clear();
                }
                continue;
            }
            nodes.add(child);
            names.add(name);
        }
        Node node = nodes.get(nodes.size() - 1);
        Node parent = nodes.size() > 1 ? nodes.get(nodes.size() - 2) : null;
        return new Lookup(node, parent, names.isEmpty() ? "/" : names.get(names.size() - 1), join(names, null), null);
    }

    /** The kernel refuses a path of PATH_MAX bytes or more, or with a name longer than NAME_MAX, before it looks at anything. */
    private static boolean tooLong(String path) {
        return path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= PATH_MAX
                || components(path).stream().anyMatch(name -> name.length() > NAME_MAX);
    }

    private static Lookup failed(Errno errno) {
        return new Lookup(null, null, null, null, errno);
    }

    private static List<String> components(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private static String join(List<String> names, String last) {
        List<String> all = new ArrayList<>(names);
        if (last != null) {
            all.add(last);
        }
        return "/" + String.join("/", all);
    }

    // --- access rules ----------------------------------------------------------------------

    /** Whether {@code who} holds {@code right} on {@code node} (SIP is checked by the callers that change things). */
    boolean may(Proc who, Node node, AclRight right) {
        if (who.isRoot()) {
            return true;
        }
        DirectoryServices.Identity id = directory.identity(who.user(), who.uid());
        Boolean decided = aclDecision(id, node, right);
        return decided != null ? decided : posixAllows(id, node, right);
    }

    /** The first entry that applies to the user and names the right decides; null when none does. */
    private static Boolean aclDecision(DirectoryServices.Identity id, Node node, AclRight right) {
        for (Ace ace : node.acl) {
            if (ace.appliesToObjectItself() && ace.rights().contains(right) && appliesTo(id, ace)) {
                return ace.allow();
            }
        }
        return null;
    }

    private static boolean appliesTo(DirectoryServices.Identity id, Ace ace) {
        return ace.principal().equals(id.uuid()) || id.explicitGroupUuids().contains(ace.principal());
    }

    private static boolean posixAllows(DirectoryServices.Identity id, Node node, AclRight right) {
        boolean owner = id.uid() == node.uid;
        int bits = owner ? node.mode >> 6
                : node.gid == id.primaryGid() || id.explicitGids().contains(node.gid) ? node.mode >> 3 : node.mode;
        return switch (right) {
            case READ_DATA -> (bits & 4) != 0;
            case WRITE_DATA, APPEND_DATA, DELETE_CHILD -> (bits & 2) != 0;
            case EXECUTE -> (bits & 1) != 0;
            case READ_ATTRIBUTES, READ_EXTATTRIBUTES, READ_SECURITY -> true;
            case WRITE_ATTRIBUTES, WRITE_EXTATTRIBUTES, WRITE_SECURITY, CHANGE_OWNER -> owner;
            case DELETE -> false;
        };
    }

    /** Adding an entry to a directory: SIP refuses it, else add_file (add_subdirectory for a directory). */
    Errno checkAdd(Proc who, Node directory, boolean addingDirectory) {
        if (directory.restricted) {
            return Errno.EPERM;
        }
        return may(who, directory, addingDirectory ? AclRight.APPEND_DATA : AclRight.WRITE_DATA) ? null : Errno.EACCES;
    }

    /**
     * Removing or renaming {@code child} out of {@code parent}: the child's own ACL may deny or
     * allow delete; else the parent's delete_child entry; else write on the parent, and in a
     * sticky directory only the owner of the child or of the directory may.
     */
    Errno checkDelete(Proc who, Node parent, Node child) {
        if (parent.restricted || child.restricted) {
            return Errno.EPERM;
        }
        if (who.isRoot()) {
            return null;
        }
        DirectoryServices.Identity id = directory.identity(who.user(), who.uid());
        Boolean own = aclDecision(id, child, AclRight.DELETE);
        if (own != null) {
            return own ? null : Errno.EACCES;
        }
        Boolean viaParent = aclDecision(id, parent, AclRight.DELETE_CHILD);
        if (viaParent != null) {
            return viaParent ? null : Errno.EACCES;
        }
        if (!posixAllows(id, parent, AclRight.WRITE_DATA)) {
            return Errno.EACCES;
        }
        if (parent.sticky() && id.uid() != child.uid && id.uid() != parent.uid) {
            return Errno.EACCES;
        }
        return null;
    }

    /** Writing a file's content. */
    Errno checkWrite(Proc who, Node file) {
        if (file.isDirectory()) {
            return Errno.EISDIR;
        }
        if (file.restricted) {
            return Errno.EPERM;
        }
        return may(who, file, AclRight.WRITE_DATA) ? null : Errno.EACCES;
    }

    /** Changing mode, ACL or owner: only the owner or root, never under SIP. */
    Errno checkOwnerChange(Proc who, Node node) {
        if (node.restricted) {
            return Errno.EPERM;
        }
        return who.isRoot() || who.uid() == node.uid ? null : Errno.EPERM;
    }

    /** Creates {@code name} in {@code parent}: owned by the process, group of the directory (BSD), ACL inherited. */
    Node create(Proc who, Node parent, String name, FileInfo.Type type, int mode, String content) {
        Node node = switch (type) {
            case DIRECTORY -> Node.directory(who.uid(), parent.gid, mode);
            case FILE -> Node.file(who.uid(), parent.gid, mode, content);
            case SYMLINK -> throw new IllegalArgumentException("symbolic links are created with link()");
        };
        node.acl = new ArrayList<>(Acl.inherit(parent.acl, type == FileInfo.Type.DIRECTORY));
        parent.children.put(name, node);
        return node;
    }

    /** Every object below {@code node}, depth first, parents before children; symbolic links are listed, not followed. */
    static void walk(String path, Node node, java.util.function.BiConsumer<String, Node> visitor) {
        visitor.accept(path, node);
        if (node.isDirectory()) {
            for (var e : node.children.entrySet()) {
                walk(path.equals("/") ? "/" + e.getKey() : path + "/" + e.getKey(), e.getValue(), visitor);
            }
        }
    }

    /** The owner's name as {@code ls} prints it: the number when no user has the UID. */
    String ownerName(int uid) {
        return directory.userName(uid).orElse(Integer.toString(uid));
    }

    String groupName(int gid) {
        return directory.groupName(gid).orElse(Integer.toString(gid));
    }

    List<String> aclLines(Node node) {
        return node.acl.stream().map(ace -> ace.render(node.isDirectory(), directory::principalName)).toList();
    }

    FileInfo info(Node node) {
        return new FileInfo(node.type, ownerName(node.uid), groupName(node.gid), node.uid, node.gid, node.mode,
                node.restricted, aclLines(node), node.target);
    }
}
