package dev.cagent.testkit;

import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Short ways to run commands on a fake Mac in tests, and to check all of a result at once. */
final class Shell {

    static final List<String> SUDO = List.of("/usr/bin/sudo", "-n", "--");

    private Shell() {
    }

    static CommandResult read(CommandRunner runner, String... argv) {
        return runner.run(Command.read(argv));
    }

    static CommandResult write(CommandRunner runner, String... argv) {
        return runner.run(Command.write(argv));
    }

    /** The command through {@code sudo -n --}, as the backend runs root writes. */
    static CommandResult sudo(CommandRunner runner, String... argv) {
        List<String> all = new ArrayList<>(SUDO);
        all.addAll(List.of(argv));
        return runner.run(Command.write(all));
    }

    static void assertResult(int exit, String stdout, String stderr, CommandResult result) {
        assertEquals(stderr, result.stderr(), "stderr");
        assertEquals(stdout, result.stdout(), "stdout");
        assertEquals(exit, result.exitCode(), "exit code");
    }

    static void assertOk(CommandResult result) {
        assertResult(0, result.stdout(), "", result);
    }
}
