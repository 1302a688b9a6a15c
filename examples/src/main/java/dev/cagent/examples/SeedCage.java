package dev.cagent.examples;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.PlanRefusedException;
import dev.cagent.Secret;
import dev.cagent.exec.Command;
import dev.cagent.macos.ExecCommandRunner;
import dev.cagent.macos.MacOsBackend;
import dev.cagent.macos.Privilege;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.Preview;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;
import dev.cagent.testkit.Access;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The main job: the cage of "Caging the Agent" (the blog post cagent grew from), run end to end.
 *
 * <p>On the embedded default, a fake Mac (always when not on macOS), it builds the seed's plan
 * exactly as written and shows what cagent finds wrong with it; then previews and applies a
 * corrected plan and prints the preview script, the apply report, an access table for the agent
 * and the human, the cost of a re-apply, verify, a collaboration round trip, the command that
 * starts Claude Code in the cage, and undo. On a real Mac, {@code --apply} applies the corrected
 * plan for the logged-in user through sudo ({@code --preview} prints what it would write), and
 * {@code --undo} takes it back.
 */
public final class SeedCage {

    static final String AGENT = "meeseeks";
    static final String WORKSHOP = "/Users/meeseeks/workshop";
    /** The blog post's placeholder password: the seed plan sets it, and no output or command may show it. */
    static final String SEED_PASSWORD = "comeUpWithYourOwnPassword";

    private final PrintStream out;

    SeedCage(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        boolean onMac = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("mac");
        if (args.length > 1 || args.length == 1 && !List.of("--preview", "--apply", "--undo").contains(args[0])) {
            System.err.println("usage: SeedCage [--preview | --apply | --undo]\n"
                    + "  without arguments: the seed's cage, end to end, on the embedded fake Mac\n"
                    + "  --preview: on macOS, print the corrected cage's plan, findings and the exact writes apply would run; write nothing\n"
                    + "  --apply:   on macOS, the same, then apply it for the logged-in user through sudo -n\n"
                    + "  --undo:    on macOS, take back everything --apply did, from cagent's record, through sudo -n");
            System.exit(2);
        }
        String mode = args.length == 1 ? args[0] : "";
        SeedCage job = new SeedCage(System.out);
        if (!mode.isEmpty() && onMac) {
            MacOsBackend backend = MacOsBackend.on(new ExecCommandRunner()).privilege(Privilege.sudoNonInteractive()).build();
            switch (mode) {
                case "--preview" -> job.previewOn(backend, System.getProperty("user.name"));
                case "--apply" -> job.applyOn(backend, System.getProperty("user.name"));
                default -> job.undoOn(backend);
            }
        } else {
            if (!mode.isEmpty()) {
                System.out.println(mode + " needs macOS; running on the embedded fake Mac instead.\n");
            }
            job.runOnFakeMac();
        }
    }

    /** The seed's setup, expressed through the fluent API as the blog post wrote it. */
    static CagePlan seedPlan(String human) {
        return Cage.forUser(AGENT)
                .realName("Mr. Meeseeks")
                .uid(69)
                .primaryGroupId(20)
                .shell("/bin/zsh")
                .home("/Users/meeseeks")
                .hidden(true)
                .password(Secret.of(SEED_PASSWORD))
                .human(human)
                .deny("/Users/" + human)
                .deny("/Users")
                .deny("/etc")
                .deny("/private/etc")
                .deny("/private/var")
                .deny("/Library/Keychains")
                .collaborationGroup("collabo")
                .collaborationGroupId(69)
                .workspace(WORKSHOP)
                .workspaceModes(02770, 02770)
                .workspaceInheritableAccess(false)
                .humanUmask("002")
                .claudeCodeHook()
                .build();
    }

