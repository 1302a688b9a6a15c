package dev.cagent.testkit;

import dev.cagent.exec.Command;
import dev.cagent.exec.ShellQuoting;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The simulated Mac's state and its programs: Directory Services, the file tree, sudo tickets,
 * the admin prompt's answer and the scripted faults. Every program is looked up by its absolute
 * path; a path the table does not know, or arguments a program does not understand, end with exit
 * 127 and {@code fake-mac: unsupported: ARGV}.
 */
final class Machine {

    /** A simulated program: {@code argv} includes the program's own path. */
    interface Program {
        Outcome run(Proc process, List<String> argv);
    }

    /** A faulted command hung past its timeout. */
    static final class TimedOut extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TimedOut() {
            super(null, null, false, false);
        }
    }

    final DirectoryServices directory;
    final FileTree files;
    final Faults faults = new Faults();
    final AdminPromptAnswer adminPrompt;
    /** Users with a valid sudo ticket (sudo asks them for no password until {@code sudo -k}). */
    final Set<String> sudoTickets = new HashSet<>();
    private final Map<String, Program> programs = new HashMap<>();

    Machine(boolean generatedUidOnCreate, AdminPromptAnswer adminPrompt) {
        this.directory = new DirectoryServices(generatedUidOnCreate);
        this.files = new FileTree(directory);
        this.adminPrompt = adminPrompt;
        Privileges privileges = new Privileges(this);
        programs.put("/usr/bin/sudo", privileges::sudo);
        programs.put("/usr/bin/osascript", privileges::osascript);
        programs.put("/usr/bin/id", privileges::id);
        programs.put("/usr/bin/whoami", privileges::whoami);
        programs.put("/usr/bin/env", privileges::env);
        programs.put("/bin/sh", (p, argv) -> FakeShell.program(this, p, argv));
        Dscl dscl = new Dscl(this);
        programs.put("/usr/bin/dscl", dscl::run);
        DirectoryTools tools = new DirectoryTools(this);
        programs.put("/usr/sbin/dseditgroup", tools::dseditgroup);
        programs.put("/usr/sbin/createhomedir", tools::createhomedir);
        programs.put("/usr/bin/dscacheutil", tools::dscacheutil);
        FileCommands fileCommands = new FileCommands(this);
        programs.put("/bin/ls", fileCommands::ls);
        programs.put("/usr/bin/stat", fileCommands::stat);
        programs.put("/usr/bin/find", fileCommands::find);
        programs.put("/bin/cat", fileCommands::cat);
        programs.put("/usr/bin/tee", fileCommands::tee);
        programs.put("/bin/mkdir", fileCommands::mkdir);
        programs.put("/bin/mv", fileCommands::mv);
        programs.put("/bin/rm", fileCommands::rm);
        programs.put("/bin/rmdir", fileCommands::rmdir);
        programs.put("/usr/bin/mktemp", fileCommands::mktemp);
        OwnershipCommands ownership = new OwnershipCommands(this);
        programs.put("/bin/chmod", ownership::chmod);
        programs.put("/usr/sbin/chown", ownership::chown);
    }

    /** A process of {@code user}, with the umask every process starts with. */
    Proc process(String user, Map<String, String> env, String cwd, String stdin) {
        int uid = directory.uid(user).orElseThrow(() -> new IllegalArgumentException("no user named '" + user + "' on this Mac"));
        return new Proc(user, uid, env, cwd, stdin, Proc.DEFAULT_UMASK);
    }

    /** Whether the program file exists (a missing program cannot even start). */
    boolean installed(String program) {
        return files.lookup(null, program, true).found();
    }

    /**
     * Runs a command as a whole: the scripted faults first (a faulted command changes nothing),
     * then the program. Used for commands handed to the fake and for each command of a script.
     */
    Outcome runChecked(Proc process, Command command) {
        Optional<Fault> fault = faults.check(command);
        if (fault.isPresent()) {
            return outcomeOf(fault.get(), command);
        }
        return exec(process, command.argv());
    }

    /** What a faulted command answers; a timeout throws {@link TimedOut}. */
    static Outcome outcomeOf(Fault fault, Command command) {
        if (fault instanceof Fault.Exit exit) {
            String stderr = exit.stderr();
            return Outcome.fail(exit.code(), stderr.isEmpty() || stderr.endsWith("\n") ? stderr : stderr + "\n");
        }
        if (fault instanceof Fault.OperationNotPermitted) {
            return Outcome.fail(1, OperationNotPermittedText.of(command.argv()));
        }
        throw new TimedOut();
    }

    /** Runs a program without fault checks (what sudo, osascript and env do with their command). */
    Outcome exec(Proc process, List<String> argv) {
        Program program = programs.get(argv.get(0));
        if (program == null) {
            return unsupported(argv, null);
        }
        try {
            return program.run(process, argv);
        } catch (Unsupported e) {
            return unsupported(argv, e.detail());
        }
    }

    static Outcome unsupported(List<String> argv, String detail) {
        return Outcome.fail(127, "fake-mac: unsupported: " + ShellQuoting.join(argv) + (detail == null ? "" : " (" + detail + ")") + "\n");
    }

    /** The variables a process runs with after sudo's env_reset. */
    Map<String, String> loginEnvironment(String user, String invokingUser) {
        Map<String, String> env = new HashMap<>();
        env.put("USER", user);
        env.put("LOGNAME", user);
        env.put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        env.put("SUDO_USER", invokingUser);
        directory.record(DirectoryServices.Kind.USERS, user)
                .flatMap(r -> DirectoryServices.first(r, "NFSHomeDirectory")).ifPresent(home -> env.put("HOME", home));
        return env;
    }
}
