package dev.cagent.examples;

import dev.cagent.SeatbeltProfile;
import dev.cagent.macos.MacOsBackend;
import dev.cagent.seatbelt.SeatbeltPolicy;
import dev.cagent.testkit.FakeMac;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeatbeltExampleTest {

    @Test
    void printsTheFindingTheWrittenProfileAndTheSandboxedLaunch() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeMac mac = FakeMac.stock();
        SeatbeltExample.run(mac, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        SeatbeltProfile profile = SeatbeltExample.plan().step(SeatbeltProfile.class).orElseThrow();
        String launch = MacOsBackend.on(FakeMac.stock()).build().launcher(SeatbeltExample.plan()).claudeCode(SeatbeltExample.CLAUDE).toShellLine();
        String expected = "INFO SEATBELT_NESTED_SANDBOX: a sandbox cannot be nested: inside sandbox-exec, a tool that sandboxes itself"
                + " (Claude Code's own /sandbox, swift build) fails with 'sandbox_apply: Operation not permitted'\n"
                + "    fix: turn such a tool's own sandbox off in the cage, where the profile takes its place; or leave out seatbelt()\n"
                + "\n== /Library/Application Support/cagent/meeseeks/seatbelt.sb (root:admin 0644) ==\n"
                + SeatbeltPolicy.render(profile)
                + "\n== Claude Code in the cage, under the profile ==\n"
                + launch + "\n";
        assertEquals(expected, out);
        assertTrue(launch.contains(" sh /Users/meeseeks/workshop /usr/bin/sandbox-exec -f '/Library/Application Support/cagent/meeseeks/seatbelt.sb'"
                + " -D WRITABLE_ROOT_0=/Users/meeseeks -D WRITABLE_ROOT_1=/Users/meeseeks/workshop -D WRITABLE_ROOT_2=/private/tmp"
                + " -D WRITABLE_ROOT_3=/private/var/folders -D READABLE_0=/opt/homebrew"
                + " -D 'READABLE_1=/Library/Application Support/ClaudeCode'"
                + " -D 'READABLE_2=/Library/Application Support/cagent/meeseeks/claude-settings.json'"
                + " -D HIDDEN_0=/Users/alice -D HIDDEN_1=/Library/Keychains -D UNREADABLE_0=/Users -D UNREADABLE_1=/private/etc"
                + " -D UNREADABLE_2=/private/var -D PROTECTED_PARENT_0=/Library -D PROTECTED_PARENT_1=/private"
                + " /opt/homebrew/bin/claude --settings '/Library/Application Support/cagent/meeseeks/claude-settings.json'"), launch);
    }
}
