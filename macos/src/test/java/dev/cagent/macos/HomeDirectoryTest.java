package dev.cagent.macos;

import dev.cagent.report.ApplyReport;
import dev.cagent.report.StepOutcome;
import dev.cagent.report.StepReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cagent.macos.Cages.assertSameState;
import static dev.cagent.macos.Cages.backend;
import static dev.cagent.macos.Cages.lines;
import static dev.cagent.macos.Cages.minimal;
import static dev.cagent.macos.Cages.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's home: createhomedir first, read back, and the mkdir fallback when it silently did nothing. */
class HomeDirectoryTest {

    private static final String HOME = "/Users/meeseeks";

    @Test
    void createhomedirMakesTheHomeAndNothingElseIsNeeded() {
        FakeMac mac = FakeMac.stock();

        ApplyReport report = backend(mac).apply(minimal().build());

        assertTrue(report.succeeded(), report::toString);
        List<String> home = homeWrites(mac);
        assertEquals(List.of("/usr/bin/sudo -n -- /usr/sbin/createhomedir -c -u meeseeks"), home);
        FileInfo info = mac.fileInfo(HOME).orElseThrow();
        assertEquals("meeseeks:collabo 0750", info.owner() + ":" + info.group() + " " + info.octalMode());
    }

    @Test
    void whenCreatehomedirSilentlyDoesNothingTheReadBackFallsBackToMkdir() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        mac.faults().createHomeDirDoesNothing();

        ApplyReport report = backend(mac).apply(minimal().build());

        assertTrue(report.succeeded(), report::toString);
        assertEquals(List.of(
                "/usr/bin/sudo -n -- /usr/sbin/createhomedir -c -u meeseeks",
                "/usr/bin/sudo -n -- /bin/mkdir -m 0750 /Users/meeseeks",
                "/usr/bin/sudo -n -- /usr/sbin/chown -h meeseeks:collabo /Users/meeseeks",
                "/usr/bin/sudo -n -- /bin/chmod -h 0750 /Users/meeseeks"), homeWrites(mac));
        StepReport home = report.steps().stream().filter(s -> s.step().describe().equals("home " + HOME)).findFirst().orElseThrow();
        assertEquals(StepOutcome.CHANGED, home.outcome());
        assertTrue(home.changes().stream().anyMatch(c -> c.contains("still missing after createhomedir")), home::toString);
        FileInfo info = mac.fileInfo(HOME).orElseThrow();
        assertEquals("meeseeks:collabo 0750", info.owner() + ":" + info.group() + " " + info.octalMode());

        assertTrue(backend(mac).verify(minimal().build()).isClean());
        assertTrue(backend(mac).undo("meeseeks").succeeded());
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aPlannedModeOtherThanCreatehomedirsIsSetOnReadBack() {
        FakeMac mac = FakeMac.stock();

        ApplyReport report = backend(mac).apply(minimal().homeMode(0700).build());

        assertTrue(report.succeeded(), report::toString);
        assertEquals(List.of(
                "/usr/bin/sudo -n -- /usr/sbin/createhomedir -c -u meeseeks",
                "/usr/bin/sudo -n -- /bin/chmod -h 0700 /Users/meeseeks"), homeWrites(mac));
        assertEquals("0700", mac.fileInfo(HOME).orElseThrow().octalMode());
    }

    private static List<String> homeWrites(FakeMac mac) {
        return lines(writes(mac)).stream()
                .filter(l -> l.endsWith(" " + HOME) || l.endsWith("-u meeseeks") && l.contains("createhomedir"))
                .filter(l -> !l.contains("dscl") && !l.contains("deny") && !l.contains("tee"))
                .toList();
    }
}
