package dev.cagent.examples;

import dev.cagent.CagePlan;
import dev.cagent.SeatbeltProfile;
import dev.cagent.macos.MacOsBackend;
import dev.cagent.report.ApplyReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.FileInfo;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The cage's second wall: the corrected seed cage plus {@code seatbelt()}, applied on a fake Mac.
 * Prints what lint says about the profile, the profile as apply wrote it, and the command that
 * starts Claude Code under it. Run it with
 * {@code ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=dev.cagent.examples.SeatbeltExample}.
 */
public final class SeatbeltExample {

    static final String CLAUDE = "/opt/homebrew/bin/claude";

    private SeatbeltExample() {
    }

    public static void main(String[] args) {
        run(FakeMac.stock(), System.out);
    }

    /** The corrected seed cage with the Seatbelt profile's defaults. */
    static CagePlan plan() {
        return SeedCage.correctedPlan("alice").toBuilder().seatbelt().build();
    }

    static void run(FakeMac mac, PrintStream out) {
        MacOsBackend backend = MacOsBackend.on(mac).readBack(3, Duration.ZERO).build();
        CagePlan plan = plan();
        SeatbeltProfile profile = plan.step(SeatbeltProfile.class).orElseThrow();
        plan.lint().findings().forEach(f -> out.println(f.severity() + " " + f.code() + ": " + f.message() + "\n    fix: " + f.fix()));

        ApplyReport report = backend.apply(plan);
        if (!report.succeeded()) {
            throw new IllegalStateException("apply failed:\n" + report);
        }
        FileInfo file = mac.fileInfo(profile.profileFile()).orElseThrow();
        out.println();
        out.println("== " + profile.profileFile() + " (" + file.owner() + ":" + file.group() + " " + file.octalMode() + ") ==");
        out.print(mac.readFile(profile.profileFile()));

        out.println();
        out.println("== Claude Code in the cage, under the profile ==");
        out.println(backend.launcher(plan).claudeCode(CLAUDE).toShellLine());
    }
}
