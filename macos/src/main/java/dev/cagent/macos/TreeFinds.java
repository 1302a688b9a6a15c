package dev.cagent.macos;

import dev.cagent.exec.Command;
import dev.cagent.macos.parse.LsEntry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Root's changes below the workspace, as finds that act on exactly the entries decided.
 *
 * <p>Why finds: the agent may rename any directory of the workspace, so a path through one can
 * lead anywhere by the time a utility resolves it, and a chmod by path, even with its owner's
 * rights, then lands on that owner's files elsewhere. A find never follows a link, walks only
 * what it has opened, and with {@code -execdir} the utility runs inside each entry's own
 * directory on its bare name; the utilities here take {@code -h}, so an entry swapped for a link
 * at the last moment has the link itself changed. Some entries are never picked ({@link #CHANGEABLE}).
 *
 * <p>How a find picks exactly the entries decided: by a test (type, mode bits) when, among the
 * entries read, it picks those and nothing else; otherwise by the test plus the exact paths of
 * the entries decided, or of the others the test would pick, whichever list is shorter. A find
 * matches every entry against every {@code -path} pattern, so a list of 100,000 paths over a
 * tree of 100,000 entries would take hours, where the test alone takes a walk.
 */
final class TreeFinds {

    /** Keeps argv well below macOS's ARG_MAX (1 MiB, environment included). */
    static final int MAX_ARGV_BYTES = 200_000;

    /**
     * What a find may change: nothing whose path holds a line break (never listed, see
     * {@link MacCommands#NO_LINE_BREAK}); never a link; a directory, or a file with one name and neither
     * setuid nor setgid. Another name (a hard link) may lie outside the tree, and the agent can
     * make one to any file it reaches. A setuid or setgid program made editable by the group would
     * run the agent's code with its owner's rights once undo gave it back its owner and mode.
     */
    static final List<String> CHANGEABLE = concat(concat(List.of("!", "-type", "l"), MacCommands.NO_LINE_BREAK),
            List.of("(", "-type", "d", "-o", "-links", "1", "!", "-perm", "-4000", "!", "-perm", "-2000", ")"));

    /** The words every find here starts with: what it may change, below the starting point ({@link Action}). */
    static final List<String> BELOW_AND_CHANGEABLE = concat(List.of("-mindepth", "1"), CHANGEABLE);

    private TreeFinds() {
    }

    /**
     * A find test and what it means for an entry as read, kept side by side so that the entries
     * a find would pick can be counted before it runs.
     */
    record Test(List<String> words, Predicate<LsEntry> holds) {

        static final Test ANY = new Test(List.of(), e -> true);
        static final Test DIRECTORIES = new Test(List.of("-type", "d"), LsEntry::isDirectory);
        static final Test FILES = new Test(List.of("-type", "f"), LsEntry::isRegularFile);
        /** Files without read and write for the group in their mode bits. */
        static final Test FILES_WITHOUT_GROUP_EDIT = new Test(List.of("-type", "f", "!", "-perm", "-0060"),
                e -> e.isRegularFile() && (e.mode() & 060) != 060);
        /** Directories without read, write and search for the group in their mode bits. */
        static final Test DIRECTORIES_WITHOUT_GROUP_USE = new Test(List.of("-type", "d", "!", "-perm", "-0070"),
                e -> e.isDirectory() && (e.mode() & 070) != 070);
        /** Entries with some execute bit. */
        static final Test EXECUTABLE = new Test(List.of("(", "-perm", "-0100", "-o", "-perm", "-0010", "-o", "-perm", "-0001", ")"),
                e -> (e.mode() & 0111) != 0);

        Test and(Test other) {
            List<String> both = new ArrayList<>(words);
            both.addAll(other.words);
            return new Test(List.copyOf(both), holds.and(other.holds));
        }

        Test negate() {
            List<String> not = new ArrayList<>(List.of("!", "("));
            not.addAll(words);
            not.add(")");
            return new Test(List.copyOf(not), holds.negate());
        }

        /** The narrowest test of type the entries all pass: directories, files, or any. */
        static Test typeOf(Collection<LsEntry> entries) {
            if (!entries.isEmpty() && entries.stream().allMatch(LsEntry::isDirectory)) {
                return DIRECTORIES;
            }
            if (!entries.isEmpty() && entries.stream().allMatch(LsEntry::isRegularFile)) {
                return FILES;
            }
            return ANY;
        }
    }

    /**
     * One utility run by a find on the entries its words pick (besides {@link #CHANGEABLE}), or,
     * with {@code picks} null, on the starting point itself, by its path: BSD find gives
     * {@code -execdir} the bare name of a starting point and runs it in the directory find was
     * started in, so the finds never pick it ({@code -mindepth 1}). Its own name is the one step
     * of its path the agent may replace (its home holds the default workspace), and the utilities
     * take {@code -h}. Actions whose order does not matter share one walk ({@link #walks}).
     */
    record Action(List<String> picks, List<String> runs, List<String> utility) {

        Action {
            picks = picks == null ? null : List.copyOf(picks);
            runs = List.copyOf(runs);
            utility = List.copyOf(utility);
        }

        static Action below(List<String> picks, MacCommands.FindAction how, String... utility) {
            return new Action(picks, how.run(utility), List.of(utility));
        }

        static Action onStartingPoint(String... utility) {
            return new Action(null, List.of(), List.of(utility));
        }

        /** This action as one clause of a shared walk: true for every entry, running the utility on those it picks. */
        private List<String> clause() {
            if (picks.isEmpty()) {
                return runs;
            }
            List<String> words = new ArrayList<>(List.of("(", "!", "("));
            words.addAll(picks);
            words.addAll(List.of(")", "-o"));
            words.addAll(runs);
            words.add(")");
            return words;
        }

        private int bytes() {
            return clause().stream().mapToInt(w -> w.getBytes(StandardCharsets.UTF_8).length + 1).sum();
        }
    }

    /**
     * The actions that run {@code utility} on exactly the entries {@code chosen} of the tree, all
     * of which pass {@code test}. {@code read} must hold every entry of the tree that passes
     * {@code test}, as read: the entries it would pick beyond the chosen ones are counted there.
     */
    static List<Action> acting(String root, Test test, Collection<LsEntry> chosen, Collection<LsEntry> read, MacCommands.FindAction how,
                               String... utility) {
        List<Action> actions = new ArrayList<>();
        if (chosen.stream().anyMatch(e -> e.path().equals(root))) {
            actions.add(Action.onStartingPoint(utility));
        }
        actions.addAll(below(test, chosen.stream().filter(e -> !e.path().equals(root)).toList(),
                read.stream().filter(e -> !e.path().equals(root)).toList(), how, utility));
        return actions;
    }

    private static List<Action> below(Test test, Collection<LsEntry> chosen, Collection<LsEntry> read, MacCommands.FindAction how, String... utility) {
        if (chosen.isEmpty()) {
            return List.of();
        }
        Test picked = new Test(CHANGEABLE, TreeFinds::changeable).and(test);
        Set<String> chosenPaths = chosen.stream().map(LsEntry::path).collect(Collectors.toSet());
        List<String> stray = chosen.stream().filter(picked.holds().negate()).map(LsEntry::path).toList();
        if (!stray.isEmpty()) {
            throw new IllegalStateException("the find test " + picked.words() + " does not pick " + stray);
        }
        List<String> others = read.stream().filter(picked.holds()).map(LsEntry::path).filter(p -> !chosenPaths.contains(p)).distinct().toList();
        if (others.isEmpty()) {
            return List.of(Action.below(test.words(), how, utility));
        }
        if (others.size() < chosenPaths.size() && batches(others).size() == 1) {
            List<String> words = new ArrayList<>(test.words());
            words.add("!");
            words.addAll(anyOf(others));
            return List.of(Action.below(words, how, utility));
        }
        return byPaths(test.words(), chosen.stream().map(LsEntry::path).distinct().toList(), how, utility);
    }

    /** The actions that run {@code utility} on exactly the entries at {@code paths}, picked by their paths alone. */
    static List<Action> actingOnPaths(String root, Collection<String> paths, MacCommands.FindAction how, String... utility) {
        List<Action> actions = new ArrayList<>();
        if (paths.contains(root)) {
            actions.add(Action.onStartingPoint(utility));
        }
        actions.addAll(byPaths(List.of(), paths.stream().filter(p -> !p.equals(root)).distinct().toList(), how, utility));
        return actions;
    }

    private static List<Action> byPaths(List<String> test, List<String> paths, MacCommands.FindAction how, String... utility) {
        List<Action> actions = new ArrayList<>();
        for (List<String> batch : batches(paths)) {
            List<String> words = new ArrayList<>(test);
            words.addAll(anyOf(batch));
            actions.add(Action.below(words, how, utility));
        }
        return actions;
    }

    /**
     * The finds that run {@code actions} over the tree at {@code root}, as many in one walk as argv
     * holds: each walk costs a read of every directory, and their order does not matter. A find
     * of one action reads {@code CHANGEABLE PICKS ACTION}; of several,
     * {@code CHANGEABLE ( ! ( PICKS ) -o ACTION ) ...}, each clause true for every entry. What
     * acts on the starting point itself runs first, by its path.
     */
    static List<Command> walks(String root, List<Action> actions) {
        List<Command> finds = new ArrayList<>();
        actions.stream().filter(a -> a.picks() == null).forEach(a -> {
            List<String> argv = new ArrayList<>(a.utility());
            argv.add(root);
            finds.add(Command.write(argv));
        });
        List<Action> walk = new ArrayList<>();
        int bytes = 0;
        for (Action action : actions.stream().filter(a -> a.picks() != null).toList()) {
            if (!walk.isEmpty() && bytes + action.bytes() > MAX_ARGV_BYTES) {
                finds.add(find(root, walk));
                walk = new ArrayList<>();
                bytes = 0;
            }
            walk.add(action);
            bytes += action.bytes();
        }
        if (!walk.isEmpty()) {
            finds.add(find(root, walk));
        }
        return finds;
    }

    private static Command find(String root, List<Action> walk) {
        List<String> expression = new ArrayList<>(BELOW_AND_CHANGEABLE);
        if (walk.size() == 1) {
            expression.addAll(walk.get(0).picks());
            expression.addAll(walk.get(0).runs());
        } else {
            walk.forEach(action -> expression.addAll(action.clause()));
        }
        return MacCommands.findInTree(root, expression);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> both = new ArrayList<>(a);
        both.addAll(b);
        return List.copyOf(both);
    }

    /** {@code ( -path P1 -o -path P2 ... )}, each pattern matching exactly its path. */
    private static List<String> anyOf(List<String> paths) {
        List<String> words = new ArrayList<>(List.of("("));
        for (int i = 0; i < paths.size(); i++) {
            if (i > 0) {
                words.add("-o");
            }
            words.addAll(List.of("-path", MacCommands.exactPathPattern(paths.get(i))));
        }
        words.add(")");
        return words;
    }

    /** True for an entry a find may change ({@link #CHANGEABLE}), as read. */
    static boolean changeable(LsEntry e) {
        return !e.path().contains("\n") && !e.isSymlink() && (e.isDirectory() || e.links() == 1 && (e.mode() & 06000) == 0);
    }

    /** Splits paths into argv-sized groups. */
    static List<List<String>> batches(List<String> paths) {
        List<List<String>> batches = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int bytes = 0;
        for (String p : paths) {
            // the pattern escapes, "-path" and "-o" around it
            int size = MacCommands.exactPathPattern(p).getBytes(StandardCharsets.UTF_8).length + 10;
            if (!current.isEmpty() && bytes + size > MAX_ARGV_BYTES) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(p);
            bytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }
}
