package dev.cagent.macos;

import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.UndoReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.RecordedCommand;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fake Mac with the backend that tests of coop mode (the human and the agent editing the same
 * files) run against, and the checks they share. The human is alice (501), the agent meeseeks.
 */
final class CoopFixture {

    static final String AGENT = "meeseeks";
    static final String HUMAN = "alice";
    static final String GROUP = "collabo";
    static final String STATE = "/private/var/db/cagent/" + AGENT;

    final FakeMac mac;
    final MacOsBackend backend;

    CoopFixture(FakeMac mac) {
        this.mac = mac;
        this.backend = MacOsBackend.on(mac).readBack(3, Duration.ZERO).build();
    }

    CoopFixture() {
        this(FakeMac.stock());
    }

    /** The writes recorded since {@code from} (an index into the recording). */
    List<RecordedCommand> writesSince(int from) {
        List<RecordedCommand> all = mac.recorded();
        return all.subList(from, all.size()).stream().filter(RecordedCommand::isWrite).toList();
    }

    /** Applies and asserts that every step succeeded. */
    ApplyReport apply(dev.cagent.CagePlan plan) {
        ApplyReport report = backend.apply(plan);
        assertTrue(report.succeeded(), report::toString);
        return report;
    }

    /** Applies again and asserts that it only read. */
    void reapplyOnlyReads(dev.cagent.CagePlan plan) {
        int mark = mac.recorded().size();
        ApplyReport again = apply(plan);
        assertEquals(List.of(), writesSince(mark).stream().map(RecordedCommand::toString).toList(), again::toString);
        assertEquals(0, again.writes());
    }

    UndoReport undo() {
        UndoReport report = backend.undo(AGENT);
        assertTrue(report.succeeded(), report::toString);
        return report;
    }

    /** A backend on this Mac whose runner does {@code attack} once, just before the first command {@code when} picks. */
    MacOsBackend racing(Predicate<Command> when, Runnable attack) {
        CommandRunner runner = new CommandRunner() {
            private boolean done;

            @Override
            public CommandResult run(Command command) {
                if (!done && when.test(command)) {
                    done = true;
                    attack.run();
                }
                return mac.run(command);
            }

            @Override
            public Object machine() {
                return mac;
            }
        };
        return MacOsBackend.on(runner).readBack(3, Duration.ZERO).build();
    }
}
