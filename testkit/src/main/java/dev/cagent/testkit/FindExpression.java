package dev.cagent.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The expression of a {@code find} command: a tree of tests and actions parsed with BSD find's
 * precedence ({@code !} binds tightest, then implicit and, then {@code -o}). Actions are true and
 * collect their matches; {@link #runActions} runs them once the walk is done, as {@code {} +}
 * batches do.
 */
final class FindExpression {

    /** Runs one utility invocation; {@code directory} is the working directory for -execdir, else null. */
    interface Runner {
        void run(List<String> command, String directory);
    }

    /** One entry of the walk. */
    record Candidate(String path, Node node) {
    }

    /** {@code -print} (utility null), {@code -exec} or {@code -execdir}, with the paths it matched. */
    private record Action(boolean inDirectory, List<String> utility, List<String> matched) {
    }

    private final Predicate<Candidate> test;
    private final List<Action> actions;
    /** {@code -mindepth N}: entries above level N (the starting point is level 0) are walked but not evaluated. */
    private final int minDepth;

    private FindExpression(Predicate<Candidate> test, List<Action> actions, int minDepth) {
        this.test = test;
        this.actions = actions;
        this.minDepth = minDepth;
    }

    /** Evaluates the expression for one entry at {@code depth} below the starting point; the actions it reaches remember the path. */
    void evaluate(String path, Node node, int depth) {
        if (depth >= minDepth) {
            test.test(new Candidate(path, node));
        }
    }

    static FindExpression parse(List<String> words, DirectoryServices directory) {
        Parser parser = new Parser(words, directory);
        Predicate<Candidate> test = words.isEmpty() ? c -> true : parser.or();
        if (parser.position < words.size()) {
            throw new Unsupported("find: unexpected " + words.get(parser.position));
        }
        if (parser.actions.isEmpty()) {
            Action print = new Action(false, null, new ArrayList<>());
            parser.actions.add(print);
            Predicate<Candidate> matched = test;
            test = c -> {
                if (matched.test(c)) {
                    print.matched().add(c.path());
                }
                return true;
            };
        }
        return new FindExpression(test, parser.actions, parser.minDepth);
    }

    /**
     * Runs the collected actions: {@code -print} prints, {@code -exec} runs once with every
     * matched path, {@code -execdir} once per match, inside its directory, with its bare name as
     * the operand. That is BSD find's way: it gives {@code -execdir ... {} +} one operand at a
     * time so as never to mix directories, and passes {@code strrchr(path, '/') + 1}. On a
     * starting point it would run that name in the directory find was started in, which a fake
     * cannot know: refused, loudly.
     */
    void runActions(String start, Runner runner, Outcome.Builder result) {
        for (Action action : actions) {
            if (action.utility() == null) {
                action.matched().forEach(p -> result.out(p + "\n"));
                continue;
            }
            if (action.matched().isEmpty()) {
                continue;
            }
            if (!action.inDirectory()) {
                runner.run(withOperands(action.utility(), action.matched()), null);
                continue;
            }
            for (String path : action.matched()) {
                if (path.equals(start)) {
                    throw new Unsupported("find: -execdir on the starting point " + start
                            + " (BSD find passes its bare name, run in the directory find was started in)");
                }
                int slash = path.lastIndexOf('/');
                runner.run(withOperands(action.utility(), List.of(path.substring(slash + 1))), slash <= 0 ? "/" : path.substring(0, slash));
            }
        }
    }

    private static List<String> withOperands(List<String> utility, List<String> operands) {
        List<String> argv = new ArrayList<>(utility);
        argv.addAll(operands);
        return argv;
    }

    /** Recursive descent over the words, collecting actions as it meets them. */
    private static final class Parser {
        private final List<String> words;
        private final DirectoryServices directory;
        private final List<Action> actions = new ArrayList<>();
        private int position;
        private int minDepth;

        Parser(List<String> words, DirectoryServices directory) {
            this.words = words;
            this.directory = directory;
        }

        Predicate<Candidate> or() {
            Predicate<Candidate> left = and();
            while (peek("-o")) {
                position++;
                Predicate<Candidate> right = and();
                Predicate<Candidate> l = left;
                left = c -> l.test(c) || right.test(c);
            }
            return left;
        }

        Predicate<Candidate> and() {
            Predicate<Candidate> left = not();
            while (position < words.size() && !peek("-o") && !peek(")")) {
                if (peek("-a")) {
                    position++;
                }
                Predicate<Candidate> right = not();
                Predicate<Candidate> l = left;
                left = c -> l.test(c) && right.test(c);
            }
            return left;
        }

        Predicate<Candidate> not() {
            if (peek("!")) {
                position++;
                Predicate<Candidate> inner = not();
                return c -> !inner.test(c);
            }
            return primary();
        }

        Predicate<Candidate> primary() {
            String word = next();
            switch (word) {
                case "(" -> {
                    Predicate<Candidate> inner = or();
                    if (!next().equals(")")) {
                        throw new Unsupported("find: ( without )");
                    }
                    return inner;
                }
                case "-type" -> {
                    String type = next();
                    return switch (type) {
                        case "d" -> c -> c.node().isDirectory();
                        case "f" -> c -> c.node().type == FileInfo.Type.FILE;
                        case "l" -> c -> c.node().isLink();
                        default -> throw new Unsupported("find: -type " + type);
                    };
                }
                case "-user" -> {
                    int uid = id(next(), directory::uid);
                    return c -> c.node().uid == uid;
                }
                case "-group" -> {
                    int gid = id(next(), directory::gid);
                    return c -> c.node().gid == gid;
                }
                case "-links" -> {
                    String count = next();
                    if (!count.matches("[+-]?\\d+")) {
                        throw new Unsupported("find: -links " + count);
                    }
                    int n = Integer.parseInt(count.replaceFirst("^[+-]", ""));
                    return switch (count.charAt(0)) {
                        case '+' -> c -> c.node().linkCount() > n;
                        case '-' -> c -> c.node().linkCount() < n;
                        default -> c -> c.node().linkCount() == n;
                    };
                }
                case "-perm" -> {
                    String mode = next();
                    boolean all = mode.startsWith("-");
                    String octal = all ? mode.substring(1) : mode;
                    if (!octal.matches("[0-7]{1,4}")) {
                        throw new Unsupported("find: -perm " + mode);
                    }
                    int bits = Integer.parseInt(octal, 8);
                    return all ? c -> (c.node().mode & bits) == bits : c -> (c.node().mode & 07777) == bits;
                }
                case "-mindepth" -> {
                    String depth = next();
                    if (!depth.matches("\\d+")) {
                        throw new Unsupported("find: -mindepth " + depth);
                    }
                    minDepth = Integer.parseInt(depth);
                    return c -> true;
                }
                case "-path" -> {
                    Pattern pattern = pathPattern(next());
                    return c -> pattern.matcher(c.path()).matches();
                }
                case "-print" -> {
                    Action print = new Action(false, null, new ArrayList<>());
                    actions.add(print);
                    return c -> {
                        print.matched().add(c.path());
                        return true;
                    };
                }
                case "-exec", "-execdir" -> {
                    List<String> utility = new ArrayList<>();
                    while (!peek("{}")) {
                        if (position >= words.size() || peek(";")) {
                            throw new Unsupported("find: " + word + " without {} +");
                        }
                        utility.add(next());
                    }
                    position++;
                    if (!next().equals("+")) {
                        throw new Unsupported("find: " + word + " ... {} must end with +");
                    }
                    if (utility.isEmpty() || !utility.get(0).startsWith("/")) {
                        throw new Unsupported("find: " + word + " needs an absolute utility path");
                    }
                    Action action = new Action(word.equals("-execdir"), List.copyOf(utility), new ArrayList<>());
                    actions.add(action);
                    return c -> {
                        action.matched().add(c.path());
                        return true;
                    };
                }
                default -> throw new Unsupported("find: primary " + word);
            }
        }

        /**
         * A {@code -path} pattern as BSD find matches it ({@code fnmatch} without flags): {@code *}
         * matches any text, slashes included, {@code ?} any one character, a backslash makes the
         * next character literal, a bracket expression of plain characters ({@code [ ]}) matches
         * one of them; ranges and negation are not simulated.
         */
        private static Pattern pathPattern(String glob) {
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    case '[' -> {
                        int end = glob.indexOf(']', i + 2);
                        String set = end < 0 ? "" : glob.substring(i + 1, end);
                        if (set.isEmpty() || set.startsWith("!") || set.startsWith("^") || set.contains("-") || set.contains("\\") || set.contains("[")) {
                            throw new Unsupported("find: -path with a bracket expression other than a set of plain characters");
                        }
                        regex.append('[').append(Pattern.quote(set)).append(']');
                        i = end;
                    }
                    case '\\' -> regex.append(Pattern.quote(String.valueOf(i + 1 < glob.length() ? glob.charAt(++i) : '\\')));
                    default -> regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(regex.toString(), Pattern.DOTALL);
        }

        private int id(String text, java.util.function.Function<String, OptionalInt> lookup) {
            if (text.matches("\\d+")) {
                return Integer.parseInt(text);
            }
            return lookup.apply(text).orElseThrow(() -> new Unsupported("find: unknown user or group " + text));
        }

        private boolean peek(String word) {
            return position < words.size() && words.get(position).equals(word);
        }

        private String next() {
            if (position >= words.size()) {
                throw new Unsupported("find: expression ends too early");
            }
            return words.get(position++);
        }
    }
}
