package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.Secret;
import dev.cagent.testkit.FakeMac;

import java.time.Duration;

/**
 * The corrected cage of "Caging the Agent" (the examples module's main job applies the same
 * plan), and backends on a fake Mac that read back without pausing.
 */
final class SeedPlans {

    static final String AGENT = "meeseeks";
    static final String HUMAN = "alice";
    static final String WORKSHOP = "/Users/meeseeks/workshop";
    /** The blog post's placeholder password, for plans with one: no output may ever show it. */
    static final String AGENT_PASSWORD = "comeUpWithYourOwnPassword";
    static final String SETTINGS = "/Library/Application Support/cagent/meeseeks/claude-settings.json";

    private SeedPlans() {
    }

    /** The seed's cage with what lint finds wrong put right; no password. */
    static CagePlan corrected() {
        return Cages.correctedPlan();
    }

    /** The same cage with a login password for the agent. */
    static CagePlan correctedWithPassword(Secret password) {
        return corrected().toBuilder().password(password).build();
    }

    /**
     * An earlier, smaller cage: account (another real name), group, home (mode 0700) and a deny
     * of listing only on the human's home. The corrected plan changes each of these.
     */
    static CagePlan firstPart() {
        return Cage.forUser(AGENT)
                .realName("Meeseeks")
                .uidFirstFreeIn(600, 699)
                .home("/Users/meeseeks")
                .homeMode(0700)
                .hidden(true)
                .human(HUMAN)
                .denyListing("/Users/" + HUMAN)
                .collaborationGroup("collabo")
                .build();
    }

    /**
     * A Mac where {@link #firstPart()} was applied and the human then made the workshop and a
     * file in it, and a Claude settings file with a setting of its own sits where the plan puts
     * the hook: the corrected plan changes things that were there before it.
     */
    static FakeMac partlyCaged() {
        FakeMac mac = FakeMac.stock();
        dev.cagent.report.ApplyReport first = backend(mac).apply(firstPart());
        if (!first.succeeded()) {
            throw new IllegalStateException("arranging the partly caged Mac failed:\n" + first);
        }
        mac.mkdir(WORKSHOP, HUMAN, "staff", 0755);
        mac.writeFile(WORKSHOP + "/notes.md", HUMAN, "staff", 0644, "# notes\n");
        mac.mkdir("/Library/Application Support/cagent", "root", "wheel", 0755);
        mac.mkdir("/Library/Application Support/cagent/" + AGENT, "root", "wheel", 0755);
        mac.writeFile(SETTINGS, "root", "wheel", 0644, "{\"model\": \"opus\"}\n");
        mac.clearRecorded();
        return mac;
    }

    static MacOsBackend backend(FakeMac mac) {
        return MacOsBackend.on(mac).readBack(3, Duration.ZERO).build();
    }

    static MacOsBackend backend(FakeMac mac, Privilege privilege) {
        return MacOsBackend.on(mac).privilege(privilege).readBack(3, Duration.ZERO).build();
    }
}
