package dev.cagent.testkit;

import dev.cagent.AclRight;

/**
 * A right that {@link FakeMac#canAccess} evaluates. On a directory the same bits mean something
 * else, as on macOS: {@code READ} lists it, {@code WRITE} adds entries, {@code EXECUTE} searches
 * (passes through) it.
 */
public enum Access {
    /** Read a file; list a directory. */
    READ(AclRight.READ_DATA),
    /** Write a file; add an entry to a directory. */
    WRITE(AclRight.WRITE_DATA),
    /** Execute a file; search a directory. */
    EXECUTE(AclRight.EXECUTE);

    private final AclRight right;

    Access(AclRight right) {
        this.right = right;
    }

    AclRight right() {
        return right;
    }
}
