package dev.cagent.examples;

import dev.cagent.CagePlan;
import dev.cagent.macos.MacOsBackend;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.VerifyReport;
import dev.cagent.testkit.FakeMac;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared workspace after the cage is built and both sides work in it: files made the way the
 * plan itself arranges (the human's umask 002, the launcher's umask 002) are the cage working,
 * not drift from it.
 */
class WorkspaceInUseTest {

    private final FakeMac mac = FakeMac.stock();
    private final MacOsBackend backend = MacOsBackend.on(mac).readBack(3, Duration.ZERO).build();
    private final CagePlan plan = SeedCage.correctedPlan("alice");

    @BeforeEach
    void buildTheCage() {
        assertTrue(backend.apply(plan).succeeded());
    }

    @Test
    void aFileTheHumanCreatesWithThePlansUmaskIsNoDrift() {
        mac.createFileAs("alice", SeedCage.WORKSHOP + "/notes.md", "alice's notes\n", 002);

        VerifyReport verify = backend.verify(plan);

        assertTrue(verify.isClean(), verify.toString());
    }

    @Test
    void aFileTheAgentCreatesWithTheLaunchersUmaskIsNoDrift() {
        mac.createFileAs(SeedCage.AGENT, SeedCage.WORKSHOP + "/main.go", "package main\n", 002);

        VerifyReport verify = backend.verify(plan);

        assertTrue(verify.isClean(), verify.toString());
    }

    @Test
    void reApplyingAfterTheHumanCreatedAFileWritesNothing() {
        mac.createFileAs("alice", SeedCage.WORKSHOP + "/notes.md", "alice's notes\n", 002);

        ApplyReport again = backend.apply(plan);

        assertTrue(again.succeeded(), again.toString());
        assertEquals(0, again.writes(), again.toString());
    }
}
