package dev.cagent.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Who runs what: {@code sudo}, the admin prompt of {@code osascript}, {@code id}, {@code whoami}, {@code env}. */
final class Privileges {

    /** The only AppleScript the fake runs: the admin prompt of the command contract. */
    private static final Pattern ADMIN_SCRIPT = Pattern.compile(
            "do shell script \"/bin/sh ([A-Za-z0-9_@%+=:,./-]+)\" with administrator privileges without altering line endings");
    private static final String NO_TERMINAL = "sudo: a terminal is required to read the password; either use the -S option"
            + " to read from standard input or configure an askpass helper\n";

    private final Machine machine;

    Privileges(Machine machine) {
        this.machine = machine;
    }

    /** The options of one sudo invocation. */
    private static final class SudoOptions {
        boolean nonInteractive;
        boolean ignoreTicket;
        boolean passwordOnStdin;
        String prompt;
        String targetUser = "root";
        List<String> command = List.of();
    }

    private static SudoOptions parseSudo(List<String> argv) {
        SudoOptions options = new SudoOptions();
        int i = 1;
        while (i < argv.size()) {
            String arg = argv.get(i);
            if (arg.equals("--")) {
                i++;
                break;
            }
            if (!arg.startsWith("-")) {
                break;
            }
            switch (arg) {
                case "-n" -> options.nonInteractive = true;
                case "-k" -> options.ignoreTicket = true;
                case "-S" -> options.passwordOnStdin = true;
                case "-H" -> {
                    // HOME is set from the target's record in every case here
                }
                case "-p", "-u" -> {
                    if (i + 1 >= argv.size()) {
                        throw new Unsupported();
                    }
                    if (arg.equals("-p")) {
                        options.prompt = argv.get(++i);
                    } else {
                        options.targetUser = argv.get(++i);
                    }
                }
                default -> throw new Unsupported();
            }
            i++;
        }
        options.command = argv.subList(i, argv.size());
        return options;
    }

    /** The command a {@code sudo ...} line runs (the line itself when it is no sudo line). */
    static List<String> withoutSudo(List<String> argv) {
        if (!argv.get(0).equals("/usr/bin/sudo")) {
            return argv;
        }
        try {
            List<String> command = parseSudo(argv).command;
            return command.isEmpty() ? argv : command;
        } catch (Unsupported e) {
            return argv;
        }
    }

    /**
     * sudo as configured on a stock Mac ({@code %admin ALL=(ALL) ALL}): root needs no password;
     * others need a valid ticket ({@code -k} ignores it) or the password as the first line of
     * stdin ({@code -S}), and must be in the admin group.
     */
    Outcome sudo(Proc process, List<String> argv) {
        SudoOptions options = parseSudo(argv);
        if (options.command.isEmpty()) {
            if (options.ignoreTicket && argv.size() == 2) {
                machine.sudoTickets.remove(process.user());
                return Outcome.ok("");
            }
            throw new Unsupported();
        }
        OptionalInt targetUid = machine.directory.uid(options.targetUser);
        if (targetUid.isEmpty()) {
            return Outcome.fail(1, "sudo: unknown user " + options.targetUser + "\n");
        }
        String input = process.stdin();
        StringBuilder err = new StringBuilder();
        if (!process.isRoot()) {
            boolean ticket = machine.sudoTickets.contains(process.user()) && !options.ignoreTicket;
            if (!ticket) {
                if (options.nonInteractive) {
                    return Outcome.fail(1, "sudo: a password is required\n");
                }
                if (!options.passwordOnStdin) {
                    return Outcome.fail(1, NO_TERMINAL + "sudo: a password is required\n");
                }
                err.append(options.prompt == null ? "Password:" : options.prompt);
                int newline = input.indexOf('\n');
                String password = newline < 0 ? input : input.substring(0, newline);
                input = newline < 0 ? "" : input.substring(newline + 1);
                if (!machine.directory.passwordMatches(process.user(), password)) {
                    return Outcome.fail(1, err + "Sorry, try again.\nsudo: 1 incorrect password attempt\n");
                }
                if (!options.ignoreTicket) {
                    machine.sudoTickets.add(process.user());
                }
            }
            if (!machine.directory.isMember(process.user(), "admin")) {
                return Outcome.fail(1, err + process.user() + " is not in the sudoers file.\n");
            }
        }
        if (!machine.installed(options.command.get(0))) {
            return Outcome.fail(1, err + "sudo: " + options.command.get(0) + ": command not found\n");
        }
        Proc target = process.as(options.targetUser, targetUid.getAsInt(),
                machine.loginEnvironment(options.targetUser, process.user())).withStdin(input);
        Outcome outcome = machine.exec(target, options.command);
        return new Outcome(outcome.exit(), outcome.out(), err + outcome.err());
    }

