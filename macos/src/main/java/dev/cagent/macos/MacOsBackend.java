package dev.cagent.macos;

import dev.cagent.Backend;
import dev.cagent.CagePlan;
import dev.cagent.MacPaths;
import dev.cagent.exec.CommandRunner;
import dev.cagent.report.ApplyListener;
import dev.cagent.report.ApplyOptions;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.Preview;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;

import java.time.Duration;
import java.util.Objects;

/**
 * Builds cages on macOS through a {@link CommandRunner}: {@link ExecCommandRunner} on a real
 * Mac, the testkit's {@code FakeMac} in tests.
 *
 * <pre>{@code
 * MacOsBackend mac = MacOsBackend.on(new ExecCommandRunner()).privilege(Privilege.sudoNonInteractive()).build();
 * System.out.println(mac.preview(plan));
 * ApplyReport report = mac.apply(plan);
 * }</pre>
 *
 * Every command it can run is listed in this module's COMMANDS.md.
 */
public final class MacOsBackend implements Backend {

    private final CommandRunner runner;
    private final Engine engine;

    private MacOsBackend(Builder b) {
        this.runner = b.runner;
        this.engine = new Engine(b.runner, b.privilege, b.stateDirectory, b.readBackAttempts, b.readBackPause);
    }

    /** A backend for the machine {@code runner} reaches. */
    public static Builder on(CommandRunner runner) {
        return new Builder(runner);
    }

    /** A backend for this Mac, with {@link Privilege#auto()}. */
    public static MacOsBackend local() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(java.util.Locale.ROOT).startsWith("mac")) {
            throw new UnsupportedOperationException("MacOsBackend.local() runs this machine's macOS commands, and this machine runs "
                    + os + ": try cagent here on the fake Mac, MacOsBackend.on(FakeMac.stock()).build() (artifact cagent-testkit)");
        }
        return on(new ExecCommandRunner()).build();
    }

    @Override
    public Preview preview(CagePlan plan) {
        return engine.preview(Objects.requireNonNull(plan, "plan"));
    }

    /**
     * {@inheritDoc}
     *
     * <p>A failed write stops apply at that step; the report names the command and how it failed
     * (exit code and stderr, or that it timed out and was killed) and, by default, everything this
     * run changed has been taken back. Two applies on one machine from this JVM run one after the
     * other.
     *
     * @throws PrivilegeException before any write, when the {@link Privilege} strategy cannot get root
     * @throws MachineReadException before any write, when the machine cannot be read
     * @throws dev.cagent.exec.CommandInterruptedException when the thread is interrupted during a
     *         command: apply stops at once, without rollback, with the interrupt flag still set;
     *         the record on the machine lets a later apply finish or undo take it back
     * @throws java.util.concurrent.CancellationException when the thread is interrupted while it
     *         waits: for another operation on the machine (nothing ran), or to read a step back
     *         (as for an interrupted command); the flag stays set
     */
    @Override
    public ApplyReport apply(CagePlan plan, ApplyOptions options, ApplyListener listener) {
        return engine.apply(Objects.requireNonNull(plan, "plan"), Objects.requireNonNull(options, "options"), Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public VerifyReport verify(CagePlan plan) {
        return engine.verify(Objects.requireNonNull(plan, "plan"));
    }

    @Override
    public UndoReport undo(String agent) {
        return engine.undo(agent);
    }

    /** Starts programs as the plan's agent, inside its cage. */
    public AgentLauncher launcher(CagePlan plan) {
        return new AgentLauncher(runner, Objects.requireNonNull(plan, "plan"));
    }

    public static final class Builder {
        private final CommandRunner runner;
        private Privilege privilege = Privilege.auto();
        private String stateDirectory = StateFiles.DEFAULT_ROOT;
        private int readBackAttempts = 3;
        private Duration readBackPause = Duration.ofSeconds(1);

        private Builder(CommandRunner runner) {
            this.runner = Objects.requireNonNull(runner, "runner");
        }

        /** How to get root for the writes; default {@link Privilege#auto()}. */
        public Builder privilege(Privilege privilege) {
            this.privilege = Objects.requireNonNull(privilege, "privilege");
            return this;
        }

        /** Where cagent keeps its record (root-owned, writable by root alone); default {@code /private/var/db/cagent}. */
        public Builder stateDirectory(String path) {
            this.stateDirectory = MacPaths.check("stateDirectory", path);
            return this;
        }

        /**
         * How often to read back a step that does not match yet, and how long to wait between:
         * Directory Services caches can lag a few seconds behind a write. Default 3 and 1 s.
         */
        public Builder readBack(int attempts, Duration pause) {
            if (attempts < 1) {
                throw new IllegalArgumentException("readBack attempts must be at least 1, was " + attempts);
            }
            if (pause.isNegative()) {
                throw new IllegalArgumentException("readBack pause must not be negative, was " + pause);
            }
            this.readBackAttempts = attempts;
            this.readBackPause = pause;
            return this;
        }

        public MacOsBackend build() {
            return new MacOsBackend(this);
        }
    }
}
