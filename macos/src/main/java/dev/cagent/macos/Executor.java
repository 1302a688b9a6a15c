package dev.cagent.macos;

import dev.cagent.exec.Command;
import dev.cagent.exec.CommandException;
import dev.cagent.exec.CommandInterruptedException;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.report.ApplyListener;
import dev.cagent.report.ExecutedCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs ops through the runner with the resolved privilege, and keeps count: every process
 * started and which were writes. A command that cannot end normally (timeout, start failure)
 * becomes an {@link OpFailedException} carrying what is known, or for a read a
 * {@link MachineReadException}. An interrupt is passed on, with the thread's flag set.
 */
final class Executor {

    private static final Logger log = LoggerFactory.getLogger(MacOsBackend.class);

    private final CommandRunner runner;
    private Privilege privilege;
    private String caller;
    private final ApplyListener listener;
    private final List<ExecutedCommand> executed = new ArrayList<>();
    private int processes;
    private int writes;

    Executor(CommandRunner runner, Privilege privilege, String caller, ApplyListener listener) {
        this.runner = runner;
        this.privilege = privilege;
        this.caller = caller;
        this.listener = listener;
    }

    /** Sets the strategy once {@code id -u} has told who runs cagent; until then only caller ops run. */
    void resolve(Privilege resolved, String callerName) {
        this.privilege = resolved;
        this.caller = callerName;
    }

    Privilege privilege() {
        return privilege;
    }

    String caller() {
        return caller;
    }

    CommandRunner runner() {
        return runner;
    }

    /** The command exactly as it will run. */
    Command render(Op op) {
        return Privilege.wrap(privilege, op, caller, false);
    }

    /** Runs one op; a non-zero exit is returned, not thrown. */
    ExecutedCommand run(Op op) {
        return runCommand(render(op));
    }

    /** Runs an already rendered command (the admin-prompt plumbing). */
    ExecutedCommand runCommand(Command command) {
        processes++;
        if (command.isWrite()) {
            writes++;
        }
        ExecutedCommand done;
        try {
            CommandResult result = runner.run(command);
            done = new ExecutedCommand(command, result, null);
        } catch (CommandInterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        } catch (CommandException e) {
            done = new ExecutedCommand(command, null, reason(e));
            log.warn("{}", done);
            executed.add(done);
            listener.commandFinished(done);
            if (!command.isWrite()) {
                throw new MachineReadException("could not read the machine: " + Engine.describeFailure(done), e, done);
            }
            throw new OpFailedException(done, e);
        }
        log.debug("{}", done);
        executed.add(done);
        listener.commandFinished(done);
        return done;
    }

    /** Why the command did not end normally, without the command line the exception's message ends with. */
    private static String reason(CommandException e) {
        String message = e.getMessage();
        String suffix = ": " + e.command().toShellLine();
        return message.endsWith(suffix) ? message.substring(0, message.length() - suffix.length()) : message;
    }

    /** Runs a read and returns its result; the caller decides what a non-zero exit means. */
    CommandResult read(Op op) {
        return run(op).result();
    }

    int processes() {
        return processes;
    }

    int writes() {
        return writes;
    }

    /** The commands run since {@code mark} (a value of {@link #mark()}). */
    List<ExecutedCommand> since(int mark) {
        return List.copyOf(executed.subList(mark, executed.size()));
    }

    int mark() {
        return executed.size();
    }

    /** A command that could not run to a normal end. */
    static final class OpFailedException extends RuntimeException {
        private final transient ExecutedCommand executed;

        OpFailedException(ExecutedCommand executed, Throwable cause) {
            super(Engine.describeFailure(executed), cause);
            this.executed = executed;
        }

        ExecutedCommand executed() {
            return executed;
        }
    }
}
