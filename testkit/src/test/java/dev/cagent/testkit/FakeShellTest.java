package dev.cagent.testkit;

import dev.cagent.Secret;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.Stdin;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.cagent.testkit.Shell.assertResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FakeShellTest {

    private final FakeMac mac = FakeMac.builder().caller("root").build();

    private CommandResult sh(String script) {
        return sh(script, Map.of());
    }

    private CommandResult sh(String script, Map<String, String> env) {
        return mac.run(new Command(List.of("/bin/sh", "-s"), Stdin.text(script), env, null, Command.DEFAULT_TIMEOUT, Command.Effect.WRITE));
    }

    @Test
    void runsThePreviewScriptOfTheContract() {
        String preview = """
                #!/bin/sh
                # cagent: 12 writes to cage meeseeks. Review, then run as shown below.
                set -eu

                # 1/7 user meeseeks: create the record
                /usr/bin/sudo -n -- /usr/bin/dscl . -create /Users/meeseeks
                /usr/bin/sudo -n -- /usr/bin/dscl . -create /Users/meeseeks RealName 'Mr. Meeseeks'
                # stdin with a secret: the password is read from $CAGENT_PASSWORD, never written here
                printf '%s' 'passwd /Users/meeseeks "'"${CAGENT_PASSWORD:?export CAGENT_PASSWORD first}"'"
                ' | /usr/bin/sudo -n -- /usr/bin/dscl -q .
                printf 'cagent: done %d\\n' 3 >&2
                # stdin without a secret
                printf '%s' 'umask 002
                ' | /usr/bin/sudo -n -u alice -- /usr/bin/tee /Users/alice/.zshrc.cagent-new >/dev/null
                printf 'cagent: done %d\\n' 4 >&2
                """;
        assertResult(0, "", "cagent: done 3\ncagent: done 4\n", sh(preview, Map.of("CAGENT_PASSWORD", "it's \"quoted\"")));
        assertEquals(List.of("Mr. Meeseeks"), mac.record("/Users/meeseeks").get("RealName"));
        assertTrue(mac.passwordMatches("meeseeks", Secret.of("it's quoted")), "dscl's tokenizer takes the double quotes away");
        assertEquals("umask 002\n", mac.readFile("/Users/alice/.zshrc.cagent-new"));
        assertEquals("alice", mac.fileInfo("/Users/alice/.zshrc.cagent-new").orElseThrow().owner());
    }

    @Test
    void aMissingSecretStopsTheScriptWithTheMessage() {
        String script = """
                /bin/mkdir -m 700 /private/var/db/one
                printf '%s' "${CAGENT_PASSWORD:?export CAGENT_PASSWORD first}" | /usr/bin/dscl -q .
                /bin/mkdir -m 700 /private/var/db/two
                """;
        assertResult(1, "", "sh: CAGENT_PASSWORD: export CAGENT_PASSWORD first\n", sh(script));
        assertTrue(mac.exists("/private/var/db/one"));
        assertFalse(mac.exists("/private/var/db/two"));
    }

    @Test
    void setEStopsAtTheFirstFailureWithItsExitCodeAndWithoutItTheScriptGoesOn() {
        String failing = """
                /usr/bin/dscl . -read /Users/nobody2
                /bin/mkdir -m 700 /private/var/db/after
                """;
        assertResult(0, "", "<dscl_cmd> DS Error: -14136 (eDSRecordNotFound)\n", sh(failing));
        assertTrue(mac.exists("/private/var/db/after"));
        assertResult(56, "", "<dscl_cmd> DS Error: -14136 (eDSRecordNotFound)\n", sh("set -e\n" + failing.replace("after", "later")));
        assertFalse(mac.exists("/private/var/db/later"));
    }

    @Test
    void plainVariablesExpandAndSetUCatchesUnsetOnes() {
        mac.mkdir("/private/tmp/w", "root", "wheel", 0755);
        assertResult(0, "", "", sh("/bin/mkdir -m 700 \"$DIR\"/\"${SUB}\"x\n", Map.of("DIR", "/private/tmp/w", "SUB", "s")));
        assertTrue(mac.exists("/private/tmp/w/sx"));
        assertResult(1, "", "sh: NOPE: unbound variable\n", sh("set -eu\n/bin/mkdir \"$NOPE\"\n"));
    }

    @Test
    void singleQuotesSpanLinesAndTheQuoteIdiomWorks() {
        String script = "printf '%s' 'it'\\''s\ntwo lines\n' | /usr/bin/tee /private/tmp/q >/dev/null\n/bin/mkdir -m 700 /private/tmp/after\n";
        assertResult(0, "", "", sh(script));
        assertEquals("it's\ntwo lines\n", mac.readFile("/private/tmp/q"));
        assertTrue(mac.exists("/private/tmp/after"));
    }

    @Test
    void stdoutOfCommandsReachesTheScriptsStdoutUnlessDiscarded() {
        assertResult(0, "0\nhello 7%\n", "", sh("/usr/bin/id -u\nprintf '%s %d%%\\n' hello 7\n/usr/bin/id -u >/dev/null\n"));
    }

    @Test
    void anythingElseIsRefusedBeforeAnythingRuns() {
        for (String line : List.of("/bin/mkdir /a && /bin/mkdir /b", "/bin/mkdir /a; /bin/mkdir /b", "echo $(whoami)",
                "/bin/mkdir `x`", "/bin/cat /x | /bin/cat", "/bin/cat < /x", "/bin/cat /x 2>/dev/null", "mkdir /a",
                "if true; then :; fi", "/bin/mkdir $HOME", "/bin/cat 'open", "/usr/bin/id -u >&2", "X=1 /usr/bin/id -u",
                "printf '%s' x | /bin/cat | /bin/cat")) {
            CommandResult result = sh("/bin/mkdir -m 700 /private/tmp/first\n\n" + line + "\n");
            assertResult(2, "", "sh: fake-mac: unsupported syntax at line 3\n", result);
            assertFalse(mac.exists("/private/tmp/first"), line);
        }
    }

    @Test
    void aScriptFileRunsAsItsUserAndMustBeReadable() {
        mac.writeFile("/private/tmp/s.sh", "alice", "staff", 0600, "/usr/bin/id -u\n");
        assertResult(0, "501\n", "", Shell.read(mac.as("alice"), "/bin/sh", "/private/tmp/s.sh"));
        assertResult(126, "", "sh: /private/tmp/s.sh: Permission denied\n", Shell.read(mac.as("_www"), "/bin/sh", "/private/tmp/s.sh"));
        assertResult(127, "", "sh: /private/tmp/none.sh: No such file or directory\n", Shell.read(mac, "/bin/sh", "/private/tmp/none.sh"));
        assertResult(127, "", "fake-mac: unsupported: /bin/sh -c 'exec \"$@\"' sh /usr/bin/id\n",
                Shell.read(mac, "/bin/sh", "-c", "exec \"$@\"", "sh", "/usr/bin/id"));
    }

    @Test
    void commandsOfAScriptAreClassifiedAsReadsOrWrites() {
        assertEquals(Command.Effect.READ, FakeShell.effectOf(List.of("/usr/bin/sudo", "-n", "--", "/usr/bin/dscl", "-plist", ".", "-read", "/Users/x")));
        assertEquals(Command.Effect.READ, FakeShell.effectOf(List.of("/bin/ls", "-led", "/Users")));
        assertEquals(Command.Effect.READ, FakeShell.effectOf(List.of("/usr/sbin/dseditgroup", "-o", "checkmember", "-m", "a", "b")));
        assertEquals(Command.Effect.WRITE, FakeShell.effectOf(List.of("/usr/bin/sudo", "-n", "--", "/usr/bin/dscl", ".", "-create", "/Users/x")));
        assertEquals(Command.Effect.WRITE, FakeShell.effectOf(List.of("/usr/bin/tee", "/x")));
    }
}
