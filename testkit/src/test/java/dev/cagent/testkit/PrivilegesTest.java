package dev.cagent.testkit;

import dev.cagent.Secret;
import dev.cagent.exec.Command;
import dev.cagent.exec.Stdin;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.cagent.testkit.Shell.assertOk;
import static dev.cagent.testkit.Shell.assertResult;
import static dev.cagent.testkit.Shell.read;
import static dev.cagent.testkit.Shell.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrivilegesTest {

    private static final String SUDO = "/usr/bin/sudo";

    private static Stdin passwordThen(String password, String rest) {
        return Stdin.builder().secret("CAGENT_SUDO_PASSWORD", Secret.of(password)).text("\n" + rest).build();
    }

    @Test
    void sudoDashNWithATicketRunsAsRootOrAsTheGivenUser() {
        FakeMac mac = FakeMac.stock();
        assertResult(0, "0\n", "", read(mac, SUDO, "-n", "--", "/usr/bin/id", "-u"));
        assertResult(0, "70\n", "", read(mac, SUDO, "-n", "-u", "_www", "--", "/usr/bin/id", "-u"));
        assertResult(0, "_www\n", "", read(mac, SUDO, "-n", "-u", "_www", "-H", "--", "/usr/bin/whoami"));
    }

    @Test
    void sudoDashNWithoutATicketNeedsAPassword() {
        FakeMac mac = FakeMac.builder().sudoTicket(false).build();
        assertResult(1, "", "sudo: a password is required\n", read(mac, SUDO, "-n", "--", "/usr/bin/id", "-u"));
        assertResult(1, "", "sudo: a terminal is required to read the password; either use the -S option to read from standard input"
                + " or configure an askpass helper\nsudo: a password is required\n", read(mac, SUDO, "/usr/bin/id", "-u"));
    }

    @Test
    void sudoDashKIgnoresTheTicketAndDashSReadsThePasswordLinePassingTheRestOn() {
        FakeMac mac = FakeMac.builder().sudoPassword(Secret.of("hunter2")).build();
        Command tee = Command.write(SUDO, "-k", "-S", "-p", "", "--", "/usr/bin/tee", "/private/etc/cagent.conf")
                .withStdin(passwordThen("hunter2", "line one\nline two\n"));
        assertResult(0, "line one\nline two\n", "", mac.run(tee));
        assertEquals("line one\nline two\n", mac.readFile("/etc/cagent.conf"));
        assertEquals("root", mac.fileInfo("/etc/cagent.conf").orElseThrow().owner());
        assertResult(0, "", "", mac.run(Command.write(SUDO, "-k", "-S", "-p", "", "--", "/bin/mkdir", "-m", "700", "/private/var/db/cagent")
                .withStdin(passwordThen("hunter2", ""))));
        assertTrue(mac.exists("/private/var/db/cagent"));
    }

    @Test
    void aWrongPasswordIsRefusedWithSudosOwnWords() {
        FakeMac mac = FakeMac.builder().sudoPassword(Secret.of("hunter2")).build();
        assertResult(1, "", "Sorry, try again.\nsudo: 1 incorrect password attempt\n",
                mac.run(Command.write(SUDO, "-k", "-S", "-p", "", "--", "/bin/mkdir", "-m", "700", "/private/var/db/x")
                        .withStdin(passwordThen("wrong", ""))));
        assertFalse(mac.exists("/private/var/db/x"));
        assertResult(1, "", "Password:Sorry, try again.\nsudo: 1 incorrect password attempt\n",
                mac.run(Command.read(SUDO, "-k", "-S", "--", "/usr/bin/id", "-u").withStdin(passwordThen("wrong", ""))));
    }

    @Test
    void aCorrectPasswordWithoutDashKLeavesATicket() {
        FakeMac mac = FakeMac.builder().sudoTicket(false).sudoPassword(Secret.of("hunter2")).build();
        assertResult(0, "0\n", "", mac.run(Command.read(SUDO, "-S", "-p", "", "--", "/usr/bin/id", "-u").withStdin(passwordThen("hunter2", ""))));
        assertResult(0, "0\n", "", read(mac, SUDO, "-n", "--", "/usr/bin/id", "-u"));
        assertOk(read(mac, SUDO, "-k"));
        assertResult(1, "", "sudo: a password is required\n", read(mac, SUDO, "-n", "--", "/usr/bin/id", "-u"));
    }

    @Test
    void aNonAdministratorIsNotInTheSudoers() {
        FakeMac mac = FakeMac.stock();
        mac.addUser("meeseeks", 600, 20, "/Users/meeseeks");
        FakeMac agent = FakeMac.builder().caller("_www").sudoPassword(Secret.of("pw")).build();
        assertResult(1, "", "_www is not in the sudoers file.\n", agent.run(Command.read(SUDO, "-k", "-S", "-p", "", "--", "/usr/bin/id", "-u")
                .withStdin(passwordThen("pw", ""))));
        assertResult(1, "", "sudo: a password is required\n", read(mac.as("meeseeks"), SUDO, "-n", "--", "/usr/bin/id", "-u"));
    }

    @Test
    void anUnknownTargetUserIsRefused() {
        FakeMac mac = FakeMac.stock();
        assertResult(1, "", "sudo: unknown user meeseeks\n", read(mac, SUDO, "-n", "-u", "meeseeks", "--", "/usr/bin/id", "-u"));
    }

    @Test
    void rootNeedsNoPasswordAndMayBecomeAnyone() {
        FakeMac mac = FakeMac.builder().caller("root").sudoTicket(false).build();
        assertResult(0, "501\n", "", read(mac, SUDO, "-n", "-u", "alice", "--", "/usr/bin/id", "-u"));
    }

    @Test
    void filesOwnedBySomeoneElseAreWrittenAsTheirOwner() {
        FakeMac mac = FakeMac.builder().caller("root").build();
        assertResult(0, "umask 002\n", "", mac.run(Command.write(SUDO, "-n", "-u", "alice", "--", "/usr/bin/tee", "/Users/alice/.zshrc.cagent-new")
                .withStdin(Stdin.text("umask 002\n"))));
        assertEquals(List.of("alice", "staff"), List.of(mac.fileInfo("/Users/alice/.zshrc.cagent-new").orElseThrow().owner(),
                mac.fileInfo("/Users/alice/.zshrc.cagent-new").orElseThrow().group()));
    }

    @Test
    void aMissingProgramIsNotFoundBySudo() {
        FakeMac mac = FakeMac.builder().jq(false).build();
        assertResult(1, "", "sudo: /usr/bin/jq: command not found\n", read(mac, SUDO, "-n", "--", "/usr/bin/jq", "."));
    }

    @Test
    void envStartsWithACleanEnvironmentAndRunsTheProgram() {
        FakeMac mac = FakeMac.stock();
        assertResult(0, "HOME=/Users/meeseeks\nUSER=meeseeks\n", "",
                mac.run(new Command(List.of("/usr/bin/env", "-i", "HOME=/Users/meeseeks", "USER=meeseeks"), Stdin.none(),
                        Map.of("SECRET_THING", "x"), null, Command.DEFAULT_TIMEOUT, Command.Effect.READ)));
        assertResult(0, "501\n", "", read(mac, "/usr/bin/env", "-i", "A=b", "/usr/bin/id", "-u"));
    }

    // --- the admin prompt ------------------------------------------------------------------------

    private static final String PROMPT = "do shell script \"/bin/sh %s\" with administrator privileges without altering line endings";

    private static String script(FakeMac mac, String text) {
        String dir = read(mac, "/usr/bin/mktemp", "-d", "-t", "cagent").stdout().strip();
        assertOk(mac.run(Command.write("/usr/bin/tee", dir + "/apply.sh").withStdin(Stdin.text(text))));
        return dir + "/apply.sh";
    }

    @Test
    void anApprovedPromptRunsTheScriptAsRoot() {
        FakeMac mac = FakeMac.stock();
        String path = script(mac, """
                #!/bin/sh
                set -eu
                /usr/bin/id -u
                /bin/mkdir -m 700 /private/var/db/cagent
                printf 'cagent: done %d\\n' 1 >&2
                """);
        String applescript = String.format(PROMPT, path);
        assertResult(0, "0\n", "", write(mac, "/usr/bin/osascript", "-e", applescript));
        assertEquals("root", mac.fileInfo("/private/var/db/cagent").orElseThrow().owner());
        String dir = path.substring(0, path.lastIndexOf('/'));
        assertOk(write(mac, "/bin/rm", "-rf", dir));
        assertFalse(mac.exists(dir));
    }

    @Test
    void aCancelledPromptRunsNothing() {
        FakeMac mac = FakeMac.builder().adminPrompt(AdminPromptAnswer.CANCEL).build();
        String path = script(mac, "/bin/mkdir -m 700 /private/var/db/cagent\n");
        String applescript = String.format(PROMPT, path);
        assertResult(1, "", "0:" + applescript.length() + ": execution error: User canceled. (-128)\n", write(mac, "/usr/bin/osascript", "-e", applescript));
        assertFalse(mac.exists("/private/var/db/cagent"));
    }

    @Test
    void aFailingScriptReportsItsStderrAndExitCode() {
        FakeMac mac = FakeMac.stock();
        String path = script(mac, """
                set -eu
                /bin/mkdir -m 700 /private/var/db/cagent
                printf 'cagent: done %d\\n' 1 >&2
                /bin/chmod +a 'nobody2 deny list' /Users
                printf 'cagent: done %d\\n' 2 >&2
                """);
        String applescript = String.format(PROMPT, path);
        assertResult(1, "", "0:" + applescript.length() + ": execution error: cagent: done 1\nchmod: Unable to translate 'nobody2' to a UUID (1)\n",
                write(mac, "/usr/bin/osascript", "-e", applescript));
        assertTrue(mac.exists("/private/var/db/cagent"), "what ran before the failure stays done");
    }

    @Test
    void aFailureWithoutStderrSaysTheStatus() {
        FakeMac mac = FakeMac.stock();
        String path = script(mac, "/usr/sbin/dseditgroup -o checkmember -m alice staff >/dev/null\n");
        String applescript = String.format(PROMPT, path);
        assertResult(1, "", "0:" + applescript.length() + ": execution error: The command exited with a non-zero status. (67)\n",
                write(mac, "/usr/bin/osascript", "-e", applescript));
    }

    @Test
    void otherAppleScriptFailsLoudly() {
        FakeMac mac = FakeMac.stock();
        assertResult(127, "", "fake-mac: unsupported: /usr/bin/osascript -e 'display dialog \"hi\"' (only the admin prompt of the command contract is understood)\n",
                write(mac, "/usr/bin/osascript", "-e", "display dialog \"hi\""));
    }
}
