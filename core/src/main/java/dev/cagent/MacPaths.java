package dev.cagent;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Map;

/**
 * Path rules for the cage: every path is absolute, normalised, printable, and spelled the
 * canonical macOS way ({@code /etc} is {@code /private/etc}).
 */
public final class MacPaths {

    /** The longest path macOS accepts (PATH_MAX, in bytes, with its terminating NUL). */
    public static final int MAX_PATH_BYTES = 1023;

    /** The longest name of one file or directory APFS takes, in UTF-16 units (as {@link String#length()} counts). */
    public static final int MAX_NAME_UNITS = 255;

    /** Top-level symbolic links of every Mac and what they point to. */
    public static final Map<String, String> SYSTEM_LINKS = Map.of(
            "/etc", "/private/etc",
            "/var", "/private/var",
            "/tmp", "/private/tmp");

    private MacPaths() {
    }

    /**
     * Checks that {@code path} is absolute, normalised and printable, and returns it in NFC.
     *
     * @param field the setting's name, used in the error
     */
    public static String check(String field, String path) {
        if (path == null) {
            throw new InvalidPlanException(field, "path is missing (null)");
        }
        if (path.isEmpty()) {
            throw new InvalidPlanException(field, "path is empty: give an absolute path such as /Users/meeseeks");
        }
        int bad = Texts.firstControl(path);
        if (bad >= 0) {
            throw new InvalidPlanException(field, "path " + Texts.visible(path) + " contains the control character "
                    + Texts.codePoint(path.codePointAt(bad)) + " at index " + bad + ": remove it");
        }
        if (path.startsWith("~")) {
            int slash = path.indexOf('/');
            String rest = slash < 0 ? "" : path.substring(slash);
            throw new InvalidPlanException(field, "path " + Texts.visible(path) + " starts with '~', which only a shell expands (and as root it means root's home): write the full path, e.g. /Users/NAME" + rest);
        }
        if (!path.startsWith("/")) {
            throw new InvalidPlanException(field, "path " + Texts.visible(path) + " is relative: give an absolute path starting with /");
        }
        if (!Normalizer.isNormalized(path, Normalizer.Form.NFC)) {
            path = Normalizer.normalize(path, Normalizer.Form.NFC);
        }
        if (path.length() > 1 && path.endsWith("/")) {
            throw new InvalidPlanException(field, "path " + Texts.visible(path) + " ends with '/': write it without, as " + Texts.visible(path.replaceAll("/+$", "")));
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (path.equals("/")) {
                break;
            }
            if (segment.isEmpty()) {
                throw new InvalidPlanException(field, "path " + Texts.visible(path) + " contains '//': write each separator once");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new InvalidPlanException(field, "path " + Texts.visible(path) + " contains '" + segment + "': give the normalised path, without . or .. segments");
            }
            if (segment.length() > MAX_NAME_UNITS) {
                throw new InvalidPlanException(field, "path has a name of " + segment.length() + " characters, more than the "
                        + MAX_NAME_UNITS + " macOS takes: shorten it");
            }
            if (!segment.strip().equals(segment)) {
                throw new InvalidPlanException(field, "path " + Texts.visible(path) + " has a name with a leading or trailing blank ('" + segment + "'): such names are too easy to confuse; rename it");
            }
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new InvalidPlanException(field, "path is longer than " + MAX_PATH_BYTES + " bytes: macOS cannot use it");
        }
        return path;
    }

    /** {@code /etc/ssh} becomes {@code /private/etc/ssh}; other paths are returned unchanged. */
    public static String canonical(String path) {
        for (Map.Entry<String, String> link : SYSTEM_LINKS.entrySet()) {
            if (path.equals(link.getKey()) || path.startsWith(link.getKey() + "/")) {
                return link.getValue() + path.substring(link.getKey().length());
            }
        }
        return path;
    }

    /** True when {@code path} is {@code ancestor} or lies below it. */
    public static boolean isSameOrBelow(String path, String ancestor) {
        return path.equals(ancestor) || ancestor.equals("/") || path.startsWith(ancestor + "/");
    }

    /** True when {@code path} lies strictly below {@code ancestor}. */
    public static boolean isBelow(String path, String ancestor) {
        return !path.equals(ancestor) && isSameOrBelow(path, ancestor);
    }

    /** The parent directory; {@code /} for top-level entries and for {@code /} itself. */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** The last name of the path. */
    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
