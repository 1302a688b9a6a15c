package dev.cagent.examples;

import dev.cagent.CagePlan;
import dev.cagent.macos.MacOsBackend;
import dev.cagent.report.ApplyOptions;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.StepOutcome;
import dev.cagent.testkit.FakeMac;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Applies the corrected cage on a fake Mac with a {@link ProgressListener}, as an IDE plugin
 * would to show progress in its console. Run it with
 * {@code ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=dev.cagent.examples.ListenerExample}.
 */
public final class ListenerExample {

    private ListenerExample() {
    }

    public static void main(String[] args) {
        applyWithProgress(FakeMac.stock(), System.out);
    }

    static ApplyReport applyWithProgress(FakeMac mac, PrintStream out) {
        MacOsBackend backend = MacOsBackend.on(mac).readBack(3, Duration.ZERO).build();
        CagePlan plan = SeedCage.correctedPlan("alice");
        ApplyReport report = backend.apply(plan, ApplyOptions.defaults(), new ProgressListener(out::println));
        out.printf("%d of %d steps changed, %d writes%n", report.count(StepOutcome.CHANGED), report.steps().size(), report.writes());
        return report;
    }
}
