package dev.cagent.macos;

import dev.cagent.AclRight;
import dev.cagent.CagePlan;
import dev.cagent.MacPaths;
import dev.cagent.Password;
import dev.cagent.PlanRefusedException;
import dev.cagent.Step;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandInterruptedException;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.exec.ShellQuoting;
import dev.cagent.lint.Finding;
import dev.cagent.lint.Lint;
import dev.cagent.lint.LintReport;
import dev.cagent.lint.MachineFacts;
import dev.cagent.macos.parse.DsError;
import dev.cagent.macos.parse.LsEntry;
import dev.cagent.macos.parse.StatEntry;
import dev.cagent.report.ApplyListener;
import dev.cagent.report.ApplyOptions;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.Drift;
import dev.cagent.report.ExecutedCommand;
import dev.cagent.report.Preview;
import dev.cagent.report.StepOutcome;
import dev.cagent.report.StepReport;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The order of things for preview, apply, verify and undo. Apply: lint, read the machine, choose
 * IDs, diff every step, refuse conflicts before any write, then per step: record in the journal,
 * write, read back (with a second attempt for writes known not to stick); on a failure take back
 * what this run changed. Undo walks the journal backwards.
 */
final class Engine {

    private static final List<StepHandler<?>> HANDLERS = List.of(
            new UserAccountHandler(), new CollaborationGroupHandler(), new HomeDirectoryHandler(), new AccessDenialHandler(),
            new SharedWorkspaceHandler(), new ShellUmaskHandler(), new ClaudeCodeHookHandler(), new SeatbeltProfileHandler(), new CustomStepHandler());

    /** The engine's own journal kind: cagent made its state directory (and perhaps the root above it). */
    static final String STATE_CREATED = "state.created";

    /** Rights whose ACL grant to anyone makes cagent distrust its record or an edit's place: through them someone else could steer it. */
    static final Set<AclRight> MODIFYING_RIGHTS = EnumSet.of(AclRight.WRITE_DATA, AclRight.APPEND_DATA, AclRight.DELETE,
            AclRight.DELETE_CHILD, AclRight.WRITE_ATTRIBUTES, AclRight.WRITE_EXTATTRIBUTES, AclRight.WRITE_SECURITY, AclRight.CHANGE_OWNER);

    private static final Logger log = LoggerFactory.getLogger(MacOsBackend.class);

    private static final Map<Object, ReentrantLock> MACHINE_LOCKS = Collections.synchronizedMap(new WeakHashMap<>());

    private final CommandRunner runner;
    private final Privilege privilege;
    private final String stateRoot;
    private final int readBackAttempts;
    private final Duration readBackPause;

    Engine(CommandRunner runner, Privilege privilege, String stateRoot, int readBackAttempts, Duration readBackPause) {
        this.runner = runner;
        this.privilege = privilege;
        this.stateRoot = stateRoot;
        this.readBackAttempts = readBackAttempts;
        this.readBackPause = readBackPause;
    }

    // ------------------------------------------------------------------ sessions

    /** What one operation knows once it has read the machine. */
    private record Session(Context ctx, Executor executor, LintReport lint, List<StepPlan> steps) {
        boolean adminPrompt() {
            return executor.privilege() instanceof Privilege.AdminPrompt;
        }
    }

    /** One step's diff. */
    private record StepPlan(Step step, StepHandler<Step> handler, List<Change> changes, String skipped, List<String> refusals) {
    }

