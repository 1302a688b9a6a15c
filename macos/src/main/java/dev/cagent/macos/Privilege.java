package dev.cagent.macos;

import dev.cagent.Secret;
import dev.cagent.exec.Command;
import dev.cagent.exec.Stdin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How cagent gets root for its writes. The preview shows commands in the form the chosen strategy
 * runs them.
 */
public sealed interface Privilege {

    /** Root when {@code id -u} says 0, else {@code sudo -n}. The default. */
    static Privilege auto() {
        return Auto.INSTANCE;
    }

    /** The JVM already runs as root (e.g. {@code sudo java ...}). */
    static Privilege alreadyRoot() {
        return AlreadyRoot.INSTANCE;
    }

    /**
     * {@code sudo -n}: uses the caller's sudo ticket; a missing ticket is a clear error
     * ({@code sudo: a password is required}), never a hang. Run {@code sudo -v} first.
     */
    static Privilege sudoNonInteractive() {
        return SudoNonInteractive.INSTANCE;
    }

    /**
     * {@code sudo -k -S}: the caller's password goes to sudo on standard input, never in argv.
     * {@code -k} makes sudo always read it, so it can never leak into the command's own input.
     *
     * @throws IllegalArgumentException when the password holds a line break or NUL (never showing it)
     */
    static Privilege sudoWithPassword(Secret password) {
        String value = Objects.requireNonNull(password, "password").reveal();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == 0) {
                // sudo -S reads one line: what follows would become the command's own input, e.g. a line of the journal
                throw new IllegalArgumentException("the sudo password holds a line break or NUL at position " + (i + 1)
                        + ": sudo would take only what comes before it and hand the rest to the command; give the password alone");
            }
        }
        return new SudoWithPassword(password);
    }

    /**
     * The macOS administrator prompt ({@code osascript ... with administrator privileges}), for
     * GUI hosts such as IDE plugins: the whole write phase runs as one script after one prompt.
     * Reads run with the caller's own rights; a plan with a password is refused in this mode.
     */
    static Privilege adminPrompt() {
        return AdminPrompt.INSTANCE;
    }

    final class Auto implements Privilege {
        private static final Auto INSTANCE = new Auto();

        private Auto() {
        }

        @Override
        public String toString() {
            return "auto (root if already root, else sudo -n)";
        }
    }

    final class AlreadyRoot implements Privilege {
        private static final AlreadyRoot INSTANCE = new AlreadyRoot();

        private AlreadyRoot() {
        }

        @Override
        public String toString() {
            return "already root";
        }
    }

    final class SudoNonInteractive implements Privilege {
        private static final SudoNonInteractive INSTANCE = new SudoNonInteractive();

        private SudoNonInteractive() {
        }

        @Override
        public String toString() {
            return "sudo -n";
        }
    }

    final class SudoWithPassword implements Privilege {
        private final Secret password;

        private SudoWithPassword(Secret password) {
            this.password = password;
        }

        Secret password() {
            return password;
        }

        @Override
        public String toString() {
            return "sudo -S (password on stdin)";
        }
    }

    final class AdminPrompt implements Privilege {
        private static final AdminPrompt INSTANCE = new AdminPrompt();

        private AdminPrompt() {
        }

        @Override
        public String toString() {
            return "administrator prompt (osascript)";
        }
    }

    /**
     * Wraps an op for a resolved strategy. {@code callerName} is the account running the JVM;
     * {@code insideRootScript} is true for the admin-prompt script, which already runs as root.
     */
    static Command wrap(Privilege resolved, Op op, String callerName, boolean insideRootScript) {
        Command command = op.command();
        RunAs runAs = op.runAs();
        if (runAs.kind() == RunAs.Kind.CALLER || (runAs.kind() == RunAs.Kind.USER && runAs.user().equals(callerName) && !insideRootScript)) {
            return command;
        }
        boolean root = runAs.kind() == RunAs.Kind.ROOT;
        if (insideRootScript || resolved instanceof AlreadyRoot) {
            return root ? command : command.prefixedWith(List.of(MacCommands.SUDO, "-n", "-u", runAs.user(), "--"));
        }
        if (resolved instanceof SudoNonInteractive) {
            return command.prefixedWith(root ? List.of(MacCommands.SUDO, "-n", "--") : List.of(MacCommands.SUDO, "-n", "-u", runAs.user(), "--"));
        }
        if (resolved instanceof SudoWithPassword sudo) {
            List<String> prefix = new ArrayList<>(List.of(MacCommands.SUDO, "-k", "-S", "-p", ""));
            if (!root) {
                prefix.addAll(List.of("-u", runAs.user()));
            }
            prefix.add("--");
            Stdin stdin = Stdin.builder().secret("CAGENT_SUDO_PASSWORD", sudo.password()).text("\n").build().followedBy(command.stdin());
            return command.prefixedWith(prefix).withStdin(stdin);
        }
        if (resolved instanceof AdminPrompt) {
            // reads outside the script run with the caller's own rights
            return command;
        }
        throw new IllegalStateException("privilege not resolved: " + resolved);
    }
}
