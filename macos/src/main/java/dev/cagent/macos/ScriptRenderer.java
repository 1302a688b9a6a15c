package dev.cagent.macos;

import dev.cagent.exec.Command;
import dev.cagent.exec.ShellQuoting;
import dev.cagent.exec.Stdin;

import java.util.List;
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
        header.lines().forEach(l -> sb.append("# ").append(l).append('\n'));
        boolean secrets = sections.stream().flatMap(s -> s.ops().stream()).anyMatch(op -> wrap.apply(op).stdin().containsSecret());
        if (secrets) {
            sb.append("# Secrets are read from environment variables, never written here: export them before running.\n");
        }
        sb.append("set -eu\n");
        int done = 0;
        for (Section section : sections) {
            sb.append('\n').append("# ").append(section.title()).append('\n');
            section.notes().forEach(n -> sb.append("#   ").append(n).append('\n'));
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