    /**
     * Runs {@code work} while no other operation of this JVM works on the same machine. Waiting
     * ends early when the thread is interrupted: then nothing ran, and the flag stays set.
     */
    private <T> T locked(java.util.function.Supplier<T> work) {
        ReentrantLock lock = MACHINE_LOCKS.computeIfAbsent(runner.machine(), m -> new ReentrantLock());
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for another cagent operation on " + runner.machine()
                    + " to end; nothing was changed");
        }
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Finds out who runs cagent, resolves the privilege strategy, proves it gets root, and returns
     * the view every read of this operation goes through (the account list read to name the
     * caller is kept, not read again).
     */
    private MachineView connect(ApplyListener listener) {
        Privilege resolved = privilege;
        Executor executor = new Executor(runner, null, null, listener);
        CommandResult id = executor.read(Op.caller(MacCommands.idUser()));
        int uid;
        try {
            uid = Integer.parseInt(id.stdout().strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("could not tell who runs cagent: `id -u` printed '" + id.stdout().strip() + "' (exit " + id.exitCode() + ")");
        }
        if (resolved instanceof Privilege.Auto) {
            resolved = uid == 0 ? Privilege.alreadyRoot() : Privilege.sudoNonInteractive();
        } else if (uid == 0 && resolved instanceof Privilege.SudoWithPassword) {
            // sudo never asks root for a password: the password line would reach the command's input
            resolved = Privilege.alreadyRoot();
        }
        MachineView callerView = new MachineView(executor, RunAs.CALLER);
        executor.resolve(resolved, uid == 0 ? "root" : callerView.userWithUid(uid).orElse(null));
        checkRoot(executor, uid);
        // under the administrator prompt only the writes are privileged: reads keep the caller's rights
        return resolved instanceof Privilege.AdminPrompt ? callerView : callerView.readingFilesAs(RunAs.ROOT);
    }

    /**
     * Proves that the strategy gets root before anything runs as root, with a harmless
     * {@code id -u} through it: a sudo that needs a password it cannot ask for (or refuses the
     * one given) stops cagent here, before any write, with the fix, rather than at the first write.
     */
    private static void checkRoot(Executor executor, int uid) {
        Privilege privilege = executor.privilege();
        String caller = executor.caller() != null ? executor.caller() : "UID " + uid;
        if (privilege instanceof Privilege.AlreadyRoot && uid != 0) {
            throw new PrivilegeException("Privilege.alreadyRoot() was chosen, but cagent runs as " + caller
                    + ": run it as root (e.g. sudo java ...), or choose Privilege.auto() or Privilege.sudoNonInteractive()");
        }
        if (!(privilege instanceof Privilege.SudoNonInteractive || privilege instanceof Privilege.SudoWithPassword)) {
            return;
        }
        ExecutedCommand check;
        try {
            check = executor.run(Op.root(MacCommands.idUser()));
        } catch (MachineReadException e) {
            throw new PrivilegeException("could not get root through " + privilege + ": " + e.getMessage() + "; nothing was changed");
        }
        CommandResult result = check.result();
        if (result.exitCode() == 0 && result.stdout().strip().equals("0")) {
            return;
        }
        String said = result.stderr().strip().replace("\n", " ");
        if (said.contains("a password is required")) {
            throw new PrivilegeException(privilege instanceof Privilege.SudoNonInteractive
                    ? "sudo -n found no valid sudo ticket for " + caller + " (" + said + "), so nothing was changed: run `sudo -v` in a terminal"
                    + " first and apply within a few minutes, or choose Privilege.sudoWithPassword(...) or Privilege.adminPrompt()"
                    : "sudo asked " + caller + " for a password it did not get (" + said + "), so nothing was changed");
        }
        if (said.contains("incorrect password")) {
            throw new PrivilegeException("sudo refused the password given with Privilege.sudoWithPassword(...) for " + caller + " (" + said
                    + "), so nothing was changed: give " + caller + "'s own login password");
        }
        if (said.contains("sudoers")) {
            throw new PrivilegeException(caller + " may not use sudo (" + said + "), so nothing was changed: run cagent as an administrator or as root");
        }
        throw new PrivilegeException("could not get root through " + privilege + ": " + describeFailure(check) + "; nothing was changed");
    }

    private Session open(CagePlan plan, ApplyListener listener) {
        if (privilege instanceof Privilege.AdminPrompt && plan.user().password() instanceof Password.Given) {
            throw new PlanRefusedException(List.of("the administrator prompt cannot carry the agent's password safely: use noPassword() (recommended) or a sudo strategy"));
        }
        MachineView view = connect(listener);
        Executor executor = view.executor();
        boolean adminPrompt = executor.privilege() instanceof Privilege.AdminPrompt;
        StateFiles state = new StateFiles(stateRoot, plan.agent());
        Context ctx = new Context(plan, view, Journal.empty(plan.agent()), state);
        for (Step step : plan.steps()) {
            handlerFor(step).prefetch(step, ctx);
        }
        // after the prefetch, so that the record's trust check shares the steps' batched stat and ls
        ctx.journal(loadJournal(view, state, plan.agent()));
        ctx.ids(IdResolver.resolve(ctx));
        if (adminPrompt && !executor.caller().equals("root") && !view.isMember(executor.caller(), "admin")) {
            // the prompt takes any administrator's password, but cagent's reads run with the caller's rights: undo could not
            // read the backups (root:admin 0750), nor anything else only administrators may read
            ctx.refuse("under the administrator prompt cagent reads the Mac with " + executor.caller() + "'s own rights, and "
                    + executor.caller() + " is not an administrator (not in group admin): a later undo could not read cagent's backups;"
                    + " run it as an administrator, or use a sudo strategy");
        }
        LintReport lint = Lint.check(plan, new MachineFacts() {
            @Override
            public boolean exists(String path) {
                return AccessDenialHandler.targetExists(path, ctx);
            }

            @Override
            public String realPath(String path) {
                return AccessDenialHandler.resolve(path, ctx).map(LsEntry::path).orElse(path);
            }
        });
        return new Session(ctx, executor, lint, diffAll(ctx));
    }

    private List<StepPlan> diffAll(Context ctx) {
        ctx.startPass();
        List<StepPlan> plans = new ArrayList<>();
        for (Step step : ctx.plan().steps()) {
            StepHandler<Step> handler = handlerFor(step);
            int before = ctx.refusals().size();
            Optional<String> skip = handler.skipReason(step, ctx);
            List<Change> changes = skip.isPresent() ? List.of() : handler.diff(step, ctx);
            List<String> refusals = ctx.refusals().subList(before, ctx.refusals().size());
            plans.add(new StepPlan(step, handler, changes, skip.orElse(null), List.copyOf(refusals)));
        }
        return plans;
    }

    @SuppressWarnings("unchecked")
    private static StepHandler<Step> handlerFor(Step step) {
        for (StepHandler<?> h : HANDLERS) {
            if (h.stepType().isInstance(step)) {
                return (StepHandler<Step>) h;
            }
        }
        throw new IllegalStateException("no handler for " + step.getClass());
    }

    private static StepHandler<Step> handlerForKind(String kind) {
        for (StepHandler<?> h : HANDLERS) {
            if (h.journalKinds().contains(kind)) {
                @SuppressWarnings("unchecked")
                StepHandler<Step> handler = (StepHandler<Step>) h;
                return handler;
            }
        }
        throw new IllegalStateException("the journal holds an entry of unknown kind '" + kind + "': was it written by a newer cagent?");
    }

    /**
     * Reads the journal, trusting it only when root owns it and nobody else can write it or its
     * directories: neither through the mode nor through an ACL entry.
     */
    private static Journal loadJournal(MachineView view, StateFiles state, String agent) {
        List<String> chain = List.of(state.root(), state.agentDirectory(), state.journal());
        chain.forEach(view::wantStat);
        chain.forEach(view::wantAcl);
        String trust = ": cagent trusts its record only when root owns it and nobody else can write it; inspect it, then ";
        for (String path : chain) {
            Optional<StatEntry> stat = view.stat(path);
            if (stat.isEmpty()) {
                return Journal.empty(agent);
            }
            if (stat.get().uid() != 0 || (stat.get().mode() & 022) != 0) {
                throw new PlanRefusedException(List.of(path + " is owned by " + stat.get().user() + " with mode " + HomeDirectoryHandler.mode(stat.get().mode())
                        + trust + "fix with sudo chown root:wheel and chmod go-w"));
            }
            StatEntry.FileType expected = path.equals(state.journal()) ? StatEntry.FileType.FILE : StatEntry.FileType.DIRECTORY;
            if (stat.get().type() != expected) {
                throw new PlanRefusedException(List.of(path + " is " + stat.get().type().described() + ", not " + expected.described()
                        + ": it is not a record cagent wrote; inspect it, then move it away"));
            }
            List<String> writers = view.acl(path).map(LsEntry::acl).orElse(List.of()).stream()
                    .filter(ace -> ace.allow() && ace.rights().stream().anyMatch(MODIFYING_RIGHTS::contains))
                    .map(ace -> ace.toChmodText(stat.get().type() == StatEntry.FileType.DIRECTORY))
                    .toList();
            if (!writers.isEmpty()) {
                throw new PlanRefusedException(List.of(path + " has ACL entries that let others change it (" + String.join("; ", writers) + ")"
                        + trust + "remove them with sudo chmod -N " + ShellQuoting.quote(path)));
            }
        }
        return Journal.parse(view.read(state.journal()).orElse(""), agent);
    }

    private static List<String> blockingReasons(LintReport lint) {
        return lint.blocking().stream().map(Finding::toString).map(s -> s.replace("\n    fix:", "; fix:")).toList();
    }

    // ------------------------------------------------------------------ preview

    Preview preview(CagePlan plan) {
        return locked(() -> {
            Session s = open(plan, ApplyListener.NONE);
            List<String> refusals = s.ctx().conflicts();
            List<ScriptRenderer.Section> sections = sections(s);
            List<String> planned = new ArrayList<>();
            s.steps().forEach(sp -> sp.changes().forEach(c -> planned.add(sp.step().describe() + ": " + c.summary())));
            int writes = sections.stream().mapToInt(sec -> sec.ops().size()).sum();
            return new Preview(writeScript(s, sections, concat(refusals, blockingReasons(s.lint()))), planned, s.lint(), refusals, writes);
        });
    }

    /**
     * The write phase as a script: what preview shows and, under the administrator prompt,
     * exactly what the prompt runs (with a progress line after each write).
     */
    private static String writeScript(Session s, List<ScriptRenderer.Section> sections, List<String> refusals) {
        int writes = sections.stream().mapToInt(sec -> sec.ops().size()).sum();
        String header = "cagent: " + writes + " write(s) to cage " + s.ctx().agent() + " (" + s.executor().privilege() + ").\n"
                + (!refusals.isEmpty() ? "apply would refuse this plan; do not run this script:\n  " + String.join("\n  ", refusals)
                : s.adminPrompt() ? "apply runs exactly this script as root, after one administrator prompt"
                : "Review, then run from / (createhomedir needs it): cd / && sh THIS-FILE");
        return ScriptRenderer.render(header, sections, op -> Privilege.wrap(s.executor().privilege(), op, s.executor().caller(), s.adminPrompt()), s.adminPrompt());
    }

    /** The whole write phase as sections: per changed step, the journal record then the writes. */
    private static List<ScriptRenderer.Section> sections(Session s) {
        List<ScriptRenderer.Section> sections = new ArrayList<>();
        JournalWriter journal = new JournalWriter(s.ctx());
        int index = 0;
        for (StepPlan sp : s.steps()) {
            index++;
            if (sp.changes().isEmpty()) {
                continue;
            }
            List<Op> ops = new ArrayList<>(journal.record(entries(sp.changes())));
            sp.changes().forEach(c -> ops.addAll(c.writes()));
            sections.add(new ScriptRenderer.Section(index + "/" + s.steps().size() + " " + sp.step().describe(),
                    sp.changes().stream().map(Change::summary).toList(), ops));
        }
        return sections;
    }

    private static List<Journal.Entry> entries(List<Change> changes) {
        return changes.stream().flatMap(c -> c.journal().stream()).toList();
    }

    // ------------------------------------------------------------------ apply

    /** Applies and logs the report (every text in it is free of secrets), or why nothing was changed. */
    ApplyReport apply(CagePlan plan, ApplyOptions options, ApplyListener listener) {
        ApplyReport report;
        try {
            report = applyChecked(plan, options, listener);
        } catch (PlanRefusedException | PrivilegeException e) {
            log.warn("apply for {} changed nothing: {}", plan.agent(), e.getMessage());
            throw e;
        }
        if (report.succeeded()) {
            log.info("apply for {}:\n{}", plan.agent(), report);
        } else {
            log.warn("apply for {} failed:\n{}", plan.agent(), report);
        }
        return report;
    }

    private ApplyReport applyChecked(CagePlan plan, ApplyOptions options, ApplyListener listener) {
        LintReport pure = plan.lint();
        if (pure.isBlocking()) {
            throw new PlanRefusedException(blockingReasons(pure));
        }
        return locked(() -> {
            Session s = open(plan, listener);
            List<String> refusals = concat(s.ctx().conflicts(), blockingReasons(s.lint()));
            if (!refusals.isEmpty()) {
                throw new PlanRefusedException(refusals);
            }
            return s.adminPrompt() ? new AdminPromptRun(s, options, listener).run() : new StepwiseRun(s, options, listener).run();
        });
    }

    /** Apply one step at a time: journal, writes, read-back; on failure, roll back. */
    private final class StepwiseRun {
        private final Session s;
        private final ApplyOptions options;
        private final ApplyListener listener;
        private final JournalWriter journal;
        private final Journal before;
        private final List<Journal.Entry> runEntries = new ArrayList<>();

        StepwiseRun(Session s, ApplyOptions options, ApplyListener listener) {
            this.s = s;
            this.options = options;
            this.listener = listener;
            this.journal = new JournalWriter(s.ctx());
            this.before = s.ctx().journal();
        }

        ApplyReport run() {
            List<StepReport> reports = new ArrayList<>();
            Executor ex = s.executor();
            boolean failed = false;
            for (StepPlan sp : s.steps()) {
                if (failed) {
                    reports.add(report(new StepReport(sp.step(), StepOutcome.NOT_REACHED, List.of(), List.of(), null)));
                    continue;
                }
                if (sp.skipped() != null) {
                    reports.add(report(new StepReport(sp.step(), StepOutcome.SKIPPED, List.of(sp.skipped()), List.of(), null)));
                    continue;
                }
                if (sp.changes().isEmpty()) {
                    reports.add(report(new StepReport(sp.step(), StepOutcome.UNCHANGED, List.of(), List.of(), null)));
                    continue;
                }
                listener.stepStarted(sp.step());
                int mark = ex.mark();
                List<String> done = new ArrayList<>();
                try {
                    List<Change> changes = sp.changes();
                    for (int attempt = 1; !changes.isEmpty(); attempt++) {
                        if (attempt > 2) {
                            throw new StepFailure("read back after the writes, the machine still differs: "
                                    + String.join("; ", changes.stream().map(Change::summary).toList()));
                        }
                        List<Journal.Entry> entries = entries(changes);
                        // also entries an earlier run recorded: this run's writes make them true again, so rollback takes them back
                        entries.stream().filter(e -> runEntries.stream().noneMatch(e::coveredBy)).forEach(runEntries::add);
                        writeAll(journal.record(entries));
                        for (Change change : changes) {
                            writeAll(change.writes());
                            done.add(change.summary());
                        }
                        changes = readBack(sp, attempt + 1);
                    }
                    reports.add(report(new StepReport(sp.step(), StepOutcome.CHANGED, done, ex.since(mark), null)));
                } catch (StepFailure | Executor.OpFailedException | MachineReadException e) {
                    reports.add(report(new StepReport(sp.step(), StepOutcome.FAILED, done, ex.since(mark), e.getMessage())));
                    failed = true;
                } catch (CancellationException | CommandInterruptedException e) {
                    throw e; // interrupted: stop where it is, the record lets a later apply or undo finish
                } catch (RuntimeException e) {
                    // a step's own code (an extension's, say) that throws while reading back: the run is taken back like any failure
                    reports.add(report(new StepReport(sp.step(), StepOutcome.FAILED, done, ex.since(mark),
                            "step '" + sp.step().describe() + "' failed while reading back: " + e)));
                    failed = true;
                }
            }
            boolean rolledBack = failed && options.rollbackOnFailure() && rollBack(reports);
            return new ApplyReport(reports, s.lint(), ex.processes(), ex.writes(), rolledBack);
        }

        private StepReport report(StepReport report) {
            listener.stepFinished(report);
            return report;
        }

        private void writeAll(List<Op> ops) {
            for (Op op : ops) {
                ExecutedCommand done = s.executor().run(op);
                if (failed(done)) {
                    throw new StepFailure(describeFailure(done));
                }
            }
        }

        /** Reads the step again until it matches or the attempts run out; returns what still differs. */
        private List<Change> readBack(StepPlan sp, int attempt) {
            Context ctx = s.ctx();
            List<Change> changes = List.of();
            for (int poll = 1; poll <= readBackAttempts; poll++) {
                ctx.view().forget();
                ctx.startPass();
                ctx.attempt(attempt);
                int refusals = ctx.refusals().size();
                changes = sp.handler().diff(sp.step(), ctx);
                ctx.attempt(1);
                if (ctx.refusals().size() > refusals) {
                    throw new StepFailure("read back: " + String.join("; ", ctx.refusals().subList(refusals, ctx.refusals().size())));
                }
                if (changes.isEmpty()) {
                    return changes;
                }
                pause();
            }
            return changes;
        }

        /**
         * Takes back this run's changes, newest first, then restores the journal as it was. True
         * when all of it worked; otherwise the changed steps stay reported as changed, since the
         * machine may still hold them, and the failed step says what went wrong.
         */
        private boolean rollBack(List<StepReport> reports) {
            Context ctx = s.ctx();
            List<Journal.Entry> entries = new ArrayList<>(runEntries);
            Collections.reverse(entries);
            List<String> problems = new ArrayList<>();
            for (Journal.Entry entry : entries) {
                if (entry.kind().equals(STATE_CREATED)) {
                    continue;
                }
                ctx.view().forget();
                try {
                    UndoAction action = handlerForKind(entry.kind()).undo(entry, ctx);
                    if (action.kept() != null) {
                        problems.add(action.description() + ": " + action.kept());
                    }
                    for (Op op : action.writes()) {
                        ExecutedCommand done = s.executor().run(op);
                        if (failed(done)) {
                            problems.add(describeFailure(done));
                        }
                    }
                } catch (RuntimeException e) {
                    problems.add(e.getMessage());
                }
            }
            ctx.view().forget();
            if (!problems.isEmpty()) {
                // the record keeps naming this run's entries, so that undo takes back what the rollback could not
                markRolledBack(reports, problems);
                return false;
            }
            try {
                for (Op op : journal.restore(before)) {
                    ExecutedCommand done = s.executor().run(op);
                    if (failed(done)) {
                        problems.add(describeFailure(done));
                    }
                }
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
            markRolledBack(reports, problems);
            return problems.isEmpty();
        }

        /** The reports after a rollback: the changed steps rolled back when all of it worked, the failed step saying how it ended. */
        private void markRolledBack(List<StepReport> reports, List<String> problems) {
            for (int i = 0; i < reports.size(); i++) {
                StepReport r = reports.get(i);
                if (r.outcome() == StepOutcome.CHANGED && problems.isEmpty()) {
                    reports.set(i, new StepReport(r.step(), StepOutcome.ROLLED_BACK, r.changes(), r.commands(), null));
                    listener.stepRolledBack(reports.get(i));
                } else if (r.outcome() == StepOutcome.FAILED) {
                    String note = problems.isEmpty() ? "\nrolled back: the machine is as it was before this apply"
                            : "\nrollback incomplete (undo takes back what the record still names, once the cause is fixed): " + String.join("; ", problems);
                    reports.set(i, new StepReport(r.step(), StepOutcome.FAILED, r.changes(), r.commands(), r.failure() + note));
                }
            }
        }
    }

    /** Under the administrator prompt: the whole write phase as one script, one prompt. */
    private final class AdminPromptRun {
        private final Session s;
        private final ApplyOptions options;
        private final ApplyListener listener;

        AdminPromptRun(Session s, ApplyOptions options, ApplyListener listener) {
            this.s = s;
            this.options = options;
            this.listener = listener;
        }

        ApplyReport run() {
            Journal before = s.ctx().journal();
            List<ScriptRenderer.Section> sections = sections(s);
            List<StepReport> reports = new ArrayList<>();
            Executor ex = s.executor();
            if (sections.isEmpty()) {
                s.steps().forEach(sp -> reports.add(new StepReport(sp.step(), sp.skipped() != null ? StepOutcome.SKIPPED : StepOutcome.UNCHANGED,
                        sp.skipped() != null ? List.of(sp.skipped()) : List.of(), List.of(), null)));
                reports.forEach(listener::stepFinished);
                return new ApplyReport(reports, s.lint(), ex.processes(), ex.writes(), false);
            }
            int mark = ex.mark();
            ScriptOutcome outcome = AdminPrompt.run(ex, writeScript(s, sections, List.of()));
            int opsBefore = 0;
            int sectionIndex = 0;
            boolean failed = !outcome.succeeded();
            boolean unreadable = false;
            List<Change> stillDiffering = new ArrayList<>();
            List<Journal.Entry> reached = new ArrayList<>();
            for (StepPlan sp : s.steps()) {
                if (sp.skipped() != null || sp.changes().isEmpty()) {
                    reports.add(new StepReport(sp.step(), sp.skipped() != null ? StepOutcome.SKIPPED : StepOutcome.UNCHANGED,
                            sp.skipped() != null ? List.of(sp.skipped()) : List.of(), List.of(), null));
                    continue;
                }
                ScriptRenderer.Section section = sections.get(sectionIndex++);
                int opsAfter = opsBefore + section.ops().size();
                List<String> summaries = sp.changes().stream().map(Change::summary).toList();
                if (failed && outcome.completed() < opsAfter) {
                    StepOutcome o = outcome.completed() >= opsBefore ? StepOutcome.FAILED : StepOutcome.NOT_REACHED;
                    if (o == StepOutcome.FAILED || outcome.progressUnknown()) {
                        reached.addAll(entries(sp.changes()));
                    }
                    reports.add(new StepReport(sp.step(), o, List.of(), o == StepOutcome.FAILED ? ex.since(mark) : List.of(),
                            o == StepOutcome.FAILED ? outcome.failure() : null));
                } else {
                    reached.addAll(entries(sp.changes()));
                    s.ctx().view().forget();
                    s.ctx().startPass();
                    List<Change> left;
                    try {
                        left = sp.handler().diff(sp.step(), s.ctx());
                    } catch (CancellationException | CommandInterruptedException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        // unreadable, or a step's own code that throws while reading back: the run is taken back like any failure
                        unreadable = true;
                        reports.add(new StepReport(sp.step(), StepOutcome.FAILED, summaries, List.of(),
                                e instanceof MachineReadException ? e.getMessage() : "step '" + sp.step().describe() + "' failed while reading back: " + e));
                        opsBefore = opsAfter;
                        continue;
                    }
                    stillDiffering.addAll(left);
                    reports.add(left.isEmpty() ? new StepReport(sp.step(), StepOutcome.CHANGED, summaries, List.of(), null)
                            : new StepReport(sp.step(), StepOutcome.FAILED, summaries, List.of(), "read back: still differs: "
                            + String.join("; ", left.stream().map(Change::summary).toList())));
                }
                opsBefore = opsAfter;
            }
            reports.forEach(listener::stepFinished);
            boolean anyFailure = failed || unreadable || !stillDiffering.isEmpty();
            boolean rolledBack = false;
            // a script that never ran (a cancelled prompt, a script not written) changed nothing: no second prompt to ask for
            if (anyFailure && options.rollbackOnFailure() && !outcome.ranNothing()) {
                rolledBack = rollBack(reports, reached, before);
            }
            return new ApplyReport(reports, s.lint(), ex.processes(), ex.writes(), rolledBack);
        }

        /** A second script, after a second prompt, that takes back what the first one did. */
        private boolean rollBack(List<StepReport> reports, List<Journal.Entry> reached, Journal before) {
            Context ctx = s.ctx();
            ctx.view().forget();
            List<Op> ops = new ArrayList<>();
            List<Journal.Entry> reversed = new ArrayList<>(reached);
            Collections.reverse(reversed);
            for (Journal.Entry entry : reversed) {
                ops.addAll(handlerForKind(entry.kind()).undo(entry, ctx).writes());
            }
            ops.addAll(new JournalWriter(ctx).restore(before));
            String script = ScriptRenderer.render("cagent rollback for " + ctx.agent(), List.of(new ScriptRenderer.Section("take back this apply", List.of(), ops)),
                    op -> Privilege.wrap(s.executor().privilege(), op, s.executor().caller(), true), true);
            ScriptOutcome outcome = AdminPrompt.run(s.executor(), script);
            for (int i = 0; i < reports.size(); i++) {
                StepReport r = reports.get(i);
                if (r.outcome() == StepOutcome.CHANGED && outcome.succeeded()) {
                    reports.set(i, new StepReport(r.step(), StepOutcome.ROLLED_BACK, r.changes(), r.commands(), null));
                    listener.stepRolledBack(reports.get(i));
                } else if (r.outcome() == StepOutcome.FAILED) {
                    String note = outcome.succeeded() ? "\nrolled back: the machine is as it was before this apply"
                            : outcome.ranNothing() ? "\nrollback not done: the second administrator prompt, to take this apply back, did not run ("
                                    + outcome.failure().replace(", so nothing was changed", "") + "); what this apply changed stays, and undo takes it back"
                            : "\nrollback incomplete, fix by hand: " + outcome.failure();
                    reports.set(i, new StepReport(r.step(), StepOutcome.FAILED, r.changes(), r.commands(), r.failure() + note));
                }
            }
            return outcome.succeeded();
        }
    }

    /**
     * What an administrator-prompt script did: how many writes completed, and why it stopped;
     * {@code ranNothing} when it never started (the prompt cancelled, or the script not written).
     */
    record ScriptOutcome(boolean succeeded, int completed, String failure, boolean ranNothing, boolean progressUnknown) {
    }

    private void pause() {
        if (readBackPause.isZero()) {
            return;
        }
        try {
            Thread.sleep(readBackPause.toMillis());
        } catch (InterruptedException e) {
            // like an interrupt during a command: stop at once, no rollback (its commands would be refused anyway)
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting to read back; apply stopped where it was, and its record"
                    + " on the machine lets a later apply finish or undo take it back");
        }
    }

    // ------------------------------------------------------------------ verify

    VerifyReport verify(CagePlan plan) {
        return locked(() -> {
            Session s = open(plan, ApplyListener.NONE);
            List<Drift> drifts = new ArrayList<>();
            for (StepPlan sp : s.steps()) {
                sp.changes().forEach(c -> drifts.add(new Drift(sp.step(), c.subject(), c.expected(), c.actual())));
            }
            for (String conflict : s.ctx().conflicts()) {
                // a conflict no step's diff raised was found while choosing the account's and group's IDs
                Step step = s.steps().stream().filter(sp -> sp.refusals().contains(conflict)).map(StepPlan::step).findFirst().orElse(plan.user());
                drifts.add(new Drift(step, "conflict", "as planned", conflict));
            }
            return new VerifyReport(drifts, s.executor().processes());
        });
    }

    // ------------------------------------------------------------------ undo

    UndoReport undo(String agent) {
        UndoReport report = undoChecked(agent);
        if (report.succeeded()) {
            log.info("undo for {}:\n{}", agent, report);
        } else {
            log.warn("undo for {} failed:\n{}", agent, report);
        }
        return report;
    }

    private UndoReport undoChecked(String agent) {
        dev.cagent.Names.checkShortName("agent", agent);
        return locked(() -> {
            MachineView view = connect(ApplyListener.NONE);
            Executor ex = view.executor();
            StateFiles state = new StateFiles(stateRoot, agent);
            Journal journal = loadJournal(view, state, agent);
            if (journal.isEmpty()) {
                return new UndoReport(List.of(), List.of("nothing recorded for " + agent + " in " + state.journal() + ": nothing to undo"), List.of(), ex.processes());
            }
            // an entry of a kind this cagent does not know stops undo before its first write, not halfway
            journal.entries().stream().map(Journal.Entry::kind)
                    .filter(kind -> !kind.equals(STATE_CREATED) && !kind.equals(SharedByCages.DIRECTORIES))
                    .forEach(Engine::handlerForKind);
            Context ctx = new Context(null, view, journal, state);
            SharedByCages shared = new SharedByCages(ctx, other -> loadJournal(view, other, other.agent()));
            List<Journal.Entry> remaining = new ArrayList<>(journal.entries());
            List<String> undone = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            List<ExecutedCommand> failures = new ArrayList<>();
            List<Op> batch = new ArrayList<>();
            boolean admin = ex.privilege() instanceof Privilege.AdminPrompt;
            for (Journal.Entry entry : undoOrder(journal.entries())) {
                if (!failures.isEmpty()) {
                    break;
                }
                if (entry.kind().equals(STATE_CREATED)) {
                    continue;
                }
                view.forget();
                UndoAction action;
                try {
                    Optional<UndoAction> handOver = shared.handOver(entry);
                    action = handOver.isPresent() ? handOver.get()
                            : shared.withDirectoriesLeft(entry.kind().equals(SharedByCages.DIRECTORIES) ? SharedByCages.undoDirectories(entry, ctx)
                                    : handlerForKind(entry.kind()).undo(entry, ctx), entry);
                } catch (MachineReadException e) {
                    // what cannot be read cannot be taken back safely: stop here, keeping the record of the rest
                    failures.add(e.read().orElseThrow(() -> e));
                    break;
                }
                if (action.kept() != null) {
                    kept.add(action.description() + ": " + action.kept());
                    if (!action.later()) {
                        remaining.remove(entry);
                    }
                    continue;
                }
                if (admin) {
                    batch.addAll(action.writes());
                } else {
                    runUntilFailed(ex, action.writes(), failures);
                }
                if (failures.isEmpty()) {
                    undone.add(action.description());
                    remaining.remove(entry);
                }
            }
            view.forget();
            List<Op> finish;
            boolean allTakenBack;
            List<String> finishing = new ArrayList<>();
            try {
                // the record goes when nothing of it is left to take back: an entry kept for later keeps it, with its backups
                allTakenBack = failures.isEmpty() && remaining.stream().allMatch(e -> e.kind().equals(STATE_CREATED));
                finish = allTakenBack ? removeState(ctx, journal, shared, finishing, kept) : new JournalWriter(ctx).write(new Journal(agent, remaining));
            } catch (MachineReadException e) {
                return new UndoReport(undone, kept, List.of(e.read().orElseThrow(() -> e)), ex.processes());
            }
            if (admin) {
                batch.addAll(finish);
                String script = ScriptRenderer.render("cagent undo for " + agent, List.of(new ScriptRenderer.Section("undo", List.of(), batch)),
                        op -> Privilege.wrap(ex.privilege(), op, ex.caller(), true), true);
                int mark = ex.mark();
                ScriptOutcome outcome = AdminPrompt.run(ex, script);
                if (!outcome.succeeded()) {
                    return new UndoReport(List.of(), kept, ex.since(mark).stream().filter(Engine::failed).toList(), ex.processes());
                }
            } else {
                runUntilFailed(ex, finish, failures);
                if (allTakenBack && !failures.isEmpty()) {
                    // every entry is taken back, but the record must stay for a second undo to end the job:
                    // it keeps what is left, the note that this cage made the state root
                    view.forget();
                    runUntilFailed(ex, new JournalWriter(ctx).write(new Journal(agent, remaining)), failures);
                }
            }
            if (failures.isEmpty() && allTakenBack) {
                undone.addAll(finishing);
                undone.add("removed cagent's record " + state.agentDirectory());
            }
            return new UndoReport(undone, kept, failures, ex.processes());
        });
    }

    /**
     * Newest first, but what the other entries name goes last, whenever a later apply recorded
     * it: memberships, then groups, then accounts, then directories another cage left to this one
     * (once this cage's own files and directories in them are gone). An ACL entry can be removed
     * by name only while its user or group exists, and a group member only while the group does.
     */
    private static List<Journal.Entry> undoOrder(List<Journal.Entry> entries) {
        List<Journal.Entry> order = new ArrayList<>(entries);
        Collections.reverse(order);
        // an entry another cage handed over is older than this cage's own of the same phase
        order.sort(Comparator.<Journal.Entry>comparingInt(e -> undoPhase(e.kind())).thenComparing(e -> e.find(SharedByCages.FROM).isPresent()));
        return order;
    }

    private static int undoPhase(String kind) {
        if (kind.equals(CollaborationGroupHandler.MEMBER_ADDED)) {
            return 1;
        }
        if (kind.equals(CollaborationGroupHandler.CREATED)) {
            return 2;
        }
        if (kind.equals(SharedByCages.DIRECTORIES)) {
            return 4;
        }
        return Set.of(UserAccountHandler.CREATED, UserAccountHandler.ATTRIBUTE, UserAccountHandler.PASSWORD_SET).contains(kind) ? 3 : 0;
    }

    /**
     * Removes the agent's state directory, and the state root when cagent made it and it is empty;
     * when other cages are still recorded there, the state root is left to one of them.
     */
    private static List<Op> removeState(Context ctx, Journal journal, SharedByCages shared, List<String> done, List<String> kept) {
        List<Op> ops = new ArrayList<>(List.of(Op.root(MacCommands.removeTree(ctx.state().agentDirectory()))));
        if (journal.has(STATE_CREATED, Engine::madeStateRoot)) {
            if (ctx.view().treeWithLinks(ctx.state().root()).stream()
                    .allMatch(e -> e.path().equals(ctx.state().root()) || MacPaths.isSameOrBelow(e.path(), ctx.state().agentDirectory()))) {
                ops.add(Op.root(MacCommands.removeDirectory(ctx.state().root())));
            } else {
                shared.handOverStateRoot().ifPresentOrElse(handOver -> {
                    ops.addAll(0, handOver.writes());
                    done.add(handOver.description());
                }, () -> kept.add("record directory " + ctx.state().root() + ": it holds entries no trusted cage record accounts for; cagent leaves them and the directory to you"));
            }
        }
        return ops;
    }

    /** True for a note that the record's run made the state root (a cage that made it, or one it was left to). */
    static boolean madeStateRoot(Journal.Entry stateCreated) {
        return Boolean.parseBoolean(stateCreated.find("root").orElse("false"));
    }

    // ------------------------------------------------------------------ shared

    /** Runs {@code ops} in order up to the first that fails, which is added to {@code failures}. */
    private static void runUntilFailed(Executor ex, List<Op> ops, List<ExecutedCommand> failures) {
        for (Op op : ops) {
            ExecutedCommand done = runToEnd(ex, op);
            if (failed(done)) {
                failures.add(done);
                return;
            }
        }
    }

    /** Runs a write; one that timed out or could not start is returned as failed, like a non-zero exit. */
    private static ExecutedCommand runToEnd(Executor ex, Op op) {
        try {
            return ex.run(op);
        } catch (Executor.OpFailedException e) {
            return e.executed();
        }
    }

    /** A write failed: a non-zero exit, or a {@code DS Error} from dscl's stdin mode, which always exits 0. */
    static boolean failed(ExecutedCommand done) {
        if (done.result() == null || done.result().exitCode() != 0) {
            return true;
        }
        boolean dscl = done.command().argv().contains(MacCommands.DSCL);
        return dscl && !DsError.findAll(done.result().stderr()).isEmpty();
    }

    static String describeFailure(ExecutedCommand done) {
        if (done.result() == null) {
            return "`" + done.command().toShellLine() + "` " + done.failure();
        }
        String stderr = done.result().stderr().strip();
        return "`" + done.command().toShellLine() + "` exited " + done.result().exitCode() + (stderr.isEmpty() ? "" : ": " + stderr);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** A step could not be completed; its message says which command failed and how. */
    static final class StepFailure extends RuntimeException {
        StepFailure(String message) {
            super(message);
        }
    }

    /** Runs scripts through the administrator prompt. */
    static final class AdminPrompt {
        private AdminPrompt() {
        }

        static ScriptOutcome run(Executor ex, String script) {
            CommandResult dir = ex.runCommand(Command.read(MacCommands.MKTEMP, "-d", "-t", "cagent")).result();
            if (dir == null || dir.exitCode() != 0) {
                return new ScriptOutcome(false, 0, "could not make a private temporary directory, so nothing was changed: "
                        + (dir == null ? "" : dir.stderr().strip()), true, false);
            }
            String path = dir.stdout().strip() + "/apply.sh";
            if (!path.matches("[A-Za-z0-9_@%+=:,./-]+")) {
                // the path goes into AppleScript text and a shell command line unquoted
                runToEnd(ex, Op.caller(MacCommands.removeTree(dir.stdout().strip())));
                return new ScriptOutcome(false, 0, "the temporary directory " + dir.stdout().strip()
                        + " holds characters cagent would have to quote for the administrator prompt, so nothing was changed: set TMPDIR to a plain path", true, false);
            }
            ExecutedCommand written = runToEnd(ex, Op.caller(MacCommands.writeFile(path, script)));
            if (failed(written)) {
                runToEnd(ex, Op.caller(MacCommands.removeTree(dir.stdout().strip())));
                return new ScriptOutcome(false, 0, "the script could not be written, so nothing was changed: " + describeFailure(written), true, false);
            }
            ExecutedCommand prompt = runToEnd(ex, Op.caller(Command.write(MacCommands.OSASCRIPT, "-e",
                    "do shell script \"/bin/sh " + path + "\" with administrator privileges without altering line endings").withTimeout(Duration.ofHours(1))));
            runToEnd(ex, Op.caller(MacCommands.removeTree(dir.stdout().strip())));
            if (!failed(prompt)) {
                return new ScriptOutcome(true, Integer.MAX_VALUE, null, false, false);
            }
            if (prompt.result() == null) {
                // killed at its timeout: the script may have got anywhere
                return new ScriptOutcome(false, 0, describeFailure(prompt), false, true);
            }
            String stderr = prompt.result().stderr();
            if (stderr.contains("User canceled. (-128)")) {
                return new ScriptOutcome(false, 0, "the administrator prompt was cancelled, so nothing was changed", true, false);
            }
            int completed = (int) stderr.lines().filter(l -> l.contains("cagent: done ")).count();
            // the progress lines told how far it got; the failure itself is the rest
            String failure = describeFailure(prompt).lines().filter(l -> !l.matches(".*cagent: done \\d+\\s*")).collect(Collectors.joining("\n"));
            return new ScriptOutcome(false, completed, failure, false, false);
        }
    }
}
