package dev.cagent.testkit;

import dev.cagent.Secret;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandStartException;
import dev.cagent.exec.CommandTimeoutException;
import dev.cagent.exec.RunningCommand;
import dev.cagent.exec.Stdin;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.cagent.testkit.Shell.assertOk;
import static dev.cagent.testkit.Shell.assertResult;
import static dev.cagent.testkit.Shell.read;
import static dev.cagent.testkit.Shell.sudo;
import static dev.cagent.testkit.Shell.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultsAndRecordingTest {

    private final FakeMac mac = FakeMac.stock();

    @Test
    void theNthWriteFromNowFailsOnceAndChangesNothing() {
        assertOk(sudo(mac, "/bin/mkdir", "-m", "700", "/private/var/db/one"));
        mac.faults().failWrite(2, Fault.exit(3, "boom"));
        assertOk(read(mac, "/usr/bin/id", "-u"));
        assertOk(sudo(mac, "/bin/mkdir", "-m", "700", "/private/var/db/two"));
        assertResult(3, "", "boom\n", sudo(mac, "/bin/mkdir", "-m", "700", "/private/var/db/three"));
        assertFalse(mac.exists("/private/var/db/three"));
        assertOk(sudo(mac, "/bin/mkdir", "-m", "700", "/private/var/db/three"));
    }

    @Test
    void operationNotPermittedSpeaksEachProgramsLanguage() {
        mac.faults().failWhen(c -> c.argv().contains("/bin/chmod") || c.argv().contains("/usr/sbin/chown")
                || c.argv().contains("/bin/mv") || c.argv().contains("/usr/bin/tee"), Fault.operationNotPermitted());
        assertResult(1, "", "chmod: Failed to set ACL on file '/Users': Operation not permitted\n",
                sudo(mac, "/bin/chmod", "+a", "alice deny list", "/Users"));
        assertResult(1, "", "chmod: Unable to change file mode on /Users: Operation not permitted\n", sudo(mac, "/bin/chmod", "700", "/Users"));
        assertResult(1, "", "chown: /Users/alice: Operation not permitted\n", sudo(mac, "/usr/sbin/chown", "root", "/Users/alice"));
        assertResult(1, "", "mv: rename /Users/alice/a to /Users/alice/b: Operation not permitted\n",
                write(mac, "/bin/mv", "-f", "/Users/alice/a", "/Users/alice/b"));
        assertResult(1, "", "tee: /Users/alice/x: Operation not permitted\n", write(mac, "/usr/bin/tee", "/Users/alice/x"));
        assertEquals(List.of(), mac.fileInfo("/Users").orElseThrow().acl());
        assertEquals(0755, mac.fileInfo("/Users").orElseThrow().mode());
    }

    @Test
    void aTimeoutThrowsAndIsRecorded() {
        mac.faults().failWhen(c -> c.argv().contains("/usr/sbin/createhomedir"), Fault.timeout());
        Command command = Command.write("/usr/bin/sudo", "-n", "--", "/usr/sbin/createhomedir", "-c", "-u", "alice");
        assertThrows(CommandTimeoutException.class, () -> mac.run(command));
        RecordedCommand recorded = mac.recorded().get(0);
        assertEquals(143, recorded.exitCode());
        mac.faults().clear();
        assertOk(mac.run(command));
    }

    @Test
    void faultsReachTheCommandsOfTheAdminScript() {
        String dir = read(mac, "/usr/bin/mktemp", "-d", "-t", "cagent").stdout().strip();
        assertOk(mac.run(Command.write("/usr/bin/tee", dir + "/apply.sh").withStdin(Stdin.text("""
                set -eu
                /usr/bin/sudo -n -- /bin/mkdir -m 700 /private/var/db/a
                printf 'cagent: done %d\\n' 1 >&2
                /usr/bin/sudo -n -- /bin/mkdir -m 700 /private/var/db/b
                printf 'cagent: done %d\\n' 2 >&2
                """))));
        mac.faults().failWhen(c -> c.argv().contains("/private/var/db/b"), Fault.exit(1, "mkdir: /private/var/db/b: Operation not permitted"));
        String script = "do shell script \"/bin/sh " + dir + "/apply.sh\" with administrator privileges without altering line endings";
        assertResult(1, "", "0:" + script.length() + ": execution error: cagent: done 1\nmkdir: /private/var/db/b: Operation not permitted (1)\n",
                write(mac, "/usr/bin/osascript", "-e", script));
        assertTrue(mac.exists("/private/var/db/a"));
        assertFalse(mac.exists("/private/var/db/b"));
    }

    @Test
    void everyCommandIsRecordedWithItsAnswer() {
        read(mac, "/usr/bin/id", "-u");
        mac.as("root").run(Command.write("/usr/bin/tee", "/private/tmp/x").withStdin(Stdin.text("hi\n")).withWorkingDirectory("/"));
        write(mac, "/usr/bin/sandbox-exec", "-f", "/x", "/usr/bin/true");
        List<RecordedCommand> recorded = mac.recorded();
        assertEquals(new RecordedCommand("alice", List.of("/usr/bin/id", "-u"), "", Map.of(), null, Command.Effect.READ, false, 0, "501\n", ""),
                recorded.get(0));
        assertEquals(new RecordedCommand("root", List.of("/usr/bin/tee", "/private/tmp/x"), "hi\n", Map.of(), "/", Command.Effect.WRITE, false, 0, "hi\n", ""),
                recorded.get(1));
        assertEquals("/usr/bin/tee /private/tmp/x <<< 'hi\n'", recorded.get(1).toString());
        assertTrue(recorded.get(1).isWrite());
        assertEquals(127, recorded.get(2).exitCode());
        assertEquals("fake-mac: unsupported: /usr/bin/sandbox-exec -f /x /usr/bin/true\n", recorded.get(2).stderr());
        mac.clearRecorded();
        assertEquals(List.of(), mac.recorded());
    }

    @Test
    void aMissingProgramCannotStart() {
        FakeMac noJq = FakeMac.builder().jq(false).build();
        assertThrows(CommandStartException.class, () -> read(noJq, "/usr/bin/jq", "-r", "."));
        assertThrows(CommandStartException.class, () -> read(mac, "/usr/local/bin/claude"));
        assertEquals(127, noJq.recorded().get(0).exitCode());
        assertResult(127, "", "fake-mac: unsupported: /usr/bin/jq -r .\n", read(mac, "/usr/bin/jq", "-r", "."));
    }

    @Test
    void secretsNeverReachTheRecording() {
        FakeMac mac = FakeMac.builder().sudoPassword(Secret.of("hunter2")).build();
        Stdin stdin = Stdin.builder().secret("CAGENT_SUDO_PASSWORD", Secret.of("hunter2")).text("\npasswd /Users/alice \"")
                .secret("CAGENT_PASSWORD", Secret.of("n3w-pa55")).text("\"\n").build();
        Command command = new Command(List.of("/usr/bin/sudo", "-k", "-S", "-p", "", "--", "/usr/bin/dscl", "-q", "."), stdin,
                Map.of("CAGENT_PASSWORD", "n3w-pa55", "LANG", "en_US.UTF-8"), null, Command.DEFAULT_TIMEOUT, Command.Effect.WRITE);
        assertOk(mac.run(command));
        assertTrue(mac.passwordMatches("alice", Secret.of("n3w-pa55")));
        RecordedCommand recorded = mac.recorded().get(0);
        assertEquals("****\npasswd /Users/alice \"****\"\n", recorded.stdin());
        assertEquals(Map.of("CAGENT_PASSWORD", "****", "LANG", "en_US.UTF-8"), recorded.environment());
        assertFalse(recorded.toString().contains("hunter2") || recorded.toString().contains("n3w-pa55"));
        assertFalse(mac.snapshot().toString().contains("n3w-pa55"));
    }

    @Test
    void startRecordsAndReturnsAnEndedProcess() throws Exception {
        Command launch = Command.write("/usr/bin/sudo", "-n", "-u", "alice", "-H", "--", "/usr/bin/env", "-i", "HOME=/Users/alice",
                "/bin/sh", "-c", "umask 002; exec \"$@\"", "sh", "/usr/bin/true");
        try (RunningCommand process = mac.start(launch)) {
            assertEquals(0, process.waitFor());
            assertFalse(process.isAlive());
            assertEquals("", new String(process.stdout().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(mac.recorded().get(0).started());
        mac.faults().failWhen(c -> true, Fault.exit(1, "sudo: a password is required"));
        RunningCommand failed = mac.start(launch);
        assertEquals(1, failed.waitFor());
        assertEquals("sudo: a password is required\n", new String(failed.stderr().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void faultArgumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> mac.faults().failWrite(0, Fault.timeout()));
        assertThrows(IllegalArgumentException.class, () -> Fault.exit(0, ""));
        assertThrows(IllegalArgumentException.class, () -> Fault.exit(256, ""));
    }

}
