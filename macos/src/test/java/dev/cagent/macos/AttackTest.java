package dev.cagent.macos;

import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.PlanRefusedException;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.exec.Stdin;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Supplier;

import static dev.cagent.macos.Cages.HOME;
import static dev.cagent.macos.Cages.WORKSHOP;
import static dev.cagent.macos.Cages.backend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent as an attacker between applies: it rearranges what it owns (its home, its settings,
 * the workspace) to steer cagent's next apply, verify or undo. Whatever it does, root changes
 * nothing outside the agent's own home, problems are reported in words, and undo still takes the
 * cage away.
 */
class AttackTest {

    private static final String SETTINGS_DIR = HOME + "/.claude";
    private static final String SETTINGS = SETTINGS_DIR + "/settings.json";

    private final FakeMac mac = FakeMac.stock();
    private final MacOsBackend backend = backend(mac);
    private final CagePlan plan = Cages.corrected().claudeCodeHook(ClaudeCodeHook.Location.USER).build();

    /** Runs a command as the agent and expects it to work. */
    private void asAgent(String... argv) {
        CommandResult result = mac.as("meeseeks").run(Command.write(argv));
        assertEquals(0, result.exitCode(), () -> String.join(" ", argv) + " failed: " + result.stderr());
    }

    private void asAgentWriting(String path, String content) {
        CommandResult result = mac.as("meeseeks").run(Command.write("/usr/bin/tee", path).withStdin(Stdin.text(content)));
        assertEquals(0, result.exitCode(), () -> "tee " + path + " failed: " + result.stderr());
    }

    /** What differs outside the agent's home (which holds the workspace) and cagent's record. */
    private static List<String> outsideTheAgent(MacSnapshot before, MacSnapshot after) {
        return before.diff(after).stream()
                .filter(line -> !line.startsWith(HOME + "/") && !line.startsWith(HOME + ":"))
                .filter(line -> !line.startsWith("/private/var/db/cagent/"))
                .toList();
    }

    /** Runs an operation; whatever it throws must be one of cagent's explained refusals. */
    private static <T> T explained(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (PlanRefusedException | MachineReadException e) {
            return null;
        }
    }

    private void applied() {
        ApplyReport first = backend.apply(plan);
        assertTrue(first.succeeded(), first::toString);
    }

    /**
     * After the attack: apply and verify change nothing outside the agent's home, and undo leaves
     * everything outside it as on the stock Mac.
     */
    private void nothingOutsideTheAgentChanges(MacSnapshot stock) {
        MacSnapshot attacked = mac.snapshot();
        explained(() -> backend.apply(plan));
        assertEquals(List.of(), outsideTheAgent(attacked, mac.snapshot()), "apply changed what is not the agent's");
        explained(() -> backend.verify(plan));
        assertEquals(List.of(), outsideTheAgent(attacked, mac.snapshot()), "verify changed something");
        UndoReport undo = explained(() -> backend.undo(plan));
        assertTrue(undo != null && undo.succeeded(), () -> "undo: " + undo);
        assertEquals(List.of(), outsideTheAgent(stock, mac.snapshot()), "undo left or changed what is not the agent's");
    }

    @Test
    void settingsDirectoryReplacedByALinkToEtc() {
        MacSnapshot stock = mac.snapshot();
        applied();
        asAgent("/bin/rm", "-rf", SETTINGS_DIR);
        mac.symlink(SETTINGS_DIR, "/private/etc");
        nothingOutsideTheAgentChanges(stock);
    }

    @Test
    void settingsFileReplacedByALinkToSudoers() {
        MacSnapshot stock = mac.snapshot();
        applied();
        asAgent("/bin/rm", "-f", SETTINGS);
        mac.symlink(SETTINGS, "/private/etc/sudoers");
        nothingOutsideTheAgentChanges(stock);
    }

    @Test
    void temporarySettingsFileIsALinkToARootFile() {
        MacSnapshot stock = mac.snapshot();
        applied();
        asAgentWriting(SETTINGS, "{}\n");
        mac.symlink(SETTINGS + ".cagent-new", "/private/etc/sudoers");
        nothingOutsideTheAgentChanges(stock);
    }

    @Test
    void temporarySettingsFileIsADirectory() {
        MacSnapshot stock = mac.snapshot();
        applied();
        mac.mkdirAs("meeseeks", SETTINGS + ".cagent-new", 022);
        mac.createFileAs("meeseeks", SETTINGS + ".cagent-new/keep", "x", 022);
        nothingOutsideTheAgentChanges(stock);
    }

