package dev.cagent.examples;

import dev.cagent.CagePlan;
import dev.cagent.Step;
import dev.cagent.macos.MacOsBackend;
import dev.cagent.report.ApplyOptions;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.StepOutcome;
import dev.cagent.testkit.Fault;
import dev.cagent.testkit.FakeMac;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressListenerTest {

    private final FakeMac mac = FakeMac.stock();
    private final MacOsBackend backend = MacOsBackend.on(mac).readBack(3, Duration.ZERO).build();
    private final CagePlan plan = SeedCage.correctedPlan("alice");
    private final List<String> lines = new ArrayList<>();

    private ApplyReport applyWithProgress() {
        return backend.apply(plan, ApplyOptions.defaults(), new ProgressListener(lines::add));
    }

    @Test
    void eachStepStartsWithItsNameListsItsWritesAndEndsWithItsOutcome() {
        ApplyReport report = applyWithProgress();

        int at = 0;
        for (Step step : plan.steps()) {
            assertEquals(step.describe() + " ...", lines.get(at), "line " + at + " of\n" + String.join("\n", lines));
            int writes = 0;
            while (lines.get(++at).startsWith("    ran: ")) {
                writes++;
            }
            assertEquals(step.describe() + ": CHANGED, " + writes + " writes", lines.get(at));
            at++;
        }
        assertEquals(lines.size(), at, "nothing after the last step");
        assertEquals(report.writes(), lines.stream().filter(l -> l.startsWith("    ran: ")).count());
    }

    @Test
    void writesAreShownAsTheyRunWithoutWhatTheyReadOnStandardInput() {
        applyWithProgress();

        assertTrue(lines.contains("    ran: /usr/bin/sudo -n -- /usr/bin/dscl . -create /Users/meeseeks RealName 'Mr. Meeseeks'"), String.join("\n", lines));
        assertTrue(lines.contains("    ran: /usr/bin/sudo -n -- /usr/bin/tee -a /private/var/db/cagent/meeseeks/journal.jsonl"), String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.contains("<<<") || l.contains("\"kind\"")), "no standard input in the lines");
        assertTrue(lines.stream().noneMatch(l -> l.contains("/bin/ls") || l.contains("-read")), "no reads in the lines");
    }

    @Test
    void aSecondApplyShowsOneUnchangedLinePerStep() {
        applyWithProgress();
        lines.clear();

        applyWithProgress();

        assertEquals(plan.steps().stream().map(s -> s.describe() + ": UNCHANGED").toList(), lines);
    }

    @Test
    void aFailedWriteShowsTheCommandItsExitAndTheStepsReason() {
        mac.faults().failWhen(c -> c.argv().contains("+a") && c.argv().get(c.argv().size() - 1).equals("/Users"), Fault.operationNotPermitted());

        ApplyReport report = applyWithProgress();

        assertFalse(report.succeeded());
        String failedWrite = lines.stream().filter(l -> l.startsWith("    FAILED: ")).findFirst().orElseThrow();
        assertEquals("    FAILED: /usr/bin/sudo -n -- /bin/chmod +a 'user:meeseeks deny list' /Users (exit 1: chmod: Failed to set ACL on file '/Users': Operation not permitted)",
                failedWrite);
        String stepLine = lines.stream().filter(l -> l.startsWith("deny meeseeks list on /Users: ")).findFirst().orElseThrow();
        assertTrue(stepLine.startsWith("deny meeseeks list on /Users: FAILED, 2 writes: "), stepLine);
        assertTrue(stepLine.contains("Operation not permitted"), stepLine);
        assertEquals(StepOutcome.FAILED, report.steps().get(4).outcome());
    }

    @Test
    void theRunnableExampleAppliesTheWholeCageAndSaysSo() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        ApplyReport report = ListenerExample.applyWithProgress(mac, new PrintStream(buffer, true, StandardCharsets.UTF_8));

        List<String> printed = buffer.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(report.succeeded());
        assertEquals(plan.steps().size() + " of " + plan.steps().size() + " steps changed, " + report.writes() + " writes", printed.get(printed.size() - 1));
        assertEquals(plan.steps().size(), printed.stream().filter(l -> l.endsWith(" ...")).count());
    }
}
