package dev.cagent.macos.parse;

import dev.cagent.Texts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code /usr/bin/stat -f '%p %u %g %Su %Sg %N' PATH...}: the octal mode with its type
 * bits, uid, gid, owner and group names, then the operand exactly as given. stat does not follow
 * a symbolic link operand.
 *
 * @param mode the twelve permission bits (setuid, setgid, sticky included)
 * @param uid  as a 32-bit value: {@code nobody}'s 4294967294 reads as -2
 * @param user the owner's name, or what stat prints for a uid without one
 * @param path the operand
 */
public record StatEntry(int mode, FileType type, int uid, int gid, String user, String group, String path) {

    public enum FileType {
        DIRECTORY("a directory"), FILE("a file"), SYMLINK("a symlink"), OTHER("a special file (a device, pipe or socket)");

        private final String described;

        FileType(String described) {
            this.described = described;
        }

        /** The type in words, with its article, for messages: "a symlink". */
        public String described() {
            return described;
        }
    }

    /** The {@code -f} format whose output {@link #parse} reads. */
    public static final String FORMAT = "%p %u %g %Su %Sg %N";

    private static final Pattern FIELDS = Pattern.compile("([0-7]{1,7}) (\\d{1,10}) (\\d{1,10}) (\\S+) (\\S+) ");

    public StatEntry {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(path, "path");
    }

    public boolean isDirectory() {
        return type == FileType.DIRECTORY;
    }

    public boolean isSymlink() {
        return type == FileType.SYMLINK;
    }

    /**
     * The entries of the operands that exist, by operand, in operand order. stat prints one line
     * per existing operand, in order, and nothing on stdout for a missing one; a line belongs to
     * the next operand it ends with, so paths with blanks (or even newlines) are read right.
     *
     * @throws IllegalStateException quoting the output that belongs to none of the operands
     */
    public static Map<String, StatEntry> parse(String stdout, List<String> operands) {
        Map<String, StatEntry> entries = new LinkedHashMap<>();
        Matcher fields = FIELDS.matcher(stdout);
        int position = 0;
        for (String operand : operands) {
            fields.region(position, stdout.length());
            if (!fields.lookingAt()) {
                continue;
            }
            int end = fields.end() + operand.length();
            boolean lineIsOperand = stdout.startsWith(operand, fields.end())
                    && (end == stdout.length() || stdout.charAt(end) == '\n');
            if (lineIsOperand) {
                entries.put(operand, entry(fields, operand));
                position = Math.min(end + 1, stdout.length());
            }
        }
        if (position < stdout.length()) {
            int lineEnd = stdout.indexOf('\n', position);
            String line = stdout.substring(position, lineEnd < 0 ? stdout.length() : lineEnd);
            throw new IllegalStateException("stat output line " + Texts.visible(line) + " matches none of the remaining operands "
                    + operands + " in the format '" + FORMAT + "'");
        }
        return Collections.unmodifiableMap(entries);
    }

    /**
     * The operands stat reported as {@code stat: PATH: stat: No such file or directory}, or as
     * {@code ...: Not a directory} (a file stands where the path needs a directory: nothing is
     * there either).
     */
    public static List<String> missing(String stderr) {
        List<String> missing = new ArrayList<>(ReportedPaths.find(stderr, "stat: ", ": stat: No such file or directory"));
        missing.addAll(ReportedPaths.find(stderr, "stat: ", ": stat: Not a directory"));
        return List.copyOf(missing);
    }

    private static StatEntry entry(Matcher fields, String path) {
        int bits = Integer.parseInt(fields.group(1), 8);
        FileType type = switch (bits & 0170000) {
            case 0040000 -> FileType.DIRECTORY;
            case 0100000 -> FileType.FILE;
            case 0120000 -> FileType.SYMLINK;
            default -> FileType.OTHER;
        };
        return new StatEntry(bits & 07777, type, id(fields.group(2), path), id(fields.group(3), path), fields.group(4), fields.group(5), path);
    }

    private static int id(String digits, String path) {
        long value = Long.parseLong(digits);
        if (value > 0xFFFFFFFFL) {
            throw new IllegalStateException("stat printed the id " + digits + " for " + Texts.visible(path) + ", beyond 32 bits");
        }
        return (int) value;
    }
}
