package dev.cagent.testkit;

import dev.cagent.exec.Command;
import dev.cagent.exec.Stdin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code /bin/sh} for the small grammar of cagent's preview script (command contract, section
 * 6), so that the admin-prompt path runs the very script a person reviews. A line is a comment,
 * blank, {@code set -e}/{@code set -eu}, {@code : WORD...}, {@code printf FORMAT ARGS... [>&2|>/dev/null]}, or one
 * command of words, optionally fed by {@code printf '%s' WORD |} and optionally followed by
 * {@code >/dev/null}. A word joins single-quoted text (which may span lines), backslash escapes,
 * bare {@code [A-Za-z0-9_@%+=:,./-]} and double-quoted text with {@code $NAME}, {@code ${NAME}}
 * and {@code ${NAME:?message}}. Anything else is refused before the first command runs: exit 2,
 * {@code sh: fake-mac: unsupported syntax at line N}.
 */
final class FakeShell {

    private static final String SAFE = "_@%+=:,./-";
    private static final Set<String> READ_PROGRAMS = Set.of(
            "/usr/bin/id", "/usr/bin/whoami", "/bin/ls", "/usr/bin/stat", "/usr/bin/find", "/bin/cat", "/usr/bin/mktemp");

    private sealed interface Segment permits Literal, Variable {
    }

    private record Literal(String text) implements Segment {
    }

    /** {@code $NAME} ({@code message} null) or {@code ${NAME:?message}}. */
    private record Variable(String name, String message) implements Segment {
    }

    private sealed interface Token permits Word, Pipe, Redirect {
    }

    private record Word(List<Segment> segments) implements Token {
        boolean isLiteral() {
            return segments.stream().allMatch(Literal.class::isInstance);
        }

        String literal() {
            StringBuilder sb = new StringBuilder();
            segments.forEach(s -> sb.append(((Literal) s).text()));
            return sb.toString();
        }
    }

    private record Pipe() implements Token {
    }

    /** {@code >&2} when {@code toStderr}, else {@code >/dev/null}. */
    private record Redirect(boolean toStderr) implements Token {
    }

    private sealed interface Step permits SetOptions, Check, Printf, Run {
        int line();
    }

    private record SetOptions(int line, String flags) implements Step {
    }

    /** {@code : WORD...}: expands its words (a {@code ${NAME:?message}} fails there), does nothing else. */
    private record Check(int line, List<Word> words) implements Step {
    }

    private record Printf(int line, List<Word> words, Redirect redirect) implements Step {
    }

    private record Run(int line, List<Word> input, List<Word> command, boolean discardOutput) implements Step {
    }

    private static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;

