package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The plans and small checks the backend's tests share: the corrected seed plan (the blog post's
 * cage with its faults put right), a backend on a fake Mac that never sleeps, and views of the
 * fake's recording.
 */
final class Cages {

    static final String AGENT = "meeseeks";
    static final String HUMAN = "alice";
    static final String HOME = "/Users/meeseeks";
    static final String WORKSHOP = "/Users/meeseeks/workshop";
    static final String ZSHRC = "/Users/alice/.zshrc";
    static final String JOURNAL = "/private/var/db/cagent/meeseeks/journal.jsonl";

    private Cages() {
    }

    /** The corrected seed cage: agent meeseeks, human alice, IDs first free in 600-699. */
    static CagePlan.Builder corrected() {
        return Cage.forUser(AGENT)
                .realName("Mr. Meeseeks")
                .uidFirstFreeIn(600, 699)
                .shell("/bin/zsh")
                .home(HOME)
                .hidden(true)
                .noPassword()
                .human(HUMAN)
                .deny("/Users/" + HUMAN)
                .denyListing("/Users")
                .denyListing("/private/etc")
                .denyListing("/private/var")
                .deny("/Library/Keychains")
                .collaborationGroup("collabo")
                .workspace(WORKSHOP)
                .humanUmask("002")
                .claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED);
    }

    static CagePlan correctedPlan() {
        return corrected().build();
    }

    /** The smallest cage: the account, its group and home, nothing else. */
    static CagePlan.Builder minimal() {
        return Cage.forUser(AGENT).realName("Mr. Meeseeks").uidFirstFreeIn(600, 699).noPassword().hidden(true)
                .home(HOME).human(HUMAN).collaborationGroup("collabo");
    }

    static MacOsBackend backend(FakeMac mac) {
        return MacOsBackend.on(mac).readBack(3, Duration.ZERO).build();
    }

    /** The write commands recorded since the last {@link FakeMac#clearRecorded()}. */
    static List<RecordedCommand> writes(FakeMac mac) {
        return mac.recorded().stream().filter(RecordedCommand::isWrite).toList();
    }

    static List<RecordedCommand> reads(FakeMac mac) {
        return mac.recorded().stream().filter(c -> !c.isWrite()).toList();
    }

    /** The argv without a leading {@code sudo ... --}: the command that did the work. */
    static List<String> unwrapped(RecordedCommand command) {
        List<String> argv = command.argv();
        return argv.get(0).equals("/usr/bin/sudo") ? argv.subList(argv.indexOf("--") + 1, argv.size()) : argv;
    }

    /** The recorded argv as shell lines, for readable assertions and failure messages. */
    static List<String> lines(List<RecordedCommand> commands) {
        return commands.stream().map(RecordedCommand::toString).toList();
    }

    /** The index of the first recorded command whose shell line contains {@code text}; fails when there is none. */
    static int indexOf(List<RecordedCommand> commands, String text) {
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).toString().contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no command contains '" + text + "' in:\n" + String.join("\n", lines(commands)));
    }

    /** Fails with the differences, one per line, when the machine is not as it was. */
    static void assertSameState(MacSnapshot expected, MacSnapshot actual) {
        assertEquals(List.of(), expected.diff(actual), "the machine differs from the expected snapshot");
    }

    /** Runs a command as root, as a person fixing or breaking something by hand (recorded like any other: clear the recording after). */
    static void byHand(FakeMac mac, String... argv) {
        CommandResult result = mac.as("root").run(Command.write(argv));
        assertEquals(0, result.exitCode(), () -> String.join(" ", argv) + " failed: " + result.stderr());
    }
}
