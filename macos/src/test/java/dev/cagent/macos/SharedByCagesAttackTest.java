package dev.cagent.macos;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;
import dev.cagent.testkit.Fault;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.cagent.macos.Cages.assertSameState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attacks on the hand-over between several cages on one Mac. */
class SharedByCagesAttackTest {

    private static final String STATE_ROOT = "/private/var/db/cagent";
    private static final String APP_SUPPORT = "/Library/Application Support/cagent";

    /** A cage of alice's: agent {@code name}, its own home and workspace, the given group, umask and hook (null: none). */
    private static CagePlan.Builder cageBuilder(String name, int uidFrom, String group, String umask, ClaudeCodeHook.Location hook) {
        var b = Cage.forUser(name).realName("Agent " + name).uidFirstFreeIn(uidFrom, uidFrom + 99).shell("/bin/zsh").home("/Users/" + name)
                .hidden(true).noPassword().human("alice")
                .deny("/Users/alice").denyListing("/Users").denyListing("/private/etc").denyListing("/private/var").deny("/Library/Keychains");
        if (group != null) {
            b.collaborationGroup(group).workspace("/Users/" + name + "/workshop");
        } else {
            b.primaryGroupId(20);
        }
        if (umask != null) {
            b.humanUmask(umask);
        }
        if (hook != null) {
            b.claudeCodeHook(hook);
        }
        return b;
    }

    private static CagePlan cage(String name, int uidFrom, String group, String umask, ClaudeCodeHook.Location hook) {
        return cageBuilder(name, uidFrom, group, umask, hook).build();
    }

    private static CagePlan a() {
        return cage("meeseeks", 600, "collabo", "002", ClaudeCodeHook.Location.ROOT_OWNED);
    }

    private static CagePlan b() {
        return cage("claude", 700, "collabo", "002", ClaudeCodeHook.Location.ROOT_OWNED);
    }

    private static CagePlan c() {
        return cage("codex", 800, "collabo", "002", ClaudeCodeHook.Location.ROOT_OWNED);
    }

    /** A stock fake Mac with meeseeks' cage, then claude's, applied; its stock snapshot; the backend. */
    private record Both(FakeMac mac, MacSnapshot stock, MacOsBackend backend) {
        static Both applied() {
            FakeMac mac = FakeMac.stock();
            MacSnapshot stock = mac.snapshot();
            MacOsBackend backend = Cages.backend(mac);
            apply(backend, a());
            apply(backend, b());
            return new Both(mac, stock, backend);
        }
    }

    private static void apply(MacOsBackend backend, CagePlan plan) {
        ApplyReport report = backend.apply(plan);
        assertTrue(report.succeeded(), () -> "apply " + plan.agent() + ":\n" + report);
    }

    private static void undo(MacOsBackend backend, CagePlan plan) {
        UndoReport report = backend.undo(plan);
        assertTrue(report.succeeded(), () -> "undo " + plan.agent() + ":\n" + report);
    }

    private static void assertClean(MacOsBackend backend, CagePlan plan, String when) {
        VerifyReport report = backend.verify(plan);
        assertTrue(report.isClean(), () -> "verify " + plan.agent() + " " + when + ":\n" + report);
    }

    private static List<List<Integer>> permutations(int n) {
        List<List<Integer>> all = new ArrayList<>();
        permute(new ArrayList<>(), n, all);
        return all;
    }

    private static void permute(List<Integer> prefix, int n, List<List<Integer>> all) {
        if (prefix.size() == n) {
            all.add(List.copyOf(prefix));
            return;
        }
        for (int i = 0; i < n; i++) {
            if (!prefix.contains(i)) {
                prefix.add(i);
                permute(prefix, n, all);
                prefix.remove(prefix.size() - 1);
            }
        }
    }