        SyntaxError(int line) {
            super(null, null, false, false);
            this.line = line;
        }
    }

    /** A {@code ${NAME:?message}} or {@code set -u} failure: the shell prints it and exits 1. */
    private static final class ExpansionError extends Exception {
        private static final long serialVersionUID = 1L;

        ExpansionError(String message) {
            super(message, null, false, false);
        }
    }

    private FakeShell() {
    }

    /** {@code /bin/sh FILE} (the file read as the process's user) or {@code /bin/sh -s} (the script on stdin). */
    static Outcome program(Machine machine, Proc process, List<String> argv) {
        if (argv.size() == 2 && argv.get(1).equals("-s")) {
            return run(machine, process, process.stdin(), "");
        }
        if (argv.size() != 2 || argv.get(1).startsWith("-")) {
            throw new Unsupported();
        }
        String path = argv.get(1);
        FileTree.Lookup file = machine.files.lookup(process, path, true);
        if (!file.found()) {
            return Outcome.fail(127, "sh: " + path + ": " + file.missing().text() + "\n");
        }
        if (file.node().isDirectory()) {
            return Outcome.fail(126, "sh: " + path + ": " + Errno.EISDIR.text() + "\n");
        }
        if (!machine.files.may(process, file.node(), dev.cagent.AclRight.READ_DATA)) {
            return Outcome.fail(126, "sh: " + path + ": " + Errno.EACCES.text() + "\n");
        }
        return run(machine, process, file.node().content, process.stdin());
    }

    /** Runs a script as {@code process}; commands without a {@code printf} pipe read {@code inheritedStdin}. */
    static Outcome run(Machine machine, Proc process, String script, String inheritedStdin) {
        List<Step> steps;
        try {
            steps = parse(script);
        } catch (SyntaxError e) {
            return Outcome.fail(2, "sh: fake-mac: unsupported syntax at line " + e.line + "\n");
        }
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        boolean exitOnError = false;
        boolean nounset = false;
        int status = 0;
        for (Step step : steps) {
            try {
                if (step instanceof SetOptions set) {
                    exitOnError |= set.flags().contains("e");
                    nounset |= set.flags().contains("u");
                    status = 0;
                } else if (step instanceof Check check) {
                    expand(check.words(), process.env(), nounset);
                    status = 0;
                } else if (step instanceof Printf printf) {
                    String text = format(expand(printf.words(), process.env(), nounset));
                    if (printf.redirect() == null) {
                        out.append(text);
                    } else if (printf.redirect().toStderr()) {
                        err.append(text);
                    }
                    status = 0;
                } else {
                    Run run = (Run) step;
                    String input = run.input() == null ? inheritedStdin : format(expand(run.input(), process.env(), nounset));
                    List<String> argv = expand(run.command(), process.env(), nounset);
                    Outcome outcome = runCommand(machine, process, run.line(), argv, input);
                    if (!run.discardOutput()) {
                        out.append(outcome.out());
                    }
                    err.append(outcome.err());
                    status = outcome.exit();
                }
            } catch (ExpansionError e) {
                return new Outcome(1, out.toString(), err + "sh: " + e.getMessage() + "\n");
            }
            if (status != 0 && exitOnError) {
                break;
            }
        }
        return new Outcome(status, out.toString(), err.toString());
    }

    private static Outcome runCommand(Machine machine, Proc process, int line, List<String> argv, String input) {
        Command command;
        try {
            command = new Command(argv, Stdin.text(input), process.env(), process.cwd(), Command.DEFAULT_TIMEOUT, effectOf(argv));
        } catch (IllegalArgumentException e) {
            return Outcome.fail(2, "sh: fake-mac: unsupported syntax at line " + line + "\n");
        }
        if (!machine.installed(argv.get(0))) {
            return Outcome.fail(127, "sh: " + argv.get(0) + ": No such file or directory\n");
        }
        return machine.runChecked(process.withStdin(input), command);
    }

    /** Whether a command of a script reads or writes: the read-only forms of the command contract read. */
    static Command.Effect effectOf(List<String> argv) {
        List<String> command = Privileges.withoutSudo(argv);
        String program = command.get(0);
        boolean read = READ_PROGRAMS.contains(program)
                || program.equals("/usr/bin/dscl") && command.stream().anyMatch(a -> a.matches("-?(read|list)"))
                || program.equals("/usr/sbin/dseditgroup") && command.contains("checkmember");
        return read ? Command.Effect.READ : Command.Effect.WRITE;
    }

    // --- expansion and printf --------------------------------------------------------------

    private static List<String> expand(List<Word> words, Map<String, String> env, boolean nounset) throws ExpansionError {
        List<String> result = new ArrayList<>();
        for (Word word : words) {
            StringBuilder sb = new StringBuilder();
            for (Segment segment : word.segments()) {
                if (segment instanceof Literal literal) {
                    sb.append(literal.text());
                } else {
                    Variable variable = (Variable) segment;
                    String value = env.get(variable.name());
                    if (variable.message() != null && (value == null || value.isEmpty())) {
                        throw new ExpansionError(variable.name() + ": " + variable.message());
                    }
                    if (value == null && nounset) {
                        throw new ExpansionError(variable.name() + ": unbound variable");
                    }
                    sb.append(value == null ? "" : value);
                }
            }
            result.add(sb.toString());
        }
        return result;
    }

    /** POSIX printf for {@code %s}, {@code %d}, {@code %%} and the escapes {@code \n \t \\}; the format repeats while arguments remain. */
    private static String format(List<String> words) {
        String format = words.get(1);
        List<String> args = words.subList(2, words.size());
        StringBuilder out = new StringBuilder();
        int next = 0;
        do {
            int before = next;
            for (int i = 0; i < format.length(); i++) {
                char c = format.charAt(i);
                if (c == '\\' && i + 1 < format.length()) {
                    char e = format.charAt(++i);
                    out.append(switch (e) {
                        case 'n' -> "\n";
                        case 't' -> "\t";
                        case '\\' -> "\\";
                        default -> "\\" + e;
                    });
                } else if (c == '%' && i + 1 < format.length()) {
                    char conversion = format.charAt(++i);
                    if (conversion == '%') {
                        out.append('%');
                    } else if (conversion == 's') {
                        out.append(next < args.size() ? args.get(next++) : "");
                    } else if (conversion == 'd') {
                        String arg = next < args.size() ? args.get(next++) : "0";
                        out.append(arg.matches("-?[0-9]+") ? arg : "0");
                    } else {
                        out.append('%').append(conversion);
                    }
                } else {
                    out.append(c);
                }
            }
            if (next == before) {
                break;
            }
        } while (next < args.size());
        return out.toString();
    }

    // --- parsing -----------------------------------------------------------------------------

    private static List<Step> parse(String script) throws SyntaxError {
        List<Step> steps = new ArrayList<>();
        Tokenizer tokenizer = new Tokenizer(script);
        while (true) {
            int line = tokenizer.line;
            List<Token> tokens = tokenizer.statement();
            if (tokens == null) {
                return steps;
            }
            if (!tokens.isEmpty()) {
                steps.add(step(line, tokens));
            }
        }
    }

    private static Step step(int line, List<Token> tokens) throws SyntaxError {
        List<List<Token>> parts = new ArrayList<>(List.of(new ArrayList<>()));
        for (Token token : tokens) {
            if (token instanceof Pipe) {
                parts.add(new ArrayList<>());
            } else {
                parts.get(parts.size() - 1).add(token);
            }
        }
        if (parts.size() > 2 || parts.stream().anyMatch(List::isEmpty)) {
            throw new SyntaxError(line);
        }
        List<Token> last = parts.get(parts.size() - 1);
        Redirect redirect = last.get(last.size() - 1) instanceof Redirect r ? r : null;
        List<Word> words = words(line, redirect == null ? last : last.subList(0, last.size() - 1));
        if (words.isEmpty() || !words.get(0).isLiteral()) {
            throw new SyntaxError(line);
        }
        String first = words.get(0).literal();
        if (parts.size() == 2) {
            List<Word> input = words(line, parts.get(0));
            if (!input.get(0).isLiteral() || !input.get(0).literal().equals("printf") || input.size() < 2) {
                throw new SyntaxError(line);
            }
            return command(line, input, words, redirect);
        }
        if (first.equals("set")) {
            if (redirect != null || words.size() != 2 || !words.get(1).isLiteral() || !words.get(1).literal().matches("-[eu]+")) {
                throw new SyntaxError(line);
            }
            return new SetOptions(line, words.get(1).literal());
        }
        if (first.equals(":")) {
            if (redirect != null) {
                throw new SyntaxError(line);
            }
            return new Check(line, words.subList(1, words.size()));
        }
        if (first.equals("printf")) {
            if (words.size() < 2) {
                throw new SyntaxError(line);
            }
            return new Printf(line, words, redirect);
        }
        return command(line, null, words, redirect);
    }

    private static Run command(int line, List<Word> input, List<Word> words, Redirect redirect) throws SyntaxError {
        if (!words.get(0).literal().startsWith("/") || redirect != null && redirect.toStderr()) {
            throw new SyntaxError(line);
        }
        return new Run(line, input, words, redirect != null);
    }

    private static List<Word> words(int line, List<Token> tokens) throws SyntaxError {
        List<Word> words = new ArrayList<>();
        for (Token token : tokens) {
            if (!(token instanceof Word word)) {
                throw new SyntaxError(line);
            }
            words.add(word);
        }
        return words;
    }

    /** Splits the script into statements of tokens, one statement per line (single quotes may span lines). */
    private static final class Tokenizer {
        private final String s;
        private int i;
        int line = 1;

        Tokenizer(String script) {
            this.s = script;
        }

        /** The next statement's tokens; null at the end of the script. */
        List<Token> statement() throws SyntaxError {
            if (i >= s.length()) {
                return null;
            }
            int start = line;
            List<Token> tokens = new ArrayList<>();
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') {
                    i++;
                    line++;
                    return tokens;
                }
                if (c == ' ' || c == '\t') {
                    i++;
                } else if (c == '#' && tokens.isEmpty()) {
                    while (i < s.length() && s.charAt(i) != '\n') {
                        i++;
                    }
                } else if (c == '|') {
                    if (s.startsWith("||", i)) {
                        throw new SyntaxError(start);
                    }
                    tokens.add(new Pipe());
                    i++;
                } else if (c == '>') {
                    tokens.add(redirect(start));
                } else {
                    tokens.add(word(start));
                    if (i < s.length() && s.charAt(i) == '>') {
                        throw new SyntaxError(start); // e.g. 2>/dev/null: a descriptor number glued to a redirection
                    }
                }
            }
            return tokens;
        }

        private Redirect redirect(int start) throws SyntaxError {
            if (s.startsWith(">/dev/null", i)) {
                i += ">/dev/null".length();
                return new Redirect(false);
            }
            if (s.startsWith(">&2", i)) {
                i += 3;
                return new Redirect(true);
            }
            throw new SyntaxError(start);
        }

        private Word word(int start) throws SyntaxError {
            List<Segment> segments = new ArrayList<>();
            StringBuilder literal = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == ' ' || c == '\t' || c == '\n' || c == '|' || c == '>') {
                    break;
                }
                if (c == '\'') {
                    int end = s.indexOf('\'', i + 1);
                    if (end < 0) {
                        throw new SyntaxError(start);
                    }
                    String text = s.substring(i + 1, end);
                    line += (int) text.chars().filter(ch -> ch == '\n').count();
                    literal.append(text);
                    i = end + 1;
                } else if (c == '\\' && i + 1 < s.length()) {
                    if (s.charAt(i + 1) == '\n') {
                        line++;
                    } else {
                        literal.append(s.charAt(i + 1));
                    }
                    i += 2;
                } else if (c == '"') {
                    i++;
                    doubleQuoted(start, segments, literal);
                } else if (Character.isLetterOrDigit(c) && c < 128 || SAFE.indexOf(c) >= 0) {
                    literal.append(c);
                    i++;
                } else {
                    throw new SyntaxError(start);
                }
            }
            if (literal.length() > 0 || segments.isEmpty()) {
                segments.add(new Literal(literal.toString()));
            }
            return new Word(List.copyOf(segments));
        }

        private void doubleQuoted(int start, List<Segment> segments, StringBuilder literal) throws SyntaxError {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '"') {
                    i++;
                    return;
                }
                if (c == '`') {
                    throw new SyntaxError(start);
                }
                if (c == '\\' && i + 1 < s.length() && "$`\"\\\n".indexOf(s.charAt(i + 1)) >= 0) {
                    if (s.charAt(i + 1) == '\n') {
                        line++;
                    } else {
                        literal.append(s.charAt(i + 1));
                    }
                    i += 2;
                } else if (c == '$') {
                    if (literal.length() > 0) {
                        segments.add(new Literal(literal.toString()));
                        literal.setLength(0);
                    }
                    segments.add(variable(start));
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    literal.append(c);
                    i++;
                }
            }
            throw new SyntaxError(start);
        }

        private Variable variable(int start) throws SyntaxError {
            i++; // the $
            if (i < s.length() && s.charAt(i) == '{') {
                int end = s.indexOf('}', i);
                if (end < 0) {
                    throw new SyntaxError(start);
                }
                String inner = s.substring(i + 1, end);
                i = end + 1;
                int check = inner.indexOf(":?");
                String name = check < 0 ? inner : inner.substring(0, check);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || check >= 0 && inner.substring(check + 2).isEmpty()) {
                    throw new SyntaxError(start);
                }
                return new Variable(name, check < 0 ? null : inner.substring(check + 2));
            }
            int begin = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) && s.charAt(i) < 128 || s.charAt(i) == '_')) {
                i++;
            }
            String name = s.substring(begin, i);
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new SyntaxError(start);
            }
            return new Variable(name, null);
        }
    }
}
