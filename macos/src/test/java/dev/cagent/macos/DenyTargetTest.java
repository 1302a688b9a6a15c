package dev.cagent.macos;

import dev.cagent.AccessDenial;
import dev.cagent.AclRight;
import dev.cagent.CagePlan;
import dev.cagent.InvalidPlanException;
import dev.cagent.PlanRefusedException;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.StepOutcome;
import dev.cagent.report.StepReport;
import dev.cagent.report.UndoReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cagent.macos.Cages.assertSameState;
import static dev.cagent.macos.Cages.backend;
import static dev.cagent.macos.Cages.byHand;
import static dev.cagent.macos.Cages.lines;
import static dev.cagent.macos.Cages.minimal;
import static dev.cagent.macos.Cages.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a deny lands: the real directory behind every symbolic link, each object once however
 * many plan entries reach it; a target that is not there is refused before any write, or left
 * out when the plan accepts that risk.
 */
class DenyTargetTest {

    private static final String ACL_ENTRY = "user:meeseeks deny list,add_file,search";

    /** The ACL edits ({@code chmod +a}/{@code -a}) recorded since the last clear, without the sudo prefix. */
    private static List<String> aclEdits(FakeMac mac) {
        return writes(mac).stream().map(Cages::unwrapped)
                .filter(argv -> argv.get(0).equals("/bin/chmod") && argv.get(1).matches("[+-]a#?"))
                .map(argv -> String.join(" ", argv.subList(1, argv.size())))
                .toList();
    }

    private static List<String> acl(FakeMac mac, String path) {
        return mac.fileInfo(path).orElseThrow().acl();
    }

    @Test
    void etcVarAndTmpLandOnTheirPrivateDirectories() {
        FakeMac mac = FakeMac.stock();
        mac.mkdir("/private/tmp/builds", "alice", "wheel", 0755);
        MacSnapshot before = mac.snapshot();
        CagePlan plan = minimal().denyListing("/etc").deny("/var/root").deny("/tmp/builds").build();
        assertEquals(List.of("/private/etc", "/private/var/root", "/private/tmp/builds"), plan.stepsOf(AccessDenial.class).stream().map(AccessDenial::path).toList());
        MacOsBackend backend = backend(mac);
        mac.clearRecorded();

        assertTrue(backend.apply(plan).succeeded());

        assertEquals(List.of("+a user:meeseeks deny list /private/etc", "+a " + ACL_ENTRY + " /private/var/root", "+a " + ACL_ENTRY + " /private/tmp/builds"), aclEdits(mac));
        assertEquals(List.of("user:meeseeks deny list"), acl(mac, "/private/etc"));
        assertEquals(List.of(), acl(mac, "/etc"), "the link itself is left alone");
        assertTrue(backend.undo("meeseeks").succeeded());
        assertSameState(before, mac.snapshot());
    }

    @Test
    void etcAndPrivateEtcInOnePlanAreOneEntryAddedAndRemovedOnce() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        CagePlan plan = minimal().deny("/etc").denyListing("/private/etc").build();
        assertEquals(1, plan.stepsOf(AccessDenial.class).size());
        MacOsBackend backend = backend(mac);
        mac.clearRecorded();

        backend.apply(plan);
        UndoReport undo = backend.undo("meeseeks");

        assertTrue(undo.succeeded(), undo::toString);
        assertEquals(List.of("+a " + ACL_ENTRY + " /private/etc", "-a " + ACL_ENTRY + " /private/etc"), aclEdits(mac));
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aLinkTheUserMadeIsFollowedAndItsTargetDeniedOnce() {
        FakeMac mac = FakeMac.stock();
        mac.symlink("/Users/alice/docs", "Documents");
        mac.symlink("/Users/alice/papers", "/Users/alice/docs");
        MacSnapshot before = mac.snapshot();
        CagePlan plan = minimal().deny("/Users/alice/papers").deny("/Users/alice/docs").deny("/Users/alice/Documents").build();
        MacOsBackend backend = backend(mac);
        mac.clearRecorded();

        ApplyReport first = backend.apply(plan);

        assertEquals(List.of("+a " + ACL_ENTRY + " /Users/alice/Documents"), aclEdits(mac));
        assertEquals(List.of(ACL_ENTRY, "group:everyone deny delete"), acl(mac, "/Users/alice/Documents"));
        assertEquals(List.of(), acl(mac, "/Users/alice/docs"));
        assertEquals(List.of(StepOutcome.CHANGED, StepOutcome.UNCHANGED, StepOutcome.UNCHANGED),
                first.steps().stream().filter(s -> s.step() instanceof AccessDenial).map(StepReport::outcome).toList());
        assertEquals(List.of("ACL of /Users/alice/Documents: no deny entry for meeseeks -> deny list,add_file,search"),
                first.steps().stream().filter(s -> s.step() instanceof AccessDenial).findFirst().orElseThrow().changes());
        mac.clearRecorded();
        assertEquals(0, backend.apply(plan).writes());
        assertTrue(backend.verify(plan).isClean());

        UndoReport undo = backend.undo("meeseeks");

        assertTrue(undo.succeeded(), undo::toString);
        assertEquals(List.of("-a " + ACL_ENTRY + " /Users/alice/Documents"), aclEdits(mac));
        assertSameState(before, mac.snapshot());
    }