    @Test
    void settingsMadeInvalid() {
        MacSnapshot stock = mac.snapshot();
        applied();
        asAgentWriting(SETTINGS, "{ not json\n");
        nothingOutsideTheAgentChanges(stock);
    }

    @Test
    void workspaceReplacedByALinkToTheHumansHome() {
        MacSnapshot stock = mac.snapshot();
        applied();
        asAgent("/bin/rm", "-rf", WORKSHOP);
        mac.symlink(WORKSHOP, "/Users/alice");
        nothingOutsideTheAgentChanges(stock);
    }

    @Test
    void workspaceSubdirectoryReplacedByALink() {
        mac.mkdir("/Users/alice/project", "alice", "staff", 0755);
        mac.writeFile("/Users/alice/project/plan.md", "alice", "staff", 0644, "plan\n");
        MacSnapshot stock = mac.snapshot();
        applied();
        mac.mkdirAs("meeseeks", WORKSHOP + "/sub", 022);
        mac.createFileAs("meeseeks", WORKSHOP + "/sub/a.txt", "a\n", 022);
        asAgent("/bin/chmod", "-h", "0700", WORKSHOP + "/sub");
        ApplyReport repaired = backend.apply(plan);
        assertTrue(repaired.succeeded(), repaired::toString);
        asAgent("/bin/rm", "-rf", WORKSHOP + "/sub");
        mac.symlink(WORKSHOP + "/sub", "/Users/alice/project");
        nothingOutsideTheAgentChanges(stock);
    }

    @Test
    void hardLinksToRootFilesInTheWorkspace() {
        MacSnapshot stock = mac.snapshot();
        applied();
        mac.hardLink(WORKSHOP + "/sudoers", "/private/etc/sudoers");
        mac.hardLink(WORKSHOP + "/alice-key", "/Users/alice/.ssh/id_ed25519");
        nothingOutsideTheAgentChanges(stock);
    }

    @Test
    void fileNamedWithANewlineInTheWorkspace() {
        MacSnapshot stock = mac.snapshot();
        applied();
        mac.createFileAs("meeseeks", WORKSHOP + "/evil\n-rw-r--r--  1 root  wheel  0 Dec  3 16:27 sudoers", "x", 022);
        nothingOutsideTheAgentChanges(stock);
    }

    @Test
    void homeOpenedToEveryone() {
        MacSnapshot stock = mac.snapshot();
        applied();
        asAgent("/bin/chmod", "0777", HOME);
        nothingOutsideTheAgentChanges(stock);
    }

    @Test
    void allHooksSwitchedOffInTheSettingsIsDriftAndApplySwitchesThemOnAgain() {
        applied();
        String withHook = mac.readFile(SETTINGS);
        asAgentWriting(SETTINGS, withHook.replaceFirst("\\{", "{\n  \"disableAllHooks\": true,"));

        VerifyReport verify = backend.verify(plan);

        assertEquals(1, verify.drifts().size(), verify::toString);
        assertEquals("Claude Code hook in " + SETTINGS + ": all hooks switched off (\"disableAllHooks\": true)", verify.drifts().get(0).subject()
                + ": " + verify.drifts().get(0).actual(), verify::toString);
        ApplyReport repaired = backend.apply(plan);
        assertTrue(repaired.succeeded(), repaired::toString);
        assertEquals(withHook, mac.readFile(SETTINGS));
        assertTrue(backend.verify(plan).isClean());
    }

    @Test
    void aDenyInsideTheWorkspaceIsRefusedForTheAgentCanMoveItsTargetAway() {
        mac.mkdir("/Users/Shared/project", "alice", "staff", 0755);
        mac.mkdir("/Users/Shared/project/secrets", "alice", "staff", 0700);
        MacSnapshot before = mac.snapshot();
        CagePlan leaky = Cages.corrected().workspace("/Users/Shared/project").deny("/Users/Shared/project/secrets").build();

        PlanRefusedException refused = assertThrows(PlanRefusedException.class, () -> backend.apply(leaky));

        assertTrue(refused.getMessage().contains("DENY_INSIDE_AGENTS_REACH [/Users/Shared/project/secrets]: /Users/Shared/project/secrets lies in"
                + " /Users/Shared/project, where the agent may add, rename and remove entries"), refused.getMessage());
        assertEquals(List.of(), before.diff(mac.snapshot()));
    }

