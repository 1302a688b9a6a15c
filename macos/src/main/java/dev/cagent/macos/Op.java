package dev.cagent.macos;

import dev.cagent.exec.Command;

/** One command of a plan before the privilege strategy wraps it: what to run and as whom. */
record Op(RunAs runAs, Command command) {

    static Op root(Command command) {
        return new Op(RunAs.ROOT, command);
    }

    static Op as(String user, Command command) {
        return new Op(RunAs.user(user), command);
    }

    static Op caller(Command command) {
        return new Op(RunAs.CALLER, command);
    }

    boolean isWrite() {
        return command.isWrite();
    }
}
