package dev.cagent;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** macOS rules for user and group short names, real names and numeric IDs. */
public final class Names {

    /** Lowercase letters, digits, '_', '-', '.', not starting with '-' or '.'. */
    private static final Pattern SHORT_NAME = Pattern.compile("[a-z0-9_][a-z0-9_.-]*");
    private static final int MAX_NAME_BYTES = 244;
    private static final int MAX_REAL_NAME_CHARS = 255;

    /** The highest ID cagent hands out: below the 32-bit values macOS uses for special accounts. */
    public static final int MAX_ID = 2_147_483_646;

    private Names() {
    }

    /** Checks a user or group short name. */
    public static String checkShortName(String field, String name) {
        if (name == null) {
            throw new InvalidPlanException(field, "name is missing (null)");
        }
        if (name.isEmpty()) {
            throw new InvalidPlanException(field, "name is empty: use lowercase letters, digits, '_', '-' or '.', e.g. meeseeks");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new InvalidPlanException(field, "name is longer than " + MAX_NAME_BYTES + " bytes: choose a shorter one");
        }
        if (!SHORT_NAME.matcher(name).matches()) {
            String hint = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_.-]", "").replaceAll("^[.-]+", "");
            throw new InvalidPlanException(field, "name " + Texts.visible(name)
                    + " is not a valid macOS short name: use lowercase letters, digits, '_', '-', '.', not starting with '-' or '.'"
                    + (hint.isEmpty() ? "" : " (e.g. '" + hint + "')"));
        }
        if (name.chars().allMatch(Character::isDigit)) {
            throw new InvalidPlanException(field, "name '" + name + "' is all digits, which tools read as a numeric ID: add a letter, e.g. 'u" + name + "'");
        }
        return name;
    }

    /** Checks a display name: printable text without control characters. */
    public static String checkRealName(String field, String realName) {
        if (realName == null) {
            throw new InvalidPlanException(field, "real name is missing (null)");
        }
        if (realName.isBlank()) {
            throw new InvalidPlanException(field, "real name is blank: give a display name such as 'Mr. Meeseeks'");
        }
        int bad = Texts.firstControl(realName);
        if (bad >= 0) {
            throw new InvalidPlanException(field, "real name " + Texts.visible(realName) + " contains the control character "
                    + Texts.codePoint(realName.codePointAt(bad)) + ": remove it");
        }
        if (!realName.strip().equals(realName)) {
            throw new InvalidPlanException(field, "real name " + Texts.visible(realName) + " has leading or trailing blanks: write it as '" + realName.strip() + "'");
        }
        if (realName.length() > MAX_REAL_NAME_CHARS) {
            throw new InvalidPlanException(field, "real name is longer than " + MAX_REAL_NAME_CHARS + " characters");
        }
        return realName;
    }

    /** Checks a numeric user or group ID: 1 to {@link #MAX_ID}; 0 is root's or wheel's. */
    public static int checkId(String field, int id) {
        if (id < 0) {
            throw new InvalidPlanException(field, "ID " + id + " is negative: give a positive ID such as 600 (negative IDs are macOS's special accounts)");
        }
        if (id == 0) {
            throw new InvalidPlanException(field, "ID 0 belongs to root/wheel: give a free ID such as 600");
        }
        if (id > MAX_ID) {
            throw new InvalidPlanException(field, "ID " + id + " is above " + MAX_ID + ": give an ID such as 600");
        }
        return id;
    }
}
