package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandInterruptedException;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.report.ApplyListener;
import dev.cagent.report.ApplyOptions;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.ExecutedCommand;
import dev.cagent.testkit.FakeMac;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two applies on one machine run one after the other; an interrupt stops an apply and stays set. */
class ConcurrencyTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final CagePlan plan = SeedPlans.corrected();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** Notes which run each command belongs to, and pauses after each so that the other run could slip in. */
    private static ApplyListener noting(String run, List<String> order) {
        return new ApplyListener() {
            @Override
            public void commandFinished(ExecutedCommand command) {
                order.add(run);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /** Starts both applies at the same moment and returns their reports, first A then B. */
    private List<ApplyReport> applyAtOnce(MacOsBackend a, MacOsBackend b, List<String> order) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        Future<ApplyReport> first = threads.submit(() -> {
            start.await();
            return a.apply(plan, ApplyOptions.defaults(), noting("A", order));
        });
        Future<ApplyReport> second = threads.submit(() -> {
            start.await();
            return b.apply(plan, ApplyOptions.defaults(), noting("B", order));
        });
        return List.of(first.get(PATIENCE.toSeconds(), TimeUnit.SECONDS), second.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    }

    private static void assertOneAfterTheOther(List<String> order) {
        assertTrue(order.contains("A") && order.contains("B"), order::toString);
        int switches = 0;
        for (int i = 1; i < order.size(); i++) {
            if (!order.get(i).equals(order.get(i - 1))) {
                switches++;
            }
        }
        assertEquals(1, switches, () -> "the runs' commands interleave: " + String.join("", order));
    }

    /** One run built the cage; the other found it built and only read. */
    private static void assertOneWroteAndTheOtherOnlyRead(List<ApplyReport> reports) {
        reports.forEach(r -> assertTrue(r.succeeded(), r::toString));
        List<Integer> writes = new ArrayList<>(reports.stream().map(ApplyReport::writes).toList());
        Collections.sort(writes);
        assertEquals(0, writes.get(0), reports::toString);
        assertTrue(writes.get(1) > 0, reports::toString);
    }

    @Test
    void twoAppliesOfOnePlanOnOneMacDoNotInterleave() throws Exception {
        FakeMac mac = FakeMac.stock();
        List<String> order = Collections.synchronizedList(new ArrayList<>());

        List<ApplyReport> reports = applyAtOnce(SeedPlans.backend(mac), SeedPlans.backend(mac), order);

        assertOneAfterTheOther(order);
        assertOneWroteAndTheOtherOnlyRead(reports);
        assertTrue(SeedPlans.backend(mac).verify(plan).isClean());
    }

    @Test
    void appliesThroughRunnersOfDifferentCallersOfOneMacDoNotInterleaveEither() throws Exception {
        FakeMac mac = FakeMac.stock();
        CommandRunner asRoot = mac.as("root");
        assertSame(mac, asRoot.machine(), "a runner of another caller reaches the same machine");
        List<String> order = Collections.synchronizedList(new ArrayList<>());

        List<ApplyReport> reports = applyAtOnce(SeedPlans.backend(mac), MacOsBackend.on(asRoot).readBack(3, Duration.ZERO).build(), order);

        assertOneAfterTheOther(order);
        assertOneWroteAndTheOtherOnlyRead(reports);
    }

    @Test
    void everyProcessRunnerOfThisJvmReachesTheSameMachine() {
        assertSame(new ExecCommandRunner().machine(), new ExecCommandRunner(1024).machine());
    }

    /** A runner that is interrupted while it waits for the n-th write, as a host's cancel button would do it. */
    private static final class InterruptedAtWrite implements CommandRunner {
        private final FakeMac mac;
        private final int n;
        private int writes;
        int recordedWhenInterrupted = -1;

        InterruptedAtWrite(FakeMac mac, int n) {
            this.mac = mac;
            this.n = n;
        }

        @Override
        public CommandResult run(Command command) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CommandInterruptedException(command, new InterruptedException("interrupted before it started"));
            }
            if (command.isWrite() && ++writes == n) {
                recordedWhenInterrupted = mac.recorded().size();
                Thread.currentThread().interrupt();
                throw new CommandInterruptedException(command, new InterruptedException());
            }
            return mac.run(command);
        }

        @Override
        public Object machine() {
            return mac;
        }
    }

    @Test
    void anInterruptedApplyStopsAtOnceAndTheFlagStaysSet() throws Exception {
        FakeMac mac = FakeMac.stock();
        InterruptedAtWrite runner = new InterruptedAtWrite(mac, 7);
        MacOsBackend backend = MacOsBackend.on(runner).readBack(3, Duration.ZERO).build();

        Future<Boolean> flagAfterwards = threads.submit(() -> {
            CommandInterruptedException stopped = assertThrows(CommandInterruptedException.class, () -> backend.apply(plan));
            assertTrue(stopped.getMessage().contains("interrupted"), stopped.getMessage());
            return Thread.currentThread().isInterrupted();
        });

        assertTrue(flagAfterwards.get(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the thread is still interrupted");
        assertEquals(runner.recordedWhenInterrupted, mac.recorded().size(), "no command ran after the interrupt");
        assertEquals(6, mac.recorded().stream().filter(c -> c.isWrite()).count());
        ApplyReport resumed = assertTimeoutPreemptively(PATIENCE, () -> SeedPlans.backend(mac).apply(plan), "the machine is free again");
        assertTrue(resumed.succeeded(), resumed::toString);
        assertTrue(SeedPlans.backend(mac).verify(plan).isClean());
    }

    @Test
    void anApplyInterruptedWhileItWaitsToReadBackStopsAtOnce() throws Exception {
        // dscl assigns no GeneratedUID here: the read-back of the new account waits for one before cagent sets it
        FakeMac mac = FakeMac.builder().generatedUidOnCreate(false).build();
        MacOsBackend patient = MacOsBackend.on(mac).readBack(3, Duration.ofMinutes(5)).build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfterwards = new AtomicBoolean();
        Thread applying = new Thread(() -> {
            try {
                patient.apply(plan);
            } catch (Throwable t) {
                thrown.set(t);
            }
            flagAfterwards.set(Thread.currentThread().isInterrupted());
        });
        applying.start();
        while (applying.getState() != Thread.State.TIMED_WAITING && applying.getState() != Thread.State.TERMINATED) {
            Thread.sleep(1);
        }
        int recorded = mac.recorded().size();
        applying.interrupt();
        applying.join(PATIENCE.toMillis());

        assertInstanceOf(CancellationException.class, thrown.get());
        assertTrue(thrown.get().getMessage().startsWith("interrupted while waiting to read back"), thrown.get().getMessage());
        assertTrue(flagAfterwards.get(), "the thread is still interrupted");
        assertEquals(recorded, mac.recorded().size(), "nothing ran after the interrupt");
        assertTrue(SeedPlans.backend(mac).apply(plan).succeeded());
        assertTrue(SeedPlans.backend(mac).verify(plan).isClean());
    }

    @Test
    void anApplyInterruptedWhileWaitingForAnotherRunsNothing() throws Exception {
        FakeMac mac = FakeMac.stock();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean();
        ApplyListener blocking = new ApplyListener() {
            @Override
            public void commandFinished(ExecutedCommand command) {
                if (once.compareAndSet(false, true)) {
                    holding.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        Future<ApplyReport> first = threads.submit(() -> SeedPlans.backend(mac).apply(plan, ApplyOptions.defaults(), blocking));
        assertTrue(holding.await(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        int recorded = mac.recorded().size();

        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfterwards = new AtomicBoolean();
        Thread second = new Thread(() -> {
            try {
                SeedPlans.backend(mac).apply(plan, ApplyOptions.defaults(), new ApplyListener() {
                    @Override
                    public void commandFinished(ExecutedCommand command) {
                        throw new AssertionError("the waiting apply ran " + command);
                    }
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
            flagAfterwards.set(Thread.currentThread().isInterrupted());
        });
        second.start();
        while (second.getState() != Thread.State.WAITING && second.getState() != Thread.State.TERMINATED) {
            Thread.sleep(1);
        }
        assertEquals(recorded, mac.recorded().size(), "the second apply waits without running anything");
        second.interrupt();
        second.join(PATIENCE.toMillis());

        assertInstanceOf(CancellationException.class, thrown.get());
        assertTrue(thrown.get().getMessage().contains("nothing was changed"), thrown.get().getMessage());
        assertTrue(flagAfterwards.get(), "the thread is still interrupted");
        assertEquals(recorded, mac.recorded().size());
        release.countDown();
        assertTrue(first.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).succeeded());
    }
}