    /** The same cage with what cagent found wrong put right. */
    static CagePlan correctedPlan(String human) {
        return Cage.forUser(AGENT)
                .realName("Mr. Meeseeks")
                .uidFirstFreeIn(600, 699)            // 69 is in Apple's system range
                .shell("/bin/zsh")
                .home("/Users/meeseeks")
                .hidden(true)
                .noPassword()                        // launched through sudo, it needs none
                .human(human)
                .deny("/Users/" + human)
                .denyListing("/Users")               // hide the listing, keep the way to the agent's home
                .denyListing("/private/etc")         // zsh, PATH and TLS keep working
                .denyListing("/private/var")         // temp files, DNS and the time zone keep working
                .deny("/Library/Keychains")
                .collaborationGroup("collabo")       // GID 69 belongs to "network": first free in 600-699
                .workspace(WORKSHOP)                 // dirs 2770, files 660, inheritable group entries
                .humanUmask("002")
                .claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED)
                .build();
    }

    void runOnFakeMac() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = MacOsBackend.on(mac).readBack(3, Duration.ZERO).build();

        heading("1. The seed's plan, exactly as \"Caging the Agent\" writes it");
        CagePlan seed = seedPlan("alice");
        out.print(seed);

        heading("2. What cagent finds wrong with it");
        out.print(seed.lint());
        Preview seedPreview = backend.preview(seed);
        out.println("On this Mac apply would also refuse it before any write:");
        seedPreview.refusals().forEach(r -> out.println("  - " + r));
        try {
            backend.apply(seed);
            out.println("  (unexpected: the seed plan was applied)");
        } catch (PlanRefusedException e) {
            out.println("apply: refused, " + mac.recorded().stream().filter(c -> c.isWrite()).count() + " writes run.");
        }

        heading("3. The corrected plan");
        CagePlan plan = correctedPlan("alice");
        out.print(plan);
        out.print(plan.lint());

        heading("4. Preview: the script apply will run (sudo -n, as alice)");
        Preview preview = backend.preview(plan);
        out.print(preview.script());

        heading("5. Apply");
        ApplyReport first = backend.apply(plan);
        out.println(first);

        heading("6. Apply again: reads only");
        ApplyReport second = backend.apply(plan);
        out.printf("first apply:  %d processes, %d of them writes%n", first.processes(), first.writes());
        out.printf("second apply: %d processes, %d of them writes%n", second.processes(), second.writes());

        heading("7. Who can do what now");
        mac.createFileAs("alice", WORKSHOP + "/README.md", "# the shared workshop\n", 002);
        accessTable(mac, List.of(
                "/Users/alice", "/Users/alice/.ssh/id_ed25519", "/Users", "/private/etc",
                "/Users/meeseeks", WORKSHOP, WORKSHOP + "/README.md"));

        heading("8. Verify");
        VerifyReport verify = backend.verify(plan);
        out.println(verify);
        mac.as("root").run(Command.write("/bin/chmod", "-a", "user:meeseeks deny list,add_file,search", "/Users/alice"));
        out.println("after someone removes the deny entry on /Users/alice by hand:");
        out.println(backend.verify(plan));
        ApplyReport repair = backend.apply(plan);
        out.printf("apply repairs it: %d writes; verify: %s%n", repair.writes(), backend.verify(plan));

        heading("9. Working side by side");
        mac.createFileAs(AGENT, WORKSHOP + "/agent-notes.md", "written by the agent\n", 022);
        out.printf("the agent writes agent-notes.md with umask 022: %s%n", describe(mac, WORKSHOP + "/agent-notes.md"));
        out.printf("  alice edits it: %s%n", edit(mac, "alice", WORKSHOP + "/agent-notes.md", "written by the agent\nedited by alice\n"));
        mac.createFileAs("alice", WORKSHOP + "/alice-todo.md", "written by alice\n", 022);
        out.printf("alice writes alice-todo.md with umask 022: %s%n", describe(mac, WORKSHOP + "/alice-todo.md"));
        out.printf("  the agent edits it: %s%n", edit(mac, AGENT, WORKSHOP + "/alice-todo.md", "written by alice\nedited by the agent\n"));
        out.println("verify while both work in the workshop: " + backend.verify(plan));

        heading("10. Starting Claude Code in the cage");
        Command claude = backend.launcher(plan).claudeCode("/opt/homebrew/bin/claude");
        out.println(claude.toShellLine());

        heading("11. Undo");
        mac.as("root").run(Command.write("/bin/rm", "-f", WORKSHOP + "/README.md", WORKSHOP + "/agent-notes.md", WORKSHOP + "/alice-todo.md"));
        UndoReport undo = backend.undo(plan);
        out.println(undo);
        out.println("the fake Mac is back to its stock state: " + yesNo(mac.snapshot().equals(stock)));
        out.printf("%d commands ran on the fake Mac in all; the seed's password appears in none of them: %s%n",
                mac.recorded().size(),
                yesNo(mac.recorded().stream().noneMatch(c -> c.toString().contains(SEED_PASSWORD) || c.stdin().contains(SEED_PASSWORD))));
    }

    private void accessTable(FakeMac mac, List<String> paths) {
        out.printf("%-34s %-14s %-14s%n", "path", AGENT, "alice");
        for (String path : paths) {
            out.printf("%-34s %-14s %-14s%n", path, rights(mac, AGENT, path), rights(mac, "alice", path));
        }
        out.println("(r = read/list, w = write, x = traverse/execute)");
    }

    private static String rights(FakeMac mac, String user, String path) {
        return (mac.canAccess(user, path, Access.READ) ? "r" : "-")
                + (mac.canAccess(user, path, Access.WRITE) ? "w" : "-")
                + (mac.canAccess(user, path, Access.EXECUTE) ? "x" : "-");
    }

    private static String describe(FakeMac mac, String path) {
        return mac.fileInfo(path).map(f -> f.owner() + ":" + f.group() + " " + f.octalMode() + (f.acl().isEmpty() ? "" : ", " + String.join("; ", f.acl())))
                .orElse("missing");
    }

    /** Overwrites the file as {@code user}; says whether it worked and what the file holds now. */
    private static String edit(FakeMac mac, String user, String path, String content) {
        try {
            mac.writeFileAs(user, path, content);
            return "yes, it now reads " + dev.cagent.Texts.visible(mac.readFile(path));
        } catch (IllegalStateException refused) {
            return "NO: " + refused.getMessage();
        }
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "NO";
    }

    private void heading(String title) {
        out.println();
        out.println("== " + title + " " + "=".repeat(Math.max(3, 90 - title.length())));
    }

    /** What {@code --preview} does on a real Mac: the plan, its findings and the exact writes; true when apply would go ahead. */
    boolean previewOn(MacOsBackend backend, String human) {
        CagePlan plan = correctedPlan(human);
        out.print(plan);
        out.print(plan.lint());
        Preview preview = backend.preview(plan);
        out.print(preview.script());
        if (!preview.wouldApply()) {
            out.println("apply would refuse this plan:");
            preview.refusals().forEach(r -> out.println("  - " + r));
        }
        return preview.wouldApply();
    }

    /** What {@code --apply} does on a real Mac: the preview, then apply when nothing refuses it, then verify. */
    void applyOn(MacOsBackend backend, String human) {
        if (!previewOn(backend, human)) {
            return;
        }
        CagePlan plan = correctedPlan(human);
        out.println(backend.apply(plan));
        out.println(backend.verify(plan));
        out.println("to take it all back: ./mvnw -q -pl examples -am compile exec:java -Dexec.args=--undo");
    }

    /** What {@code --undo} does on a real Mac: everything cagent's record says {@code --apply} did, taken back. */
    void undoOn(MacOsBackend backend) {
        out.println(backend.undo(AGENT));
    }
}
