package dev.cagent.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The whole state of a {@link FakeMac} as a value: every user and group record with all its
 * attributes, the password hashes (which change when a password changes and reveal nothing), and
 * every file system object. Two snapshots are equal when the machines are; {@link #diff} says
 * how they differ, for test failure messages. The recording, the caller and times are not part of it.
 *
 * @param users          user name to attribute (short name) to values
 * @param groups         group name to attribute (short name) to values
 * @param files          absolute path to the object there
 * @param passwordHashes user name to its salted password hash
 */
public record MacSnapshot(Map<String, Map<String, List<String>>> users, Map<String, Map<String, List<String>>> groups,
                          Map<String, Entry> files, Map<String, String> passwordHashes) {

    /**
     * One file system object.
     *
     * @param acl     the entries in order, as {@code ls -le} prints them without the index
     * @param content a file's text; empty for directories and links
     */
    public record Entry(FileInfo.Type type, int uid, int gid, int mode, boolean restricted, List<String> acl,
                        String content, String linkTarget) {
        public Entry {
            Objects.requireNonNull(type, "type");
            acl = List.copyOf(acl);
            Objects.requireNonNull(content, "content");
        }

        private String describe() {
            return type.name().toLowerCase(java.util.Locale.ROOT) + " " + uid + ":" + gid + " " + String.format("%04o", mode)
                    + (acl.isEmpty() ? "" : " " + acl) + (linkTarget == null ? "" : " -> " + linkTarget);
        }
    }

    public MacSnapshot {
        users = records(users);
        groups = records(groups);
        files = Collections.unmodifiableMap(new TreeMap<>(files));
        passwordHashes = Collections.unmodifiableMap(new TreeMap<>(passwordHashes));
    }

    private static Map<String, Map<String, List<String>>> records(Map<String, Map<String, List<String>>> records) {
        Map<String, Map<String, List<String>>> copy = new TreeMap<>();
        records.forEach((name, attributes) -> {
            Map<String, List<String>> attributeCopy = new TreeMap<>();
            attributes.forEach((key, values) -> attributeCopy.put(key, List.copyOf(values)));
            copy.put(name, Collections.unmodifiableMap(attributeCopy));
        });
        return Collections.unmodifiableMap(copy);
    }

    /** What changed from this snapshot to {@code other}, one readable line per difference; empty when equal. */
    public List<String> diff(MacSnapshot other) {
        List<String> lines = new ArrayList<>();
        diffRecords("user", users, other.users, lines);
        for (String user : union(passwordHashes.keySet(), other.passwordHashes.keySet())) {
            if (!Objects.equals(passwordHashes.get(user), other.passwordHashes.get(user))) {
                lines.add("user " + user + ": password " + (other.passwordHashes.containsKey(user) ? "changed" : "removed"));
            }
        }
        diffRecords("group", groups, other.groups, lines);
        for (String path : union(files.keySet(), other.files.keySet())) {
            Entry before = files.get(path);
            Entry after = other.files.get(path);
            if (before == null) {
                lines.add(path + ": added (" + after.describe() + ")");
            } else if (after == null) {
                lines.add(path + ": removed (" + before.describe() + ")");
            } else if (!before.equals(after)) {
                diffEntry(path, before, after, lines);
            }
        }
        return lines;
    }

    private static void diffRecords(String kind, Map<String, Map<String, List<String>>> before,
                                    Map<String, Map<String, List<String>>> after, List<String> lines) {
        for (String name : union(before.keySet(), after.keySet())) {
            Map<String, List<String>> a = before.get(name);
            Map<String, List<String>> b = after.get(name);
            if (a == null) {
                lines.add(kind + " " + name + ": added " + b);
            } else if (b == null) {
                lines.add(kind + " " + name + ": removed");
            } else {
                for (String key : union(a.keySet(), b.keySet())) {
                    if (!Objects.equals(a.get(key), b.get(key))) {
                        lines.add(kind + " " + name + ": " + key + " " + show(a.get(key)) + " -> " + show(b.get(key)));
                    }
                }
            }
        }
    }

    private static void diffEntry(String path, Entry a, Entry b, List<String> lines) {
        if (a.type() != b.type()) {
            lines.add(path + ": type " + a.type() + " -> " + b.type());
        }
        if (a.uid() != b.uid() || a.gid() != b.gid()) {
            lines.add(path + ": owner " + a.uid() + ":" + a.gid() + " -> " + b.uid() + ":" + b.gid());
        }
        if (a.mode() != b.mode()) {
            lines.add(path + String.format(": mode %04o -> %04o", a.mode(), b.mode()));
        }
        if (a.restricted() != b.restricted()) {
            lines.add(path + ": restricted " + a.restricted() + " -> " + b.restricted());
        }
        if (!a.acl().equals(b.acl())) {
            lines.add(path + ": acl " + a.acl() + " -> " + b.acl());
        }
        if (!a.content().equals(b.content())) {
            lines.add(path + ": content changed (" + a.content().length() + " -> " + b.content().length() + " characters)");
        }
        if (!Objects.equals(a.linkTarget(), b.linkTarget())) {
            lines.add(path + ": link " + a.linkTarget() + " -> " + b.linkTarget());
        }
    }

    private static String show(List<String> values) {
        return values == null ? "(none)" : values.toString();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /** A summary; use {@link #diff} to see contents. */
    @Override
    public String toString() {
        return "MacSnapshot[" + users.size() + " users, " + groups.size() + " groups, " + files.size() + " file system objects]";
    }
}
