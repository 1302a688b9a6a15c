package dev.cagent.examples;

import dev.cagent.CagePlan;
import dev.cagent.macos.MacOsBackend;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.StepReport;
import dev.cagent.report.UndoReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * A third-party step in a cage: the corrected plan plus a {@link SudoersDropIn}, applied, applied
 * again, and undone on a fake Mac. Run it with
 * {@code ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=dev.cagent.examples.ExtensionStepExample}.
 */
public final class ExtensionStepExample {

    private ExtensionStepExample() {
    }

    public static void main(String[] args) {
        FakeMac mac = FakeMac.stock();
        // the directory sudo reads drop-ins from; the fake's stock tree leaves it out
        mac.mkdir(SudoersDropIn.DIRECTORY, "root", "wheel", 0755);
        run(mac, System.out);
    }

    static void run(FakeMac mac, PrintStream out) {
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = MacOsBackend.on(mac).readBack(3, Duration.ZERO).build();
        SudoersDropIn dropIn = new SudoersDropIn("alice", SeedCage.AGENT);
        CagePlan plan = SeedCage.correctedPlan("alice").toBuilder().step(dropIn).build();

        ApplyReport first = backend.apply(plan);
        out.println(last(first));
        FileInfo file = mac.fileInfo(dropIn.file()).orElseThrow();
        out.printf("%s is %s:%s %s and reads:%n%s", dropIn.file(), file.owner(), file.group(), file.octalMode(), mac.readFile(dropIn.file()));

        ApplyReport second = backend.apply(plan);
        out.printf("apply again: %s, %d writes in the whole cage%n", last(second).outcome(), second.writes());

        out.println("alice starts a shell as the agent, no password asked: "
                + backend.launcher(plan).command(List.of("/bin/zsh", "-l")).toShellLine());

        UndoReport undo = backend.undo(plan);
        undo.undone().stream().filter(line -> line.contains(dropIn.file())).forEach(out::println);
        out.println("drop-in still there after undo: " + (mac.exists(dropIn.file()) ? "yes" : "no"));
        out.println("the Mac is as before: " + (mac.snapshot().equals(before) ? "yes" : "no"));
    }

    private static StepReport last(ApplyReport report) {
        return report.steps().get(report.steps().size() - 1);
    }
}
