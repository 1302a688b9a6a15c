package dev.cagent.lint;

/** What lint may know about a machine, supplied by a backend's read-only probe. */
public interface MachineFacts {

    /** No facts: rules that need a machine stay silent. */
    MachineFacts NONE = path -> true;

    /** Whether {@code path} exists (after following symbolic links). */
    boolean exists(String path);

    /**
     * Where {@code path} leads once every symbolic link on it is followed: the object a deny
     * lands on, which lint judges as well. Without a machine, the path itself.
     */
    default String realPath(String path) {
        return path;
    }
}
