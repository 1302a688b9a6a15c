package dev.cagent.macos.parse;

import dev.cagent.Texts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code /bin/ls -led} output, for one or many operands and for
 * {@code find ... -exec /bin/ls -led {} +} (several ls runs one after the other, each with its
 * own column widths).
 *
 * <p>An entry line is the mode string (type, nine permission characters, then {@code @},
 * {@code +} or a blank), the link count, owner, group, size, a date of two words and a time or a
 * year ({@code Dec  3 16:27}, {@code Dec  3  2025}; the words are not read, so any locale's month
 * names do), then the path. Each ACL entry follows on its own line ({@link AclEntry#parseLsLine}).
 *
 * <p>ls prints names raw, so a name holding a newline breaks its line in two. Rather than misread
 * such output, the parser refuses any line that is neither an entry nor an ACL line, ACL lines
 * under an entry whose mode shows neither {@code +} nor {@code @}, ACL indexes that do not
 * increase, and a {@code +} entry without ACL lines.
 */
public final class LsParser {

    private static final Pattern ENTRY = Pattern.compile(
            "([-bcdlpsw])([-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT])([@+ ]?) +(\\d+) (\\S+) +(\\S+) +(\\d+|\\d+, *\\d+|0x[0-9a-fA-F]+) \\S+ +\\S+ +(?:\\d{1,2}:\\d{2}|\\d{4}) (.*)");
    private static final Pattern ACL_LINE = Pattern.compile(" \\d+: .*");
    private static final String LINK_ARROW = " -> ";

    private LsParser() {
    }

    /**
     * The entries in the order printed.
     *
     * @throws IllegalStateException quoting the first line that cannot be read safely
     */
    public static List<LsEntry> parse(String output) {
        List<LsEntry> entries = new ArrayList<>();
        if (output.isEmpty()) {
            return entries;
        }
        String body = output.endsWith("\n") ? output.substring(0, output.length() - 1) : output;
        Pending pending = null;
        for (String line : body.split("\n", -1)) {
            Matcher entry = ENTRY.matcher(line);
            if (entry.matches()) {
                if (pending != null) {
                    entries.add(pending.finish());
                }
                pending = new Pending(entry, line);
            } else if (ACL_LINE.matcher(line).matches()) {
                if (pending == null) {
                    throw new IllegalStateException("ls output starts with an ACL line before any entry: " + Texts.visible(line));
                }
                pending.add(AclEntry.parseLsLine(line), line);
            } else {
                throw new IllegalStateException("ls output line " + Texts.visible(line)
                        + " is neither an entry nor an ACL line (a file name holding a newline?)");
            }
        }
        if (pending != null) {
            entries.add(pending.finish());
        }
        return List.copyOf(entries);
    }

    /** The operands ls reported as {@code ls: PATH: No such file or directory}. */
    public static List<String> missing(String stderr) {
        return ReportedPaths.find(stderr, "ls: ", ": No such file or directory");
    }

    /** An entry line read, waiting for its ACL lines. */
    private static final class Pending {
        private final String line;
        private final char type;
        private final int mode;
        private final char marker;
        private final int links;
        private final String owner;
        private final String group;
        private final long size;
        private final String path;
        private final Optional<String> linkTarget;
        private final List<AclEntry> acl = new ArrayList<>();

        Pending(Matcher m, String line) {
            this.line = line;
            this.type = m.group(1).charAt(0);
            this.mode = mode(m.group(2));
            this.marker = m.group(3).isEmpty() ? ' ' : m.group(3).charAt(0);
            this.links = Integer.parseInt(m.group(4));
            this.owner = m.group(5);
            this.group = m.group(6);
            String size = m.group(7);
            this.size = size.chars().allMatch(c -> c >= '0' && c <= '9') ? Long.parseLong(size) : 0;
            String name = m.group(8);
            if (type == 'l') {
                int arrow = name.indexOf(LINK_ARROW);
                if (arrow < 0 || name.indexOf(LINK_ARROW, arrow + 1) >= 0) {
                    throw new IllegalStateException("symbolic link line " + Texts.visible(line)
                            + " needs exactly one ' -> ' to tell the link from its target");
                }
                this.path = name.substring(0, arrow);
                this.linkTarget = Optional.of(name.substring(arrow + LINK_ARROW.length()));
            } else {
                this.path = name;
                this.linkTarget = Optional.empty();
            }
        }

        void add(AclEntry entry, String aclLine) {
            if (marker == ' ') {
                throw new IllegalStateException("ACL line " + Texts.visible(aclLine) + " follows " + Texts.visible(line)
                        + ", whose mode shows no ACL (a file name holding a newline?)");
            }
            if (!acl.isEmpty() && entry.index() <= acl.get(acl.size() - 1).index()) {
                throw new IllegalStateException("ACL line " + Texts.visible(aclLine) + " does not continue the numbering under "
                        + Texts.visible(line) + " (a file name holding a newline?)");
            }
            acl.add(entry);
        }

        LsEntry finish() {
            if (marker == '+' && acl.isEmpty()) {
                throw new IllegalStateException("entry " + Texts.visible(line) + " shows an ACL ('+') but no ACL line follows: was ls run without -e?");
            }
            return new LsEntry(type, mode, links, owner, group, size, path, linkTarget, acl);
        }

        /** The permission bits of {@code rwxr-s--T}-style text, setuid, setgid and sticky included. */
        private static int mode(String rwx) {
            int mode = 0;
            for (int i = 0; i < 9; i++) {
                char c = rwx.charAt(i);
                int bit = 1 << (8 - i);
                if (c == 'r' || c == 'w' || c == 'x' || c == 's' || c == 't') {
                    mode |= bit;
                }
            }
            if (Character.toLowerCase(rwx.charAt(2)) == 's') {
                mode |= 04000;
            }
            if (Character.toLowerCase(rwx.charAt(5)) == 's') {
                mode |= 02000;
            }
            if (Character.toLowerCase(rwx.charAt(8)) == 't') {
                mode |= 01000;
            }
            return mode;
        }
    }
}
