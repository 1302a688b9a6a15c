package dev.cagent.macos.parse;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One file as {@code ls -led} lists it.
 *
 * @param type       the first character of the mode string: {@code d}, {@code -}, {@code l}, {@code p}, {@code s}, {@code c}, {@code b}, {@code w}
 * @param mode       the twelve permission bits, setuid, setgid and sticky included (from {@code s}/{@code S}/{@code t}/{@code T})
 * @param owner      the owner's name, or its number when it has none
 * @param group      the group's name, or its number when it has none
 * @param size       in bytes; 0 for devices, whose major and minor numbers ls prints instead
 * @param path       as given to ls (the text after the date)
 * @param linkTarget what a symbolic link points to, as stored in it
 * @param acl        its ACL entries in order; empty when it has none
 */
public record LsEntry(char type, int mode, int links, String owner, String group, long size, String path,
                      Optional<String> linkTarget, List<AclEntry> acl) {

    public LsEntry {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(linkTarget, "linkTarget");
        acl = List.copyOf(acl);
    }

    public boolean isDirectory() {
        return type == 'd';
    }

    public boolean isSymlink() {
        return type == 'l';
    }

    public boolean isRegularFile() {
        return type == '-';
    }
}