    @Test
    void twoPathsToOneDirectoryWithDifferentRightsAreUndoneWithoutAFailedRemoval() {
        FakeMac mac = FakeMac.stock();
        mac.symlink("/Users/alice/docs", "Documents");
        MacSnapshot before = mac.snapshot();
        CagePlan plan = minimal().deny("/Users/alice/docs", AclRight.READ_DATA).deny("/Users/alice/Documents", AclRight.READ_DATA, AclRight.EXECUTE).build();
        MacOsBackend backend = backend(mac);
        mac.clearRecorded();

        backend.apply(plan);
        assertEquals(List.of("user:meeseeks deny list,search", "group:everyone deny delete"), acl(mac, "/Users/alice/Documents"));
        UndoReport undo = backend.undo("meeseeks");

        assertTrue(undo.succeeded(), undo::toString);
        assertEquals(List.of(
                "+a user:meeseeks deny list /Users/alice/Documents",
                "+a user:meeseeks deny search /Users/alice/Documents",
                "-a user:meeseeks deny search /Users/alice/Documents",
                "-a user:meeseeks deny list /Users/alice/Documents"), aclEdits(mac));
        assertTrue(writes(mac).stream().allMatch(c -> c.exitCode() == 0), () -> String.join("\n", lines(writes(mac))));
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aFileTargetGetsTheFileNamesOfTheRights() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = backend(mac);
        mac.clearRecorded();

        backend.apply(minimal().deny("/Users/alice/.ssh/id_ed25519").build());

        assertEquals(List.of("+a user:meeseeks deny read,write,execute /Users/alice/.ssh/id_ed25519"), aclEdits(mac));
        assertTrue(backend.undo("meeseeks").succeeded());
        assertEquals(List.of(), acl(mac, "/Users/alice/.ssh/id_ed25519"));
    }

    @Test
    void aMissingTargetIsRefusedByLintBeforeAnyWrite() {
        FakeMac mac = FakeMac.stock();
        mac.symlink("/Users/alice/old", "/Volumes/Backup/old");
        MacSnapshot before = mac.snapshot();

        PlanRefusedException refused = assertThrows(PlanRefusedException.class,
                () -> backend(mac).apply(minimal().deny("/Users/alice/Projects").deny("/Users/alice/old").deny("/Users/alice/.zshrc/d").build()));

        assertEquals(List.of(
                "ERROR DENY_TARGET_MISSING [/Users/alice/Projects]: /Users/alice/Projects does not exist on this machine, so there is nothing to put an ACL on; "
                        + "fix: create it first, or remove deny(\"/Users/alice/Projects\"); if you accept the risk, apply skips it",
                "ERROR DENY_TARGET_MISSING [/Users/alice/old]: /Users/alice/old does not exist on this machine, so there is nothing to put an ACL on; "
                        + "fix: create it first, or remove deny(\"/Users/alice/old\"); if you accept the risk, apply skips it",
                "ERROR DENY_TARGET_MISSING [/Users/alice/.zshrc/d]: /Users/alice/.zshrc/d does not exist on this machine, so there is nothing to put an ACL on; "
                        + "fix: create it first, or remove deny(\"/Users/alice/.zshrc/d\"); if you accept the risk, apply skips it"),
                refused.reasons());
        assertEquals(List.of(), lines(writes(mac)));
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aMissingTargetWhoseRiskIsAcceptedIsSkippedAndDeniedOnceItAppears() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot before = mac.snapshot();
        CagePlan plan = minimal().deny("/Users/alice/Projects").acceptRisk("DENY_TARGET_MISSING").build();
        MacOsBackend backend = backend(mac);

        ApplyReport first = backend.apply(plan);

        StepReport skipped = first.steps().stream().filter(s -> s.step() instanceof AccessDenial).findFirst().orElseThrow();
        assertEquals(StepOutcome.SKIPPED, skipped.outcome());
        assertEquals(List.of("/Users/alice/Projects does not exist (risk DENY_TARGET_MISSING accepted)"), skipped.changes());
        assertEquals(List.of(), skipped.commands());
        assertTrue(first.succeeded());
        mac.clearRecorded();
        assertEquals(StepOutcome.SKIPPED, backend.apply(plan).steps().get(3).outcome());
        assertEquals(List.of(), lines(writes(mac)));
        assertTrue(backend.verify(plan).isClean());

        mac.mkdir("/Users/alice/Projects", "alice", "staff", 0755);
        assertEquals(List.of("deny meeseeks list,add_file,search on /Users/alice/Projects: ACL of /Users/alice/Projects should be deny list,add_file,search, is no deny entry for meeseeks"),
                backend.verify(plan).drifts().stream().map(Object::toString).toList());
        assertEquals(StepOutcome.CHANGED, backend.apply(plan).steps().get(3).outcome());
        assertEquals(List.of(ACL_ENTRY), acl(mac, "/Users/alice/Projects"));

        assertTrue(backend.undo("meeseeks").succeeded());
        assertEquals(List.of(), acl(mac, "/Users/alice/Projects"));
        byHand(mac, "/bin/rmdir", "/Users/alice/Projects");
        assertSameState(before, mac.snapshot());
    }

    @Test
    void aLoopOfLinksIsRefusedOnceAndNotCalledMissing() {
        FakeMac mac = FakeMac.stock();
        mac.symlink("/Users/alice/a", "b");
        mac.symlink("/Users/alice/b", "a");

        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> backend(mac).apply(minimal().deny("/Users/alice/a").build()));

        assertEquals(List.of("deny target /Users/alice/a passes through more than 8 symbolic links: give the real path"), refused.reasons());
        assertEquals(List.of(), lines(writes(mac)));
    }

    @Test
    void aPathStartingWithATildeIsRejectedWhenThePlanIsBuilt() {
        InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> minimal().deny("~/Documents"));

        assertTrue(e.getMessage().contains("path '~/Documents' starts with '~', which only a shell expands (and as root it means root's home): "
                + "write the full path, e.g. /Users/NAME/Documents"), e.getMessage());
    }
}
