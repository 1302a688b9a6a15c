package dev.cagent.macos;

import dev.cagent.exec.Command;
import dev.cagent.exec.ShellQuoting;
import dev.cagent.exec.Stdin;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes ops as a POSIX {@code sh} script a person can read and run: the preview, and the script
 * the administrator prompt runs. Every argument is quoted; standard input is reproduced byte for
 * byte with {@code printf '%s'}; a secret is never written, only the variable it is read from.
 * The grammar is documented in COMMANDS.md ("The preview script").
 */
final class ScriptRenderer {

    /** A titled group of ops, one per changed step. */
    record Section(String title, List<String> notes, List<Op> ops) {
    }

    private ScriptRenderer() {
    }

    /**
     * @param progress print {@code cagent: done K} on stderr after each write, so a failure
     *                 inside the administrator prompt says how far it got
     */
    static String render(String header, List<Section> sections, Function<Op, Command> wrap, boolean progress) {
        StringBuilder sb = new StringBuilder("#!/bin/sh\n");
        comment(sb, "# ", header);
        Set<String> secrets = new LinkedHashSet<>();
        sections.stream().flatMap(s -> s.ops().stream()).flatMap(op -> wrap.apply(op).stdin().parts().stream())
                .filter(Stdin.SecretPart.class::isInstance).forEach(part -> secrets.add(((Stdin.SecretPart) part).variable()));
        if (!secrets.isEmpty()) {
            sb.append("# Secrets are read from environment variables, never written here: export them before running.\n");
        }
        sb.append("set -eu\n");
        // a check inside a pipeline ends only its own side: dscl would read nothing and succeed
        secrets.forEach(variable -> sb.append(": \"${").append(variable).append(":?export ").append(variable).append(" first}\"\n"));
        int done = 0;
        for (Section section : sections) {
            sb.append('\n');
            comment(sb, "# ", section.title());
            // notes hold values read from the machine: a line break in one must not end the comment
            section.notes().forEach(n -> comment(sb, "#   ", n));
            for (Op op : section.ops()) {
                sb.append(line(wrap.apply(op))).append('\n');
                if (progress) {
                    done++;
                    sb.append("printf 'cagent: done %d\\n' ").append(done).append(" >&2\n");
                }
            }
        }
        return sb.toString();
    }

    /** {@code text} as comment lines: every line it holds (by any line break) starts with {@code prefix}. */
    private static void comment(StringBuilder sb, String prefix, String text) {
        text.lines().forEach(l -> sb.append(prefix).append(l).append('\n'));
    }

    /** One command as a script line. */
    static String line(Command command) {
        String argv = ShellQuoting.join(command.argv());
        String discard = command.program().equals(MacCommands.TEE) || command.argv().contains(MacCommands.TEE) ? " >/dev/null" : "";
        if (command.stdin().isEmpty()) {
            return argv + discard;
        }
        return "printf '%s' " + word(command.stdin()) + " | " + argv + discard;
    }

    /** Standard input as one shell word: literal parts single-quoted, secret parts as their variable. */
    static String word(Stdin stdin) {
        StringBuilder sb = new StringBuilder();
        for (Object part : stdin.parts()) {
            if (part instanceof Stdin.SecretPart secret) {
                sb.append("\"${").append(secret.variable()).append(":?export ").append(secret.variable()).append(" first}\"");
            } else {
                sb.append("'").append(((String) part).replace("'", "'\\''")).append("'");
            }
        }
        return sb.toString();
    }
}