    /** Applies the plans in order, undoes them in {@code order}; the problems found, one per line. */
    private static List<String> undoInOrder(List<CagePlan> plans, List<Integer> order) {
        List<String> problems = new ArrayList<>();
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = Cages.backend(mac);
        for (CagePlan p : plans) {
            ApplyReport r = backend.apply(p);
            if (!r.succeeded()) {
                problems.add("apply " + p.agent() + " failed: " + r);
                return problems;
            }
        }
        String label = order.stream().map(i -> plans.get(i).agent()).toList().toString();
        List<CagePlan> remaining = new ArrayList<>(plans);
        for (int i : order) {
            CagePlan p = plans.get(i);
            UndoReport u = backend.undo(p);
            if (!u.succeeded()) {
                problems.add(label + ": undo " + p.agent() + " failed: " + u);
            }
            remaining.remove(p);
            for (CagePlan other : remaining) {
                VerifyReport v = backend.verify(other);
                if (!v.isClean()) {
                    problems.add(label + ": after undo " + p.agent() + ", verify " + other.agent() + ": " + v);
                }
            }
        }
        List<String> diff = stock.diff(mac.snapshot());
        if (!diff.isEmpty()) {
            problems.add(label + ": final state differs from stock: " + diff);
        }
        return problems;
    }

    // ------------------------------------------------------------------ three cages

