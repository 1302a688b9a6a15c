package dev.cagent.macos.parse;

import java.util.Optional;

/** The inheritance flags of an ACL entry, in the order {@code ls -le} prints them. */
public enum AclFlag {
    FILE_INHERIT("file_inherit", true),
    DIRECTORY_INHERIT("directory_inherit", true),
    LIMIT_INHERIT("limit_inherit", false),
    ONLY_INHERIT("only_inherit", true);

    private final String text;
    private final boolean directoryOnly;

    AclFlag(String text, boolean directoryOnly) {
        this.text = text;
        this.directoryOnly = directoryOnly;
    }

    /** The name {@code ls} prints and {@code chmod} reads, e.g. {@code file_inherit}. */
    public String text() {
        return text;
    }

    /** Whether only directories carry it ({@code ls} shows it on nothing else). */
    public boolean directoryOnly() {
        return directoryOnly;
    }

    static Optional<AclFlag> fromText(String text) {
        for (AclFlag flag : values()) {
            if (flag.text.equals(text)) {
                return Optional.of(flag);
            }
        }
        return Optional.empty();
    }
}
