package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.MacPaths;
import dev.cagent.PlanRefusedException;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.Preview;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;

import java.text.Normalizer;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static dev.cagent.macos.Cages.assertSameState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Valid but unfriendly names and paths, end to end: names with '.', '_' and '-', paths with
 * blanks, quotes, '$', backticks, glob characters, '#', a leading '-' in a name, unicode in both
 * normal forms and lengths near the limits. Apply, apply again (no write), verify (clean), undo
 * (the machine as before), and the preview script run by sh on a fresh Mac leaves the machine as
 * apply does.
 */
class NastyInputTest {

    /** Every character a shell or a glob could trip over, in one directory name. */
    private static final String NASTY = "it's \"$HOME\" `id` *?[ab]# ~!&;|<>(){}\\ %@+=:,é";

    private static String nfd(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFD);
    }

    /** A Mac whose human is {@code human}, with {@code setup} applied before anything is recorded. */
    private static FakeMac mac(String human, Consumer<FakeMac> setup) {
        FakeMac mac = FakeMac.builder().human(human, 501).build();
        setup.accept(mac);
        mac.clearRecorded();
        return mac;
    }

    private static MacOsBackend backend(FakeMac mac) {
        return MacOsBackend.on(mac).readBack(3, Duration.ZERO).build();
    }

    /**
     * Apply, apply again, verify, undo, and the preview script on a second Mac set up alike; the
     * Mac after apply and the one after the script must be the same.
     */
    private static void roundTrip(CagePlan plan, String human, Consumer<FakeMac> setup) {
        FakeMac scripted = mac(human, setup);
        Preview preview = backend(scripted).preview(plan);
        assertTrue(preview.wouldApply(), preview::toString);

        FakeMac mac = mac(human, setup);
        MacSnapshot before = mac.snapshot();
        MacOsBackend backend = backend(mac);
        ApplyReport applied = backend.apply(plan);
        assertTrue(applied.succeeded(), applied::toString);
        MacSnapshot caged = mac.snapshot();

        ApplyReport again = backend.apply(plan);
        assertTrue(again.succeeded(), again::toString);
        assertEquals(0, again.writes(), again::toString);
        VerifyReport verify = backend.verify(plan);
        assertTrue(verify.isClean(), verify::toString);

        String script = "/private/tmp/cagent-preview.sh";
        scripted.writeFile(script, human, "wheel", 0600, preview.script());
        CommandResult ran = scripted.run(Command.write("/bin/sh", script).withWorkingDirectory("/"));
        assertEquals(0, ran.exitCode(), () -> "the preview script failed: " + ran.stderr() + "\n" + preview.script());
        List<String> scriptVersusApply = caged.diff(scripted.snapshot()).stream().filter(line -> !line.startsWith(script + ":")).toList();
        assertEquals(List.of(), scriptVersusApply, "the preview script must leave the machine as apply does");
        VerifyReport afterScript = backend(scripted).verify(plan);
        assertTrue(afterScript.isClean(), afterScript::toString);

        UndoReport undo = backend.undo(plan);
        assertTrue(undo.succeeded(), undo::toString);
        assertSameState(before, mac.snapshot());
    }

    @Test
    void namesWithDotsUnderscoresAndDashes() {
        String human = "_al-ice.b";
        CagePlan plan = Cage.forUser("ai.bot-1_x")
                .realName("A \"quoted\" $name `with` it's * ?")
                .human(human)
                .deny("/Users/" + human)
                .denyListing("/Users")
                .collaborationGroup("co-lab.o_")
                .workspace("/Users/ai.bot-1_x/work")
                .humanUmask("002")
                .claudeCodeHook(ClaudeCodeHook.Location.USER)
                .build();
        roundTrip(plan, human, mac -> { });
    }

    @Test
    void pathsWithEveryShellCharacter() {
        String human = "alice";
        String home = "/Users/" + NASTY;
        String workspace = home + "/-work " + NASTY;
        String secret = "/Library/-" + NASTY;
        CagePlan plan = Cage.forUser("meeseeks")
                .home(home)
                .human(human)
                .deny("/Users/alice")
                .deny(secret)
                .collaborationGroup("collabo")
                .workspace(workspace)
                .humanUmask("/Users/alice/.zshrc " + NASTY, "002")
                .claudeCodeHook(ClaudeCodeHook.Location.USER)
                .build();
        roundTrip(plan, human, mac -> {
            mac.mkdir(secret, "root", "wheel", 0755);
            mac.writeFile(secret + "/key " + NASTY, "root", "wheel", 0600, "secret\n");
            mac.writeFile("/Users/alice/.zshrc " + NASTY, "alice", "staff", 0644, "# rc " + NASTY + "\nprintf '%s\\n' \"$x\" `y` '\\''\n\n\tno final newline");
        });
    }

    @Test
    void aWorkspaceTheHumanFilledWithNastyNamesComesBackAsItWas() {
        String workspace = "/Users/Shared/" + NASTY;
        CagePlan plan = Cage.forUser("meeseeks").human("alice").collaborationGroup("collabo").workspace(workspace).build();
        roundTrip(plan, "alice", mac -> {
            mac.mkdir(workspace, "alice", "staff", 0755);
            mac.mkdir(workspace + "/-" + NASTY, "alice", "staff", 0700);
            mac.writeFile(workspace + "/-" + NASTY + "/" + NASTY, "alice", "staff", 0644, "notes\n");
            mac.writeFile(workspace + "/[a]*\\?", "root", "wheel", 0600, "root's\n");
        });
    }

    @Test
    void pathsInTheOtherUnicodeNormalForm() {
        String human = "alice";
        String name = "Ünïcödé ço-op é";
        CagePlan plan = Cage.forUser("meeseeks")
                .home(nfd("/Users/" + name))
                .human(human)
                .deny(nfd("/Library/" + name))
                .collaborationGroup("collabo")
                .workspace(nfd("/Users/" + name + "/wörk"))
                .claudeCodeHook(ClaudeCodeHook.Location.PROJECT)
                .build();
        roundTrip(plan, human, mac -> mac.mkdir("/Library/" + name, "root", "wheel", 0755));
    }

    @Test
    void namesAtTheirLongest() {
        String agent = "a" + "g.e-n_t".repeat(34) + "x".repeat(5);
        String human = "h" + "u".repeat(243);
        String group = "g" + "r".repeat(243);
        String home = "/Users/" + "é".repeat(250);
        CagePlan plan = Cage.forUser(agent)
                .realName("R" + "e".repeat(254))
                .home(home)
                .human(human)
                .deny("/Users/" + human)
                .collaborationGroup(group)
                .workspace(home + "/" + "w".repeat(255))
                .humanUmask("/Users/" + human + "/" + "z".repeat(244), "002")
                .claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED)
                .build();
        assertEquals(244, agent.length());
        roundTrip(plan, human, mac -> mac.writeFile("/Users/" + human + "/" + "z".repeat(244), human, "staff", 0644, "# rc\n"));
    }

    @Test
    void aFileWhoseNameLeavesNoRoomForTheTemporaryFileBesideItIsRefusedBeforeAnyWrite() {
        String rc = "/Users/alice/." + "z".repeat(245);
        FakeMac mac = mac("alice", m -> m.writeFile(rc, "alice", "staff", 0644, "# rc\n"));
        MacSnapshot before = mac.snapshot();
        CagePlan plan = Cage.forUser("meeseeks").human("alice").collaborationGroup("collabo").humanUmask(rc, "002").build();

        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> backend(mac).apply(plan));

        assertEquals(List.of(rc + ": its name is too long for the file cagent writes beside it first (" + MacPaths.name(rc)
                + ".cagent-new, more than 255 characters); rename it, or edit it by hand"), refused.reasons());
        assertSameState(before, mac.snapshot());
    }
}
