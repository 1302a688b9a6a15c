package dev.cagent;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The rights an ACL entry can grant or deny. Several rights have one name on files and another on
 * directories (the same bit): {@code read}/{@code list}, {@code write}/{@code add_file},
 * {@code execute}/{@code search}, {@code append}/{@code add_subdirectory}.
 */
public enum AclRight {
    READ_DATA("read", "list"),
    WRITE_DATA("write", "add_file"),
    EXECUTE("execute", "search"),
    DELETE("delete", "delete"),
    APPEND_DATA("append", "add_subdirectory"),
    DELETE_CHILD(null, "delete_child"),
    READ_ATTRIBUTES("readattr", "readattr"),
    WRITE_ATTRIBUTES("writeattr", "writeattr"),
    READ_EXTATTRIBUTES("readextattr", "readextattr"),
    WRITE_EXTATTRIBUTES("writeextattr", "writeextattr"),
    READ_SECURITY("readsecurity", "readsecurity"),
    WRITE_SECURITY("writesecurity", "writesecurity"),
    CHANGE_OWNER("chown", "chown");

    private final String fileName;
    private final String directoryName;

    AclRight(String fileName, String directoryName) {
        this.fileName = fileName;
        this.directoryName = directoryName;
    }

    /** What the seed denies: {@code read,write,execute,list}, i.e. on a directory list, add_file and search. */
    public static Set<AclRight> seedDenial() {
        return EnumSet.of(READ_DATA, WRITE_DATA, EXECUTE);
    }

    /** The name {@code chmod} and {@code ls -le} use for this right on a directory or a file; null when it has none. */
    public String nameOn(boolean directory) {
        return directory ? directoryName : fileName;
    }

    /** Parses a chmod right name ({@code list}, {@code search}, {@code read}...), either spelling. */
    public static AclRight parse(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (AclRight right : values()) {
            if (n.equals(right.fileName) || n.equals(right.directoryName)) {
                return right;
            }
        }
        throw new InvalidPlanException("deny", "unknown ACL right " + Texts.visible(name)
                + ": use read/list, write/add_file, execute/search, delete, append/add_subdirectory, delete_child, readattr, writeattr, readextattr, writeextattr, readsecurity, writesecurity or chown");
    }
}
