package dev.cagent.testkit;

import java.util.Map;

/**
 * The identity and surroundings of one simulated process: who it runs as, its environment,
 * working directory, standard input and umask (022 for every process, as a login shell sets it).
 */
record Proc(String user, int uid, Map<String, String> env, String cwd, String stdin, int umask) {

    static final int DEFAULT_UMASK = 022;

    Proc {
        env = Map.copyOf(env);
    }

    boolean isRoot() {
        return uid == 0;
    }

    Proc withStdin(String input) {
        return new Proc(user, uid, env, cwd, input, umask);
    }

    Proc as(String otherUser, int otherUid, Map<String, String> otherEnv) {
        return new Proc(otherUser, otherUid, otherEnv, cwd, stdin, umask);
    }
}
