package dev.cagent.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** One file system object: directory, regular file or symbolic link, with owner, mode, flags and ACL. */
final class Node {

    final FileInfo.Type type;
    int uid;
    int gid;
    int mode;
    boolean restricted;
    /** Whether the object carries extended attributes (com.apple.*): {@code ls -l} then shows '@' where an ACL alone shows '+'. */
    boolean extendedAttributes;
    List<Ace> acl = new ArrayList<>();
    String content = "";
    /** How many directory entries name this object, for a regular file (hard links). */
    int fileLinks = 1;
    final String target;
    final TreeMap<String, Node> children;

    private Node(FileInfo.Type type, int uid, int gid, int mode, String target) {
        this.type = type;
        this.uid = uid;
        this.gid = gid;
        this.mode = mode;
        this.target = target;
        this.children = type == FileInfo.Type.DIRECTORY ? new TreeMap<>() : null;
    }

    static Node directory(int uid, int gid, int mode) {
        return new Node(FileInfo.Type.DIRECTORY, uid, gid, mode, null);
    }

    static Node file(int uid, int gid, int mode, String content) {
        Node node = new Node(FileInfo.Type.FILE, uid, gid, mode, null);
        node.content = content;
        return node;
    }

    static Node symlink(int uid, int gid, String target) {
        return new Node(FileInfo.Type.SYMLINK, uid, gid, 0755, target);
    }

    boolean isDirectory() {
        return type == FileInfo.Type.DIRECTORY;
    }

    boolean isLink() {
        return type == FileInfo.Type.SYMLINK;
    }

    boolean sticky() {
        return (mode & 01000) != 0;
    }

    /** APFS counts every entry of a directory, plus {@code .} and {@code ..}; a file, the entries naming it. */
    int linkCount() {
        return isDirectory() ? children.size() + 2 : type == FileInfo.Type.FILE ? fileLinks : 1;
    }

    /** One directory entry naming this object is gone (removed, or replaced by a rename). */
    void unlinked() {
        if (type == FileInfo.Type.FILE) {
            fileLinks--;
        }
    }

    /** APFS reports 32 bytes per directory link; a link's size is its target's length. */
    long size() {
        return switch (type) {
            case DIRECTORY -> 32L * linkCount();
            case FILE -> content.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            case SYMLINK -> target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        };
    }

    /** The {@code st_mode} type bits: {@code 040000}, {@code 0100000}, {@code 0120000}. */
    int typeBits() {
        return switch (type) {
            case DIRECTORY -> 040000;
            case FILE -> 0100000;
            case SYMLINK -> 0120000;
        };
    }
}