    /**
     * The admin prompt: the person approves (the script runs as root through the fake shell, with
     * the caller's environment) or cancels. Errors read {@code 0:N: execution error: TEXT (CODE)},
     * N being the length of the AppleScript.
     */
    Outcome osascript(Proc process, List<String> argv) {
        if (argv.size() != 3 || !argv.get(1).equals("-e")) {
            throw new Unsupported();
        }
        Matcher script = ADMIN_SCRIPT.matcher(argv.get(2));
        if (!script.matches()) {
            throw new Unsupported("only the admin prompt of the command contract is understood");
        }
        String range = "0:" + argv.get(2).length();
        if (machine.adminPrompt == AdminPromptAnswer.CANCEL) {
            return Outcome.fail(1, range + ": execution error: User canceled. (-128)\n");
        }
        Proc root = process.as("root", 0, process.env());
        Outcome outcome = machine.exec(root, List.of("/bin/sh", script.group(1)));
        if (outcome.succeeded()) {
            return Outcome.ok(outcome.out());
        }
        String message = outcome.err().endsWith("\n") ? outcome.err().substring(0, outcome.err().length() - 1) : outcome.err();
        if (message.isEmpty()) {
            message = "The command exited with a non-zero status.";
        }
        return Outcome.fail(1, range + ": execution error: " + message + " (" + outcome.exit() + ")\n");
    }

    /** {@code id -u [USER]}. */
    Outcome id(Proc process, List<String> argv) {
        if (argv.size() == 2 && argv.get(1).equals("-u")) {
            return Outcome.ok(process.uid() + "\n");
        }
        if (argv.size() == 3 && argv.get(1).equals("-u")) {
            OptionalInt uid = machine.directory.uid(argv.get(2));
            return uid.isPresent() ? Outcome.ok(uid.getAsInt() + "\n") : Outcome.fail(1, "id: " + argv.get(2) + ": no such user\n");
        }
        throw new Unsupported();
    }

    Outcome whoami(Proc process, List<String> argv) {
        if (argv.size() != 1) {
            throw new Unsupported();
        }
        return Outcome.ok(process.user() + "\n");
    }

    /** {@code env [-i] [NAME=VALUE...] [PROGRAM ARGS...]}: without a program it prints the environment. */
    Outcome env(Proc process, List<String> argv) {
        int i = 1;
        Map<String, String> env = new LinkedHashMap<>(process.env());
        if (i < argv.size() && argv.get(i).equals("-i")) {
            env.clear();
            i++;
        }
        while (i < argv.size() && argv.get(i).indexOf('=') > 0) {
            String assignment = argv.get(i++);
            env.put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
        }
        if (i < argv.size() && argv.get(i).startsWith("-")) {
            throw new Unsupported();
        }
        if (i == argv.size()) {
            StringBuilder out = new StringBuilder();
            new TreeMap<>(env).forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
            return Outcome.ok(out.toString());
        }
        List<String> command = new ArrayList<>(argv.subList(i, argv.size()));
        if (!command.get(0).startsWith("/")) {
            throw new Unsupported("the fake has no PATH search: name the program by its absolute path");
        }
        if (!machine.installed(command.get(0))) {
            return Outcome.fail(127, "env: " + command.get(0) + ": No such file or directory\n");
        }
        return machine.exec(process.as(process.user(), process.uid(), env), command);
    }
}
