package dev.cagent.macos;

import java.util.Objects;

/**
 * Whose rights a command needs: the caller's own, root's, or those of the account that owns
 * the file being touched. Files other accounts own are written by path as those accounts, never
 * as root, so that a symbolic link planted by the agent cannot turn a root write against the
 * system; in the workspace, where the agent can rename directories, root writes only through
 * finds that resolve no path ({@link TreeFinds}).
 */
record RunAs(Kind kind, String user) {

    enum Kind { CALLER, ROOT, USER }

    static final RunAs CALLER = new RunAs(Kind.CALLER, null);
    static final RunAs ROOT = new RunAs(Kind.ROOT, null);

    RunAs {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.USER) != (user != null)) {
            throw new IllegalArgumentException("a user is given exactly for Kind.USER");
        }
    }

    static RunAs user(String name) {
        return "root".equals(name) ? ROOT : new RunAs(Kind.USER, name);
    }

    @Override
    public String toString() {
        return kind == Kind.USER ? "as " + user : kind == Kind.ROOT ? "as root" : "as caller";
    }
}