    @Test
    void aDirectorySwappedForALinkWhileUndoGivesEntriesBackChangesNothingOutsideTheWorkspace() {
        String project = "/Users/Shared/project";
        mac.mkdir(project, "alice", "staff", 0755);
        mac.mkdir(project + "/sub", "alice", "staff", 0755);
        mac.writeFile(project + "/sub/hosts", "alice", "staff", 0644, "alice's hosts notes\n");
        MacSnapshot stock = mac.snapshot();
        CagePlan shared = Cages.corrected().workspace(project).build();
        assertTrue(backend.apply(shared).succeeded());
        // the agent swaps sub for a link to /private/etc just before root gives entries back their old owners
        CommandRunner racing = new CommandRunner() {
            private boolean swapped;

            @Override
            public CommandResult run(Command command) {
                if (!swapped && command.argv().contains("/usr/sbin/chown") && command.argv().stream().anyMatch(a -> a.startsWith(project))) {
                    swapped = true;
                    asAgent("/bin/mv", "-f", project + "/sub", project + "/moved");
                    mac.symlink(project + "/sub", "/private/etc");
                }
                return mac.run(command);
            }

            @Override
            public Object machine() {
                return mac;
            }
        };

        explained(() -> MacOsBackend.on(racing).readBack(3, java.time.Duration.ZERO).build().undo(shared));

        assertEquals(List.of(), stock.diff(mac.snapshot()).stream().filter(line -> line.startsWith("/private/etc/")).toList(),
                "root changed a file outside the workspace through the link");
        assertEquals("alice's hosts notes\n", mac.readFile(project + "/moved/hosts"));
    }

    @Test
    void aDirectorySwappedForALinkDuringApplyTurnsNoOwnersChmodAgainstHerOtherFiles() {
        String project = "/Users/Shared/project";
        mac.writeFile("/Users/alice/.ssh/config", "alice", "staff", 0600, "Host *\n");
        mac.mkdir(project, "alice", "staff", 0755);
        // sub itself needs only its group: nothing names it by path before the file in it
        mac.mkdir(project + "/sub", "alice", "staff", 0775);
        mac.writeFile(project + "/sub/config", "alice", "staff", 0644, "workspace config\n");
        CagePlan shared = Cages.corrected().workspace(project).build();
        assertTrue(backend.apply(Cages.minimal().build()).succeeded());
        CommandRunner racing = new CommandRunner() {
            private boolean swapped;

            @Override
            public CommandResult run(Command command) {
                if (!swapped && command.argv().contains("/bin/chmod") && command.argv().stream().anyMatch(a -> a.startsWith(project))) {
                    swapped = true;
                    asAgent("/bin/mv", "-f", project + "/sub", project + "/moved");
                    mac.symlink(project + "/sub", "/Users/alice/.ssh");
                }
                return mac.run(command);
            }

            @Override
            public Object machine() {
                return mac;
            }
        };

        explained(() -> MacOsBackend.on(racing).readBack(3, java.time.Duration.ZERO).build().apply(shared));

        assertEquals(0600, mac.fileInfo("/Users/alice/.ssh/config").orElseThrow().mode());
        assertEquals("workspace config\n", mac.readFile(project + "/moved/config"), "the agent moved sub away and left a link in its place");
    }

    @Test
    void aSetuidProgramInTheWorkspaceIsNeverMadeTheAgentsToRewriteBeforeUndoGivesItBack() {
        String project = "/Users/Shared/project";
        mac.mkdir(project, "alice", "staff", 0755);
        mac.writeFile(project + "/helper", "root", "wheel", 04755, "#!/bin/sh\necho made with sudo\n");
        mac.writeFile(project + "/notes.md", "root", "wheel", 0644, "made with sudo\n");
        CagePlan shared = Cages.corrected().workspace(project).build();

        ApplyReport applied = backend.apply(shared);

        assertTrue(applied.succeeded(), applied::toString);
        assertTrue(applied.toString().contains("1 files with setuid or setgid, left as they are"), applied::toString);
        assertEquals("meeseeks", mac.fileInfo(project + "/notes.md").orElseThrow().owner(), "root's plain file becomes the agent's");
        assertEquals("root", mac.fileInfo(project + "/helper").orElseThrow().owner());
        assertEquals(04755, mac.fileInfo(project + "/helper").orElseThrow().mode());
        assertTrue(mac.as("meeseeks").run(Command.write("/usr/bin/tee", project + "/helper").withStdin(Stdin.text("#!/bin/sh\nid\n"))).exitCode() != 0,
                "had it become the agent's to rewrite, undo would give root back a setuid program of the agent's");

        UndoReport undone = backend.undo(shared.agent());

        assertTrue(undone.succeeded(), undone::toString);
        assertEquals("#!/bin/sh\necho made with sudo\n", mac.readFile(project + "/helper"));
        assertEquals(04755, mac.fileInfo(project + "/helper").orElseThrow().mode());
    }
}