    @Test
    void threeCagesWithRootOwnedHooksUndoneInEveryOrder() {
        List<String> problems = new ArrayList<>();
        for (List<Integer> order : permutations(3)) {
            problems.addAll(undoInOrder(List.of(a(), b(), c()), order));
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void threeCagesWithoutHooksUndoneInEveryOrder() {
        List<CagePlan> plans = List.of(cage("meeseeks", 600, "collabo", "002", null), cage("claude", 700, "collabo", "002", null),
                cage("codex", 800, "collabo", "002", null));
        List<String> problems = new ArrayList<>();
        for (List<Integer> order : permutations(3)) {
            problems.addAll(undoInOrder(plans, order));
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void threeCagesWithThreeUmasksUndoneInEveryOrder() {
        List<CagePlan> plans = List.of(cage("meeseeks", 600, "collabo", "002", null), cage("claude", 700, "collabo", "007", null),
                cage("codex", 800, "collabo", "027", null));
        List<String> problems = new ArrayList<>();
        for (List<Integer> order : permutations(3)) {
            problems.addAll(undoInOrder(plans, order));
        }
        // the block is the last applier's: verify of a cage with another umask than the block's last remaining writer is drift by nature
        List<String> finalOnly = problems.stream().filter(p -> !p.contains(", verify ")).toList();
        assertEquals(List.of(), finalOnly, String.join("\n", finalOnly));
    }

    // ------------------------------------------------------------------ different groups, no group

    @Test
    void cagesOfDifferentGroupsShareTheUmaskBlockInEitherOrder() {
        List<CagePlan> plans = List.of(cage("meeseeks", 600, "collabo", "002", ClaudeCodeHook.Location.ROOT_OWNED),
                cage("claude", 700, "pairing", "002", ClaudeCodeHook.Location.ROOT_OWNED));
        List<String> problems = new ArrayList<>();
        for (List<Integer> order : permutations(2)) {
            problems.addAll(undoInOrder(plans, order));
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void aCageWithoutAGroupSharesTheUmaskBlockInEitherOrder() {
        List<CagePlan> plans = List.of(cage("meeseeks", 600, "collabo", "002", ClaudeCodeHook.Location.ROOT_OWNED),
                cage("claude", 700, null, "002", null));
        List<String> problems = new ArrayList<>();
        for (List<Integer> order : permutations(2)) {
            problems.addAll(undoInOrder(plans, order));
            problems.addAll(undoInOrder(List.of(plans.get(1), plans.get(0)), order));
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void theUmaskBlockGoesToTheCageThatFoundItNotToOneOfTheSameGroupWithoutUmask() {
        // meeseeks made the block; aider (collabo) has no umask; claude (pairing) found the block
        CagePlan aider = cage("aider", 800, "collabo", null, null);
        CagePlan claude = cage("claude", 700, "pairing", "002", null);
        List<String> problems = new ArrayList<>();
        for (List<Integer> order : permutations(3)) {
            problems.addAll(undoInOrder(List.of(a(), aider, claude), order));
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void aCageThatFindsTheBlockNotesItOnceAndThatIsItsOnlyUmaskWrite() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = Cages.backend(mac);
        apply(backend, a());
        String zshrc = mac.readFile(Cages.ZSHRC);
        CagePlan other = cage("claude", 700, "pairing", "002", null);

        ApplyReport first = backend.apply(other);

        assertTrue(first.succeeded(), first::toString);
        assertEquals(zshrc, mac.readFile(Cages.ZSHRC));
        assertTrue(first.toString().contains("umask block in " + Cages.ZSHRC + ": already there, not in this cage's record -> noted in this cage's record as used by it"),
                first::toString);
        assertTrue(mac.readFile(STATE_ROOT + "/claude/journal.jsonl").contains("{\"kind\":\"umask.found\",\"fields\":{\"path\":\"" + Cages.ZSHRC + "\"}"));
        assertClean(backend, other, "after its apply");
        assertEquals(0, backend.apply(other).writes());
    }

    // ------------------------------------------------------------------ interleavings

    @Test
    void undoAReapplyAUndoBUndoA() {
        Both both = Both.applied();
        FakeMac mac = both.mac();
        MacSnapshot stock = both.stock();
        MacOsBackend backend = both.backend();
        undo(backend, a());
        assertClean(backend, b(), "after undo A");
        apply(backend, a());
        assertClean(backend, a(), "after re-apply A");
        assertClean(backend, b(), "after re-apply A");
        UndoReport undoB = backend.undo(b());
        assertTrue(undoB.succeeded(), undoB::toString);
        assertClean(backend, a(), "after undo B");
        undo(backend, a());
        assertEquals(List.of(), stock.diff(mac.snapshot()), "undo B said:\n" + undoB);
    }

    @Test
    void undoBReapplyBUndoAUndoB() {
        Both both = Both.applied();
        FakeMac mac = both.mac();
        MacSnapshot stock = both.stock();
        MacOsBackend backend = both.backend();
        undo(backend, b());
        assertClean(backend, a(), "after undo B");
        apply(backend, b());
        undo(backend, a());
        assertClean(backend, b(), "after undo A");
        undo(backend, b());
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void undoAReapplyAUndoAAgainUndoB() {
        Both both = Both.applied();
        FakeMac mac = both.mac();
        MacSnapshot stock = both.stock();
        MacOsBackend backend = both.backend();
        undo(backend, a());
        apply(backend, a());
        undo(backend, a());
        assertClean(backend, b(), "after second undo A");
        undo(backend, b());
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void applyBTwiceThenUndoInEitherOrder() {
        for (boolean aFirst : new boolean[] {true, false}) {
            FakeMac mac = FakeMac.stock();
            MacSnapshot stock = mac.snapshot();
            MacOsBackend backend = Cages.backend(mac);
            apply(backend, a());
            apply(backend, b());
            ApplyReport again = backend.apply(b());
            assertTrue(again.succeeded(), again::toString);
            assertEquals(0, again.writes(), again::toString);
            undo(backend, aFirst ? a() : b());
            assertClean(backend, aFirst ? b() : a(), "after the first undo");
            assertEquals(0, backend.apply(aFirst ? b() : a()).writes(), "the remaining cage needs no repair");
            undo(backend, aFirst ? b() : a());
            assertSameState(stock, mac.snapshot());
        }
    }

    @Test
    void undoingTheSameCageTwiceDoesNotHandOverTwice() {
        Both both = Both.applied();
        FakeMac mac = both.mac();
        MacSnapshot stock = both.stock();
        MacOsBackend backend = both.backend();
        undo(backend, a());
        String record = mac.readFile(STATE_ROOT + "/claude/journal.jsonl");
        UndoReport second = backend.undo(a());
        assertTrue(second.succeeded(), second::toString);
        assertEquals(record, mac.readFile(STATE_ROOT + "/claude/journal.jsonl"));
        undo(backend, b());
        assertSameState(stock, mac.snapshot());
    }

    // ------------------------------------------------------------------ the human edits ~/.zshrc

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theHumanEditsTheStartupFileBetweenStepsAndTheSecondCageUsesAnotherUmask(boolean aFirst) {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = Cages.backend(mac);
        String original = mac.readFile(Cages.ZSHRC);
        CagePlan stricter = cage("claude", 700, "collabo", "007", ClaudeCodeHook.Location.ROOT_OWNED);
        apply(backend, a());
        String withBlock = mac.readFile(Cages.ZSHRC);
        mac.writeFileAs("alice", Cages.ZSHRC, "# before\n" + withBlock + "export EDITOR=vi\n");
        apply(backend, stricter);
        String now = mac.readFile(Cages.ZSHRC);
        mac.writeFileAs("alice", Cages.ZSHRC, now + "alias g=git\n");
        MacSnapshot expected;

        undo(backend, aFirst ? a() : stricter);
        assertClean(backend, aFirst ? stricter : a(), "after the first undo");
        if (aFirst) {
            assertTrue(mac.readFile(Cages.ZSHRC).contains("umask 007"), mac.readFile(Cages.ZSHRC));
        }
        undo(backend, aFirst ? stricter : a());

        assertEquals("# before\n" + original + "export EDITOR=vi\nalias g=git\n", mac.readFile(Cages.ZSHRC));
        assertFalse(mac.exists(STATE_ROOT));
        assertFalse(mac.exists(APP_SUPPORT));
        assertFalse(mac.record("/Groups/collabo").containsKey("PrimaryGroupID"));
    }

    @Test
    void theCageThatRewroteTheBlockUndoneFirstPutsBackTheOthersBlock() {
        FakeMac mac = FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = Cages.backend(mac);
        CagePlan stricter = cage("claude", 700, "collabo", "007", ClaudeCodeHook.Location.ROOT_OWNED);
        apply(backend, a());
        apply(backend, stricter);

        UndoReport first = backend.undo(stricter);

        assertTrue(first.succeeded(), first::toString);
        assertTrue(mac.readFile(Cages.ZSHRC).contains("umask 002"), "claude's 007 is gone with claude:\n" + mac.readFile(Cages.ZSHRC) + "\n" + first);
        assertClean(backend, a(), "after undo of the 007 cage");
        undo(backend, a());
        assertSameState(stock, mac.snapshot());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStartupFileTheFirstCageCreatedGoesWithTheLast(boolean aFirst) {
        FakeMac mac = FakeMac.stock();
        Cages.byHand(mac, "/bin/rm", "-f", Cages.ZSHRC);
        mac.clearRecorded();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = Cages.backend(mac);
        apply(backend, a());
        apply(backend, b());
        undo(backend, aFirst ? a() : b());
        assertClean(backend, aFirst ? b() : a(), "after the first undo");
        undo(backend, aFirst ? b() : a());
        assertSameState(stock, mac.snapshot());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theHumanRemovesTheBlockBetweenUndos(boolean aFirst) {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = Cages.backend(mac);
        String original = mac.readFile(Cages.ZSHRC);
        apply(backend, a());
        apply(backend, b());
        undo(backend, aFirst ? a() : b());
        mac.writeFileAs("alice", Cages.ZSHRC, original + "# mine\n");
        undo(backend, aFirst ? b() : a());
        assertEquals(original + "# mine\n", mac.readFile(Cages.ZSHRC));
        assertFalse(mac.exists(STATE_ROOT));
    }

    // ------------------------------------------------------------------ hook locations

    @ParameterizedTest
    @ValueSource(strings = {"rootThenUser-undoRootFirst", "rootThenUser-undoUserFirst", "userThenRoot-undoRootFirst", "userThenRoot-undoUserFirst"})
    void oneCageRootOwnedHookTheOtherUserSettings(String scenario) {
        CagePlan root = cage("meeseeks", 600, "collabo", "002", ClaudeCodeHook.Location.ROOT_OWNED);
        CagePlan user = cage("claude", 700, "collabo", "002", ClaudeCodeHook.Location.USER);
        List<CagePlan> applied = scenario.startsWith("rootThenUser") ? List.of(root, user) : List.of(user, root);
        List<Integer> order = scenario.endsWith("undoRootFirst") ? List.of(applied.indexOf(root), applied.indexOf(user))
                : List.of(applied.indexOf(user), applied.indexOf(root));
        List<String> problems = undoInOrder(applied, order);
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void rootOwnedHookAndSeatbeltInTheSameDirectory() {
        CagePlan withSeatbelt = cageBuilder("claude", 700, "collabo", "002", ClaudeCodeHook.Location.ROOT_OWNED).seatbelt().build();
        List<CagePlan> plans = List.of(a(), withSeatbelt);
        List<String> problems = new ArrayList<>();
        for (List<Integer> order : permutations(2)) {
            problems.addAll(undoInOrder(plans, order));
        }
        for (List<Integer> order : permutations(2)) {
            problems.addAll(undoInOrder(List.of(withSeatbelt, a()), order));
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    // ------------------------------------------------------------------ faults on the hand-over

    @Test
    void aFailedBackupCopyStopsTheUndoAndASecondUndoFinishesIt() {
        Both both = Both.applied();
        FakeMac mac = both.mac();
        MacSnapshot stock = both.stock();
        MacOsBackend backend = both.backend();
        mac.faults().failWhen(cmd -> cmd.argv().stream().anyMatch(arg -> arg.startsWith(STATE_ROOT + "/claude/backups/")) && cmd.argv().contains("/usr/bin/tee"),
                Fault.exit(1, "tee: write error"));

        UndoReport failed = backend.undo(a());

        assertFalse(failed.succeeded(), failed::toString);
        assertTrue(mac.isMember("alice", "collabo"));
        assertTrue(mac.readFile(Cages.ZSHRC).contains("umask 002"));
        assertTrue(mac.exists(Cages.JOURNAL), "the record stays for the second undo");
        mac.faults().clear();
        UndoReport again = backend.undo(a());
        assertTrue(again.succeeded(), again::toString);
        assertClean(backend, b(), "after the second undo of A");
        String record = mac.readFile(STATE_ROOT + "/claude/journal.jsonl");
        assertEquals(1, record.lines().filter(l -> l.contains("umask.edited")).count(), record);
        undo(backend, b());
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void aFailedBackupCopyThenTheOtherCageUndoneFirst() {
        Both both = Both.applied();
        FakeMac mac = both.mac();
        MacSnapshot stock = both.stock();
        MacOsBackend backend = both.backend();
        mac.faults().failWhen(cmd -> cmd.argv().stream().anyMatch(arg -> arg.startsWith(STATE_ROOT + "/claude/backups/")) && cmd.argv().contains("/usr/bin/tee"),
                Fault.exit(1, "tee: write error"));
        assertFalse(backend.undo(a()).succeeded());
        mac.faults().clear();

        // A is half undone (its own entries before the failed hand-over are gone): only the end state is checked
        undo(backend, b());
        undo(backend, a());
        assertSameState(stock, mac.snapshot());
    }

    /**
     * The append of each kind of hand-over to claude's record fails once, with sudo and under the
     * administrator prompt: meeseeks' undo stops keeping its record, and a second undo ends it.
     */
    @ParameterizedTest
    @CsvSource({"state.created,false", "shared.directories,false", "group.created,false", "umask.edited,false",
            "state.created,true", "shared.directories,true", "group.created,true", "umask.edited,true"})
    void aFailedHandOverStopsTheUndoKeepingTheRecordAndASecondUndoEndsTheJob(String kind, boolean adminPrompt) {
        FakeMac mac = adminPrompt ? FakeMac.builder().caller("alice").build() : FakeMac.stock();
        MacSnapshot stock = mac.snapshot();
        MacOsBackend backend = adminPrompt ? SeedPlans.backend(mac, Privilege.adminPrompt()) : Cages.backend(mac);
        apply(backend, a());
        apply(backend, b());
        mac.faults().failWhen(cmd -> cmd.argv().contains(STATE_ROOT + "/claude/journal.jsonl") && cmd.argv().contains("-a")
                        && new String(cmd.stdin().bytes(), StandardCharsets.UTF_8).contains(kind),
                Fault.exit(1, "tee: write error"));

        UndoReport failed = backend.undo(a());

        assertFalse(failed.succeeded(), failed::toString);
        assertTrue(mac.exists(Cages.JOURNAL), "a failed undo keeps its record, so that a second undo finishes the job:\n" + failed);
        mac.faults().clear();
        UndoReport again = backend.undo(a());
        assertTrue(again.succeeded(), again::toString);
        assertClean(backend, b(), "after the second undo of A");
        undo(backend, b());
        assertSameState(stock, mac.snapshot());
    }

    @Test
    void eachHandOverWriteFailingOnceStillEndsAtStock() {
        // fail the undo's n-th write, for every n until an undo has no n-th write and succeeds
        List<String> problems = new ArrayList<>();
        for (int n = 1; n <= 40; n++) {
            FakeMac mac = FakeMac.stock();
            MacSnapshot stock = mac.snapshot();
            MacOsBackend backend = Cages.backend(mac);
            apply(backend, a());
            apply(backend, b());
            mac.faults().failWrite(n, Fault.exit(1, "injected"));
            UndoReport first = backend.undo(a());
            mac.faults().clear();
            if (first.succeeded()) {
                break;
            }
            UndoReport again = backend.undo(a());
            if (!again.succeeded()) {
                problems.add("write " + n + ": second undo of A failed: " + again);
                continue;
            }
            VerifyReport v = backend.verify(b());
            if (!v.isClean()) {
                problems.add("write " + n + ": verify B after undo A: " + v);
            }
            UndoReport last = backend.undo(b());
            if (!last.succeeded()) {
                problems.add("write " + n + ": undo B failed: " + last);
            }
            List<String> diff = stock.diff(mac.snapshot());
            if (!diff.isEmpty()) {
                problems.add("write " + n + " failing: final state differs: " + diff);
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void underTheAdministratorPromptThreeCagesInEveryOrder() {
        List<String> problems = new ArrayList<>();
        List<CagePlan> plans = List.of(a(), b(), c());
        for (List<Integer> order : permutations(3)) {
            FakeMac mac = FakeMac.builder().caller("alice").build();
            MacSnapshot stock = mac.snapshot();
            MacOsBackend backend = SeedPlans.backend(mac, Privilege.adminPrompt());
            plans.forEach(p -> apply(backend, p));
            for (int i : order) {
                UndoReport u = backend.undo(plans.get(i));
                if (!u.succeeded()) {
                    problems.add(order + ": undo " + plans.get(i).agent() + " failed: " + u);
                }
            }
            List<String> diff = stock.diff(mac.snapshot());
            if (!diff.isEmpty()) {
                problems.add(order + ": final state differs: " + diff);
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    // ------------------------------------------------------------------ tampered other records

    @ParameterizedTest
    @ValueSource(strings = {"group-writable-journal", "alice-owned-dir", "garbage", "other-agent-header", "odd-entries", "symlinked-dir", "journal-is-dir"})
    void aTamperedOtherRecordInheritsNothingAndDoesNotCrashUndo(String tamper) {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = Cages.backend(mac);
        apply(backend, a());
        String dir = STATE_ROOT + "/mallory";
        String claim = "{\"format\":\"cagent-journal-1\",\"agent\":\"mallory\"}\n"
                + "{\"kind\":\"group.member\",\"fields\":{\"group\":\"collabo\",\"user\":\"mallory\"},\"items\":[]}\n"
                + "{\"kind\":\"hook.edited\",\"fields\":{\"path\":\"" + APP_SUPPORT + "/mallory/x\"},\"items\":[]}\n";
        switch (tamper) {
            case "group-writable-journal" -> {
                mac.mkdir(dir, "root", "wheel", 0755);
                mac.writeFile(dir + "/journal.jsonl", "root", "wheel", 0664, claim);
            }
            case "alice-owned-dir" -> {
                mac.mkdir(dir, "alice", "staff", 0755);
                mac.writeFile(dir + "/journal.jsonl", "root", "wheel", 0644, claim);
            }
            case "garbage" -> {
                mac.mkdir(dir, "root", "wheel", 0755);
                mac.writeFile(dir + "/journal.jsonl", "root", "wheel", 0644, "\u0000\u0001 not json {{{\n]]]\n");
            }
            case "other-agent-header" -> {
                mac.mkdir(dir, "root", "wheel", 0755);
                mac.writeFile(dir + "/journal.jsonl", "root", "wheel", 0644, claim.replace("\"agent\":\"mallory\"", "\"agent\":\"claude\""));
            }
            case "odd-entries" -> {
                mac.mkdir(dir, "root", "wheel", 0755);
                mac.writeFile(dir + "/journal.jsonl", "root", "wheel", 0644, "{\"format\":\"cagent-journal-1\",\"agent\":\"mallory\"}\n"
                        + "{\"kind\":\"group.created\"}\n"
                        + "{\"kind\":\"hook.edited\",\"fields\":{\"path\":null},\"items\":[\"relative\",\"\"]}\n"
                        + "{\"kind\":\"no.such.kind\",\"fields\":{\"group\":\"collabo\"}}\n");
            }
            case "symlinked-dir" -> {
                mac.mkdir("/private/tmp/evil", "root", "wheel", 0755);
                mac.writeFile("/private/tmp/evil/journal.jsonl", "root", "wheel", 0644, claim);
                mac.symlink(dir, "/private/tmp/evil");
            }
            case "journal-is-dir" -> {
                mac.mkdir(dir, "root", "wheel", 0755);
                mac.mkdir(dir + "/journal.jsonl", "root", "wheel", 0755);
            }
            default -> throw new IllegalArgumentException(tamper);
        }

        UndoReport undo = backend.undo(a());

        assertTrue(undo.succeeded(), undo::toString);
        assertTrue(undo.undone().stream().noneMatch(line -> line.contains("mallory")), undo::toString);
        assertFalse(mac.record("/Groups/collabo").containsKey("PrimaryGroupID"), "the group goes: no trusted cage uses it");
        assertFalse(mac.readFile(Cages.ZSHRC).contains("umask"));
        assertFalse(mac.exists(Cages.JOURNAL));
        assertTrue(undo.kept().contains("record directory " + STATE_ROOT
                + ": it holds entries no trusted cage record accounts for; cagent leaves them and the directory to you"), undo::toString);
    }

    @Test
    void aRealOtherCageWhoseRecordWasMadeGroupWritableInheritsNothingButUndoDoesNotCrash() {
        FakeMac mac = FakeMac.stock();
        MacOsBackend backend = Cages.backend(mac);
        apply(backend, a());
        apply(backend, b());
        Cages.byHand(mac, "/bin/chmod", "0664", STATE_ROOT + "/claude/journal.jsonl");

        UndoReport undo = backend.undo(a());

        assertTrue(undo.succeeded(), undo::toString);
        assertTrue(undo.undone().stream().noneMatch(line -> line.contains("left to cage claude")), undo::toString);
        assertEquals(0664, mac.fileInfo(STATE_ROOT + "/claude/journal.jsonl").orElseThrow().mode() & 07777);
    }
}
