package dev.cagent.macos;

import dev.cagent.AclRight;
import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.PlanRefusedException;
import dev.cagent.Secret;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.Preview;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import dev.cagent.testkit.RecordedCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plan apply refuses changes nothing: lint errors stop it before any command, conflicts with
 * the machine before any write, each reason with its fix. And a value the plan accepts reaches
 * the Mac unaltered: no command would be changed on its way to the process.
 */
class RefusalTest {

    private final FakeMac mac = FakeMac.stock();

    private static List<RecordedCommand> writes(FakeMac mac) {
        return mac.recorded().stream().filter(RecordedCommand::isWrite).toList();
    }

    /**
     * Apply on {@code mac} refuses with reasons containing each of {@code expected}, writes
     * nothing and changes nothing; preview shows the same refusal and warns not to run its script.
     */
    private static void assertRefused(FakeMac mac, CagePlan plan, String... expected) {
        MacOsBackend backend = SeedPlans.backend(mac);
        MacSnapshot before = mac.snapshot();
        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> backend.apply(plan));
        for (String text : expected) {
            assertTrue(refused.reasons().stream().anyMatch(r -> r.contains(text)), () -> "no reason says '" + text + "': " + refused.reasons());
        }
        assertEquals(List.of(), writes(mac));
        assertEquals(before, mac.snapshot());
        Preview preview = backend.preview(plan);
        assertFalse(preview.wouldApply());
        assertTrue(preview.script().contains("# apply would refuse this plan; do not run this script:"), preview::script);
        assertEquals(List.of(), writes(mac));
    }

    @Test
    void unacceptedLintErrorsRefuseThePlanBeforeAnyCommand() {
        CagePlan seed = Cage.forUser(SeedPlans.AGENT).uid(69).primaryGroupId(20).human(SeedPlans.HUMAN)
                .deny("/Users").deny("/private/var").collaborationGroup("collabo").collaborationGroupId(69).build();
        assertTrue(seed.lint().isBlocking(), seed.lint()::toString);

        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> SeedPlans.backend(mac).apply(seed));

        assertEquals(List.of(), mac.recorded(), "not even a read");
        assertEquals(seed.lint().blocking().size(), refused.reasons().size(), refused::getMessage);
        assertTrue(refused.reasons().stream().allMatch(r -> r.startsWith("ERROR ") && r.contains("; fix: ")), refused::getMessage);
        assertTrue(refused.getMessage().contains("/Users"), refused.getMessage());
    }

    @Test
    void aUidHeldByAnotherAccountRefusesThePlanBeforeAnyWrite() {
        mac.addUser("squatter", 650, 20, "/Users/squatter");
        assertRefused(mac, SeedPlans.corrected().toBuilder().uid(650).build(),
                "UID 650 for user meeseeks is already held by user squatter; UID 600 is free");
    }

    @Test
    void aMissingJqRefusesThePlanBeforeAnyWrite() {
        assertRefused(FakeMac.builder().jq(false).build(), SeedPlans.corrected(), "jq was not found at /usr/bin/jq", "install it");
    }

    @Test
    void anUnparseableClaudeSettingsFileRefusesThePlanAndStaysUntouched() {
        mac.mkdir("/Library/Application Support/cagent", "root", "wheel", 0755);
        mac.mkdir("/Library/Application Support/cagent/meeseeks", "root", "wheel", 0755);
        mac.writeFile(SeedPlans.SETTINGS, "root", "wheel", 0644, "{\"hooks\": [oops\n");
        assertRefused(mac, SeedPlans.corrected(), SeedPlans.SETTINGS + " is not valid JSON", "cagent leaves it untouched; fix it, then apply again");
        assertEquals("{\"hooks\": [oops\n", mac.readFile(SeedPlans.SETTINGS));
    }

    // --- accepted values travel unaltered ------------------------------------------------------------

    /** The fake Mac behind the process runner's own check: a command it would refuse (or alter) fails the test. */
    private static CommandRunner checkedBy(ExecCommandRunner processes, FakeMac mac) {
        return new CommandRunner() {
            @Override
            public CommandResult run(Command command) {
                processes.checkPassable(command);
                return mac.run(command);
            }

            @Override
            public Object machine() {
                return mac;
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mr. Meeseeks", "O'Brien \"Bob\"", "$(rm -rf /) `id`; echo | && x", "Zoë Åström", "🤖 Agent",
            "two  spaces\u00a0inside", "-leading dash", "${HOME}"})
    void anAcceptedRealNameReachesDirectoryServicesUnaltered(String realName) {
        applyUnaltered(b -> b.realName(realName));
        assertEquals(List.of(realName), mac.record("/Users/meeseeks").get("RealName"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/Users/Shared/with space", "/Users/Shared/$HOME", "/Users/Shared/$(id)", "/Users/Shared/a;b|c&&d",
            "/Users/Shared/-rf", "/Users/Shared/it's", "/Users/Shared/say \"hi\"", "/Users/Shared/back\\slash", "/Users/Shared/🚀",
            "/Users/Shared/${x}"})
    void anAcceptedPathReachesTheFilesUnaltered(String path) {
        mac.mkdir(path, SeedPlans.HUMAN, "staff", 0755);
        CagePlan plan = applyUnaltered(b -> b.deny(path, AclRight.WRITE_DATA).workspace(path + "/workshop"));
        assertEquals(List.of("user:meeseeks deny add_file"), mac.fileInfo(path).orElseThrow().acl());
        assertTrue(mac.fileInfo(path + "/workshop").isPresent());
        assertTrue(SeedPlans.backend(mac).undo(plan).succeeded());
    }

    @Test
    void anAcceptedPasswordReachesDsclUnaltered() {
        Secret password = Secret.of("Hunter2'$`;|&&$(id) ~!#%^*()_+-={}[]:<>,.?/");
        applyUnaltered(b -> b.password(password));
        assertTrue(mac.passwordMatches(SeedPlans.AGENT, password));
    }

    /** Applies the corrected plan changed by {@code change} through the process runner's check; verify finds nothing. */
    private CagePlan applyUnaltered(Function<CagePlan.Builder, CagePlan.Builder> change) {
        CagePlan plan = change.apply(SeedPlans.corrected().toBuilder()).build();
        MacOsBackend checked = MacOsBackend.on(checkedBy(new ExecCommandRunner(), mac)).readBack(3, Duration.ZERO).build();
        ApplyReport report = checked.apply(plan);
        assertTrue(report.succeeded(), report::toString);
        assertTrue(checked.verify(plan).isClean());
        return plan;
    }
}
