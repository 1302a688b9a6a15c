package dev.cagent.examples;

import dev.cagent.InvalidPlanException;
import dev.cagent.Names;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.Stdin;
import dev.cagent.macos.MacStep;

import java.util.ArrayList;
import java.util.List;

/**
 * A step of one's own for the macOS backend: lets the human start the agent without a password,
 * through a sudoers drop-in {@code /private/etc/sudoers.d/cagent-AGENT}, root:wheel 0440, holding
 * {@code HUMAN ALL=(AGENT) NOPASSWD: ALL}. With it, the launcher's {@code sudo -n -u AGENT} works
 * without a sudo ticket (from an IDE, a launchd job, a script).
 *
 * <pre>{@code
 * CagePlan plan = Cage.forUser("meeseeks") ... .step(new SudoersDropIn("alice", "meeseeks")).build();
 * }</pre>
 *
 * <p>The backend runs the probe as root and writes only when the file is missing or differs. The
 * content goes to a temporary file first ({@code cagent-AGENT.tmp}: sudo skips drop-in names that
 * contain a '.', so a half-written file is never read), gets its owner and mode, and replaces the
 * drop-in by a rename, so sudo sees the old file or the new one, never a partial one.
 *
 * <p>The text is not checked with {@code visudo -cf} before it goes live, because it can only be
 * what this class builds: one fixed template, {@code NAME ALL=(NAME) NOPASSWD: ALL}, around two
 * names that passed {@link Names#checkShortName}. Such a name has only lowercase letters, digits,
 * '_', '-' and '.', starts with none of '-' and '.', and is not all digits, so it is one plain
 * sudoers user name: no blank, ',', ':', '=', '(', ')', '!', '#', '%', '\' or line break can
 * end it early, and being lowercase it can be neither the keyword {@code ALL} nor an alias (aliases
 * are upper case). A step that writes text it does not fully control must add the check.
 *
 * <p>It relies on the Mac's {@code /private/etc/sudoers} reading the drop-in directory
 * ({@code #includedir /private/etc/sudoers.d}); when that directory is missing, apply fails at the
 * first write with {@code tee}'s "No such file or directory" and rolls back.
 */
public record SudoersDropIn(String human, String agent) implements MacStep {

    static final String DIRECTORY = "/private/etc/sudoers.d";
    private static final String MODE = "0440";
    /** What {@code stat -f '%p %Su:%Sg'} prints for the drop-in when it is in place. */
    private static final String IN_PLACE_STAT = "100440 root:wheel";

    public SudoersDropIn {
        Names.checkShortName("sudoers drop-in human", human);
        Names.checkShortName("sudoers drop-in agent", agent);
        if (agent.contains(".")) {
            throw new InvalidPlanException("sudoers drop-in agent", "sudo skips drop-in files whose name contains a '.', so a file for '"
                    + agent + "' would never be read: name the agent without '.', e.g. '" + agent.replace('.', '-') + "'");
        }
        if (human.equals(agent)) {
            throw new InvalidPlanException("sudoers drop-in human", "'" + human + "' is the agent itself: name the person's own account");
        }
    }

    /** Where the drop-in lives. */
    public String file() {
        return DIRECTORY + "/cagent-" + agent;
    }

    /** What the drop-in holds. */
    public String content() {
        return "# cagent: " + human + " may start processes as the caged agent " + agent + " without a password\n"
                + human + " ALL=(" + agent + ") NOPASSWD: ALL\n";
    }

    private String temporaryFile() {
        return file() + ".tmp";
    }

    @Override
    public String describe() {
        return "sudoers drop-in " + file() + ": " + human + " starts " + agent + " without a password";
    }

    @Override
    public List<Command> probe() {
        return List.of(
                Command.read("/usr/bin/stat", "-f", "%p %Su:%Sg", file()),
                Command.read("/bin/cat", file()));
    }

    @Override
    public List<Command> changes(List<CommandResult> probed) {
        CommandResult stat = probed.get(0);
        CommandResult cat = probed.get(1);
        boolean inPlace = stat.succeeded() && stat.stdout().strip().equals(IN_PLACE_STAT)
                && cat.succeeded() && cat.stdout().equals(content());
        if (inPlace) {
            return List.of();
        }
        List<Command> writes = new ArrayList<>();
        writes.add(Command.write("/usr/bin/tee", temporaryFile()).withStdin(Stdin.text(content())));
        writes.add(Command.write("/usr/sbin/chown", "-h", "root:wheel", temporaryFile()));
        writes.add(Command.write("/bin/chmod", MODE, temporaryFile()));
        writes.add(Command.write("/bin/mv", "-f", temporaryFile(), file()));
        return writes;
    }

    /** Removes the drop-in, and the temporary file an interrupted apply may have left. */
    @Override
    public List<Command> undo() {
        return List.of(Command.write("/bin/rm", "-f", file(), temporaryFile()));
    }
}
