package dev.cagent.testkit;

import dev.cagent.exec.Command;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Failures scripted into a {@link FakeMac}, like a mock web server's queued error responses. A
 * faulted command changes nothing and is recorded with the answer it gave.
 *
 * <p>Faults are checked for every command handed to {@link FakeMac#run}/{@link FakeMac#start}
 * and for every command a shell script runs on the fake (the admin-prompt script, {@code /bin/sh
 * FILE}); a command that {@code sudo} runs is checked as the whole {@code sudo ...} line. A
 * script's commands count as writes unless they are one of the read-only forms of the command
 * contract ({@code id}, {@code ls}, {@code stat}, {@code find}, {@code cat}, {@code mktemp},
 * {@code dscl -read}/{@code -list}, {@code dseditgroup -o checkmember}).
 */
public final class Faults {

    private record Countdown(long atWrite, Fault fault) {
    }

    private record Rule(Predicate<Command> matcher, Fault fault) {
    }

    private final List<Countdown> countdowns = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private long writesSeen;
    private boolean createHomeDirDoesNothing;

    Faults() {
    }

    /** The {@code n}-th command with the WRITE effect from now on (1 = the next one) fails with {@code fault}, once. */
    public synchronized Faults failWrite(int n, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        if (n < 1) {
            throw new IllegalArgumentException("n counts writes from 1 (the next write), was " + n);
        }
        countdowns.add(new Countdown(writesSeen + n, fault));
        return this;
    }

    /** Every command {@code matcher} accepts fails with {@code fault}, until {@link #clear()}. */
    public synchronized Faults failWhen(Predicate<Command> matcher, Fault fault) {
        rules.add(new Rule(Objects.requireNonNull(matcher, "matcher"), Objects.requireNonNull(fault, "fault")));
        return this;
    }

    /**
     * {@code createhomedir} exits 0 and prints its usual line but creates nothing, as it has been
     * seen to do on real Macs: the backend must check the home afterwards.
     */
    public synchronized Faults createHomeDirDoesNothing() {
        createHomeDirDoesNothing = true;
        return this;
    }

    /** Removes every scripted fault. */
    public synchronized void clear() {
        countdowns.clear();
        rules.clear();
        createHomeDirDoesNothing = false;
    }

    synchronized boolean homeDirCreationDisabled() {
        return createHomeDirDoesNothing;
    }

    /** Counts the command when it is a write and returns the fault it must suffer, if any. */
    synchronized Optional<Fault> check(Command command) {
        if (command.isWrite()) {
            writesSeen++;
            for (Iterator<Countdown> it = countdowns.iterator(); it.hasNext(); ) {
                Countdown countdown = it.next();
                if (countdown.atWrite() == writesSeen) {
                    it.remove();
                    return Optional.of(countdown.fault());
                }
            }
        }
        for (Rule rule : rules) {
            if (rule.matcher().test(command)) {
                return Optional.of(rule.fault());
            }
        }
        return Optional.empty();
    }
}
