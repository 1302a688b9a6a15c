package dev.cagent.examples;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.MacPaths;
import dev.cagent.exec.Command;
import dev.cagent.exec.CommandResult;
import dev.cagent.exec.CommandRunner;
import dev.cagent.exec.RunningCommand;
import dev.cagent.macos.ExecCommandRunner;
import dev.cagent.macos.MacOsBackend;
import dev.cagent.macos.parse.LsParser;
import dev.cagent.report.ApplyReport;
import dev.cagent.testkit.FakeMac;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How long cagent takes to share an existing tree with the agent and the group, next to the seed's
 * own {@code chown -R} + {@code chmod -R 2770}, on this machine's real file system.
 *
 * <p>It builds two identical trees (directories of 100 files each, mixed modes, some executable),
 * then measures in one run: (a) the seed's two commands on the first; (b) the workspace writes of
 * the real {@link MacOsBackend} on the second (root's {@code find}s for owners, groups, modes
 * and the inheritable entries; the workspace directory's own mode by path); (c) the backend's re-apply on the now correct tree,
 * whose only process is the probe {@code find -x WS ! -type l ( -type d -o SUSPECT ) -exec ls
 * -led {} +}: the directories, and only the files some bit marks as possibly unshared (none
 * here), parsed with {@link LsParser}. The backend runs against a {@link FakeMac} for everything
 * but the workspace tree: its commands there (the {@code find}s, and the {@code chmod}s and
 * {@code chown}s naming paths in it) are run for real, in the nearest form this machine has (see
 * {@link RealTree}), and everything else they print or skip is said in the output.
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:java -Dexec.mainClass=dev.cagent.examples.WorkspaceBenchmark [-Dexec.args=10000]
 * </pre>
 *
 * The argument is the number of files (default 100,000; rounded to whole directories of 100).
 */
public final class WorkspaceBenchmark {

    static final String AGENT = "meeseeks";
    static final String GROUP = "collabo";
    static final int FILES_PER_DIRECTORY = 100;

    private final PrintStream out;
    private final ExecCommandRunner runner = new ExecCommandRunner(256 * 1024 * 1024);
    private final Measuring measuring = new Measuring(runner);

    private WorkspaceBenchmark(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        Locale.setDefault(Locale.ROOT); // numbers print as 100,000 whatever the host's locale
        int files = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 100_000;
        if (files < FILES_PER_DIRECTORY) {
            throw new IllegalArgumentException("give at least " + FILES_PER_DIRECTORY + " files, e.g. 10000");
        }
        new WorkspaceBenchmark(System.out).run(files / FILES_PER_DIRECTORY);
    }

    private void run(int directories) throws IOException {
        Path root = Files.createTempDirectory("cagent-benchmark-");
        try {
            String user = text(runner.run(Command.read(tool("id"), "-un")));
            String group = text(runner.run(Command.read(tool("id"), "-gn")));
            describeMachine(root, user, group);

            out.println("\nwarming up the JVM on trees of " + 20 * FILES_PER_DIRECTORY + " files (not counted)...");
            for (int round = 0; round < 3; round++) {
                cagent(build(root.resolve("warm-up-" + round), 20), user, group, false);
            }

            out.printf("%nbuilding two trees of %,d directories x %d files...%n", directories, FILES_PER_DIRECTORY);
            Path seedTree = build(root.resolve("seed"), directories);
            Path cagentTree = build(root.resolve("cagent"), directories);
            int entries = 1 + directories + directories * FILES_PER_DIRECTORY;

            Counted seedChown = timed(Command.write(tool("chown"), "-R", user + ":" + group, seedTree.toString()));
            Counted seedChmod = timed(Command.write(tool("chmod"), "-R", "2770", seedTree.toString()));
            Measured seed = new Measured(seedChown.millis() + seedChmod.millis(), seedChown.processes() + seedChmod.processes());

            Results cagent = cagent(cagentTree, user, group, true);

            heading("Results (" + String.format("%,d", entries) + " entries, warm page cache)");
            out.printf("%-58s %10s %10s %8s%n", "", "wall", "processes", "vs (a)");
            row("(a) seed: chown -R " + user + ":" + group + " + chmod -R 2770", seed, seed);
            row("(b) cagent: the workspace writes (finds; +a printed, not set)", cagent.writes(), seed);
            row("    whole first apply: listing, writes, read-back, journal", cagent.firstApply(), seed);
            row("(c) cagent: re-apply, the probe (directories, suspects)", cagent.probe(), seed);
            row("    whole re-apply (probe, LsParser, diff; 0 writes)", cagent.reapply(), seed);
            out.printf("%nLsParser alone on the re-apply's probe (%,d bytes, %,d entries listed): %d ms%n",
                    cagent.listingBytes(), cagent.listedEntries(), cagent.parseMillis());
            out.printf("translating that listing between this machine and the Mac's form took %d ms more, left out of the times above%n", cagent.translationMillis());
            out.printf("seed alone: chown -R %d ms, chmod -R %d ms%n", seedChown.millis(), seedChmod.millis());

            heading("What each left behind");
            out.println("(a) seed:   " + modes(seedTree));
            out.println("(b) cagent: " + modes(cagentTree));
        } finally {
            runner.run(Command.write(tool("rm"), "-rf", root.toString()).withTimeout(Duration.ofMinutes(10)));
        }
    }

    private void describeMachine(Path root, String user, String group) throws IOException {
        heading("cagent workspace benchmark");
        out.printf("machine: %d cores (%s), %s %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(), cpuModel(),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"), System.getProperty("java.version"));
        out.printf("file system: %s (%s), trees in %s%n", Files.getFileStore(root).type(), Files.getFileStore(root).name(), root);
        out.printf("tools: %s, %s, %s, %s; running as %s:%s%n", tool("find"), tool("chown"), tool("chmod"), tool("ls"), user, group);
        out.println("the Mac's commands on the workspace and the forms run for them here:");
        out.println("  sudo -n [-u USER] --  -> left off: everything runs as " + user + " (whose rights the Mac's USER would lend)");
        out.println("  find -x DIR ...       -> find DIR -xdev ...; -user " + AGENT + " / -group " + GROUP + " -> -user " + user + " / -group " + group);
        out.println("  chown -h " + AGENT + ":" + GROUP + "  -> chown -h " + user + ":" + group
                + (isRoot() ? " (both trees start as nobody's, so that every owner really changes)" : " (the trees are " + user + "'s already: no owner changes)"));
        out.println("  chmod -h MODE PATH... -> chmod MODE PATH... (GNU chmod has no -h; the trees hold no symbolic links)");
        out.println("  find ... -exec[dir] chmod -h +a 'ACE' {} + -> find ... -printf: the walk runs here, chmod +a cannot (no such ACLs here),");
        out.println("      so that find's time is a lower bound; later listings show the entries on the directories it printed, as ls -led would");
        out.println("  ls -led               -> ls -ld (GNU ls has no -e), owner and group named as on the Mac, in the C locale");
        out.println("  paths in " + MacPaths.canonical(root.toString()) + "... as the plan names them -> the same paths here");
        if (measuring.counts()) {
            out.println("times and processes of each command on this machine: perf stat (duration_time, sched:sched_process_exec: every program executed)");
        } else {
            out.println("times: wall clock around each command; processes: not counted (perf stat is not available)");
        }
    }

    private String cpuModel() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return "model unknown";
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("model unknown");
        }
    }

    /** The timings of one backend run over a tree. */
    private record Results(Measured writes, Measured firstApply, Measured probe, Measured reapply, long parseMillis,
                           long translationMillis, int listingBytes, int listedEntries) {
    }

    private Results cagent(Path tree, String user, String group, boolean report) {
        FakeMac mac = FakeMac.stock();
        String planPath = MacPaths.canonical(tree.toString());
        mkdirs(mac, planPath);
        RealTree real = new RealTree(mac, measuring, planPath, tree.toString(), user, group);
        MacOsBackend backend = MacOsBackend.on(real).readBack(3, Duration.ZERO).build();
        CagePlan plan = Cage.forUser(AGENT).collaborationGroup(GROUP).workspace(planPath).build();

        long overhead = measuring.overheadMillis();
        long started = System.nanoTime();
        ApplyReport first = backend.apply(plan);
        long firstMillis = millisSince(started) - (measuring.overheadMillis() - overhead) - real.translationMillis();
        requireSucceeded(first, "first apply");
        Measured writes = real.measured(RealTree.Kind.WRITE).plus(real.measured(RealTree.Kind.WALKED));
        Measured firstApply = new Measured(firstMillis, sum(writes.processes(), real.measured(RealTree.Kind.LISTING).processes()));
        if (report) {
            heading("(b) the writes cagent ran (and skipped) on the tree");
            real.runsInShort().stream().filter(r -> r.kind() != RealTree.Kind.LISTING).forEach(r -> out.println("  " + r));
            out.println("  listings: " + real.runs().stream().filter(r -> r.kind() == RealTree.Kind.LISTING).count()
                    + " (the first look, the whole tree while the agent does not exist yet; the read-back after the writes, a probe)");
        }
        real.clear();

        overhead = measuring.overheadMillis();
        started = System.nanoTime();
        ApplyReport again = backend.apply(plan);
        long againMillis = millisSince(started) - (measuring.overheadMillis() - overhead) - real.translationMillis();
        requireSucceeded(again, "re-apply");
        if (again.writes() != 0) {
            throw new IllegalStateException("the re-apply wrote " + again.writes() + " times:\n" + again);
        }
        Measured probe = real.measured(RealTree.Kind.LISTING);
        started = System.nanoTime();
        int entries = LsParser.parse(real.lastListing()).size();
        long parse = millisSince(started);
        return new Results(writes, firstApply, probe, new Measured(againMillis, probe.processes()), parse, real.translationMillis(),
                real.lastListing().getBytes(java.nio.charset.StandardCharsets.UTF_8).length, entries);
    }

    private static long sum(long a, long b) {
        return a < 0 || b < 0 ? -1 : a + b;
    }

    private static void requireSucceeded(ApplyReport report, String what) {
        if (!report.succeeded()) {
            throw new IllegalStateException("the " + what + " failed:\n" + report);
        }
    }

    /** Makes the directory and its missing parents on the fake Mac, so that the backend finds the workspace there too. */
    static void mkdirs(FakeMac mac, String path) {
        List<String> missing = new ArrayList<>();
        for (String p = path; !mac.exists(p); p = MacPaths.parent(p)) {
            missing.add(0, p);
        }
        missing.forEach(p -> mac.mkdir(p, "root", "wheel", 0755));
    }

    /**
     * {@code directories} directories of 100 files under {@code dir}: of every ten files one is
     * executable (0755), one private (0600), one a private program (0700), the rest 0644; the
     * directories 0755. When run as root, the tree is given to nobody first, so that both
     * contenders really change every owner.
     */
    private Path build(Path dir, int directories) throws IOException {
        Files.createDirectory(dir);
        int[] modes = {0755, 0600, 0700, 0644, 0644, 0644, 0644, 0644, 0644, 0644};
        for (int d = 0; d < directories; d++) {
            Path sub = Files.createDirectory(dir.resolve(String.format("d%05d", d)));
            for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                Path file = Files.createFile(sub.resolve(String.format("f%03d.txt", f)));
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(rwx(modes[f % modes.length])));
            }
            Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString(rwx(0755)));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(rwx(0755)));
        if (isRoot()) {
            runner.run(Command.write(tool("chown"), "-R", "65534:65534", dir.toString()).withTimeout(Duration.ofMinutes(10)));
        }
        return dir;
    }

    private boolean isRoot() {
        return text(runner.run(Command.read(tool("id"), "-u"))).equals("0");
    }

    private static String rwx(int mode) {
        StringBuilder s = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = mode >> shift;
            s.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return s.toString();
    }

    /** How many files and directories the tree holds of each mode. */
    private String modes(Path tree) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        try (Stream<Path> all = Files.walk(tree)) {
            all.forEach(p -> {
                try {
                    int mode = (Integer) Files.getAttribute(p, "unix:mode") & 07777;
                    counts.merge((Files.isDirectory(p) ? "directories " : "files ") + String.format("%04o", mode), 1, Integer::sum);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        StringBuilder s = new StringBuilder();
        counts.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(String.format("%,d %s", v, k)));
        return s.toString();
    }

    private Counted timed(Command command) {
        Counted counted = measuring.run(command.withTimeout(Duration.ofMinutes(30)));
        if (!counted.result().succeeded()) {
            throw new IllegalStateException(command.toShellLine() + " exited " + counted.result().exitCode() + ": " + counted.result().stderr());
        }
        return counted;
    }

    /** A time in milliseconds and the programs executed meanwhile (-1: not counted). */
    record Measured(long millis, long processes) {

        Measured plus(Measured other) {
            return new Measured(millis + other.millis, processes < 0 || other.processes < 0 ? -1 : processes + other.processes);
        }
    }

    private void row(String what, Measured m, Measured base) {
        out.printf("%-58s %7d ms %10s %7.2fx%n", what, m.millis(), m.processes() < 0 ? "?" : String.format("%,d", m.processes()),
                base.millis() == 0 ? 0.0 : (double) m.millis() / base.millis());
    }

    private void heading(String title) {
        out.println();
        out.println("== " + title + " " + "=".repeat(Math.max(3, 90 - title.length())));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static String text(CommandResult result) {
        return result.stdout().strip();
    }

    /** The absolute path of a tool on this machine's PATH. */
    static String tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (candidate.isAbsolute() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is not on the PATH");
    }

    /**
     * Runs a command on this machine and measures it: with {@code perf stat}, when this machine
     * has it, the command's own duration and how many programs it executed (itself included);
     * else the wall time around it, and no count.
     */
    static final class Measuring {
        private static final Pattern PERF_LINE = Pattern.compile("(\\d+),[^,]*,(duration_time|sched:sched_process_exec),.*");

        private final ExecCommandRunner runner;
        private final String perf;
        private long overheadMillis;

        Measuring(ExecCommandRunner runner) {
            this.runner = runner;
            this.perf = perfThatWorks(runner);
        }

        boolean counts() {
            return perf != null;
        }

        /** What measuring itself cost so far (perf's own start), to take out of longer timings. */
        long overheadMillis() {
            return overheadMillis;
        }

        Counted run(Command command) {
            long started = System.nanoTime();
            if (perf == null) {
                CommandResult result = runner.run(command);
                return new Counted(result, millisSince(started), -1);
            }
            Path stats;
            try {
                stats = Files.createTempFile("cagent-benchmark-perf-", ".csv");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            try {
                List<String> argv = new ArrayList<>(List.of(perf, "stat", "-x,", "-o", stats.toString(), "-e", "duration_time,sched:sched_process_exec", "--"));
                argv.addAll(command.argv());
                CommandResult result = runner.run(new Command(argv, command.stdin(), command.environment(), command.workingDirectory(), command.timeout(), command.effect()));
                long wall = millisSince(started);
                long nanos = -1;
                long processes = -1;
                for (String line : Files.readAllLines(stats)) {
                    Matcher m = PERF_LINE.matcher(line);
                    if (m.matches()) {
                        if (m.group(2).equals("duration_time")) {
                            nanos = Long.parseLong(m.group(1));
                        } else {
                            processes = Long.parseLong(m.group(1));
                        }
                    }
                }
                long millis = nanos < 0 ? wall : nanos / 1_000_000;
                overheadMillis += wall - millis;
                return new Counted(result, millis, processes);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                try {
                    Files.deleteIfExists(stats);
                } catch (IOException ignored) {
                    // a leftover temporary file of a few bytes
                }
            }
        }

        private static String perfThatWorks(ExecCommandRunner runner) {
            try {
                String perf = tool("perf");
                CommandResult probe = runner.run(Command.read(perf, "stat", "-x,", "-e", "duration_time,sched:sched_process_exec", "--", tool("true")));
                return probe.succeeded() && probe.stderr().contains("sched:sched_process_exec") && !probe.stderr().contains("<not supported>") ? perf : null;
            } catch (IllegalStateException | dev.cagent.exec.CommandException e) {
                return null;
            }
        }
    }

    /** A command's result, its duration in milliseconds and the programs it executed (-1: not counted). */
    record Counted(CommandResult result, long millis, long processes) {
    }

    /**
     * The Mac for the backend: a {@link FakeMac}, except for the workspace tree, whose commands
     * (its {@code find}s, and the {@code chmod}s and {@code chown}s naming paths in it, with or
     * without {@code sudo}) run for real on this machine. Each is translated to the local form
     * (see {@link #describeMachine}); a listing is translated back into what {@code ls -led}
     * prints on a Mac: the workspace's path as the plan spells it, the local owner and group
     * under the agent's and the group's names, and the entries cagent asked {@code chmod +a} for
     * under each directory it named (which this machine cannot store).
     */
    static final class RealTree implements CommandRunner {

        /** A listing; a write run here; a find run here but for its chmod +a actions, which print instead; a write not run at all. */
        enum Kind { LISTING, WRITE, WALKED, SKIPPED }

        /**
         * One command on the tree, or several in a row that differ only in their paths (argv-sized
         * batches of one chmod): {@code command} shows {@code PATH...} for the paths then.
         */
        record Run(Kind kind, String command, long millis, long processes, int commands, int paths) {

            /** What a command shows for its paths. */
            static final String PATHS = "PATH...";

            /** This run and the next one as one, when they ran the same command on other paths. */
            Optional<Run> merged(Run next) {
                if (kind != next.kind || paths == 0 || !command.equals(next.command)) {
                    return Optional.empty();
                }
                return Optional.of(new Run(kind, command, millis + next.millis, processes < 0 || next.processes < 0 ? -1 : processes + next.processes,
                        commands + next.commands, paths + next.paths));
            }

            @Override
            public String toString() {
                int at = command.indexOf(PATHS) + PATHS.length();
                String what = paths == 0 ? command : command.substring(0, at)
                        + String.format(" (%,d path%s%s)", paths, paths == 1 ? "" : "s", commands == 1 ? "" : String.format(" in %,d commands", commands)) + command.substring(at);
                return kind == Kind.SKIPPED ? "not run here: " + what
                        : kind == Kind.WALKED ? String.format("%6d ms %7s processes  run here but chmod +a (printed instead): %s", millis,
                        processes < 0 ? "?" : String.format("%,d", processes), what)
                        : String.format("%6d ms %7s processes  %s", millis, processes < 0 ? "?" : String.format("%,d", processes), what);
            }
        }

        private static final Pattern ENTRY = Pattern.compile("(\\S{10})\\S? +(\\d+) +(\\S+) +(\\S+) +(\\d+ .*)");

        private final FakeMac mac;
        private final Measuring real;
        private final String planPath;
        private final String realPath;
        private final String user;
        private final String group;
        private final List<Run> runs = new ArrayList<>();
        private final Map<String, List<String>> entriesAdded = new java.util.HashMap<>();
        private String lastListing = "";
        private long translationMillis;

        RealTree(FakeMac mac, Measuring real, String planPath, String realPath, String user, String group) {
            this.mac = mac;
            this.real = real;
            this.planPath = planPath;
            this.realPath = realPath;
            this.user = user;
            this.group = group;
        }

        @Override
        public CommandResult run(Command command) {
            List<String> argv = command.argv();
            List<String> inner = argv.get(0).equals("/usr/bin/sudo") ? argv.subList(argv.indexOf("--") + 1, argv.size()) : argv;
            if (inner.size() >= 3 && inner.get(0).equals("/usr/bin/find") && inner.get(2).equals(planPath)) {
                return find(command, inner);
            }
            if (List.of("/bin/chmod", "/usr/sbin/chown").contains(inner.get(0)) && inner.stream().anyMatch(this::inTheTree)) {
                return byPath(command, inner);
            }
            return mac.run(command);
        }

        private boolean inTheTree(String word) {
            return word.equals(planPath) || word.startsWith(planPath + "/");
        }

        private CommandResult find(Command command, List<String> inner) {
            List<String> local = new ArrayList<>(List.of(tool("find"), realPath, "-xdev"));
            boolean listing = false;
            List<String> entriesToAdd = new ArrayList<>();
            for (int i = 3; i < inner.size(); i++) {
                String word = inner.get(i);
                if (!word.equals("-exec") && !word.equals("-execdir")) {
                    String previous = inner.get(i - 1);
                    local.add(previous.equals("-user") ? user : previous.equals("-group") ? group : previous.equals("-path") ? here(word) : word);
                    continue;
                }
                int end = inner.subList(i, inner.size()).indexOf("{}") + i;
                List<String> utility = inner.subList(i + 1, end);
                i = end + 1;
                if (utility.size() == 4 && utility.subList(0, 3).equals(List.of("/bin/chmod", "-h", "+a"))) {
                    // no such ACLs here: the walk runs, each match is printed with the entry's number and remembered for later listings
                    local.addAll(List.of("-printf", entriesToAdd.size() + ":%p\\n"));
                    entriesToAdd.add(utility.get(3));
                    continue;
                }
                local.add(word);
                local.addAll(onThisMachine(utility));
                local.addAll(List.of("{}", "+"));
                listing |= utility.get(0).equals("/bin/ls");
            }
            Counted counted = runHere(command, local, listing ? Kind.LISTING : entriesToAdd.isEmpty() ? Kind.WRITE : Kind.WALKED, null, 0);
            CommandResult result = counted.result();
            if (!entriesToAdd.isEmpty()) {
                for (String line : result.stdout().split("\n")) {
                    if (!line.isEmpty()) {
                        String path = line.substring(line.indexOf(':') + 1);
                        String entry = entriesToAdd.get(Integer.parseInt(line.substring(0, line.indexOf(':'))));
                        entriesAdded.computeIfAbsent(planPath + path.substring(realPath.length()), p -> new ArrayList<>()).add(0, entry);
                    }
                }
                return new CommandResult(result.exitCode(), "", result.stderr(), result.duration());
            }
            if (!listing) {
                return result;
            }
            long started = System.nanoTime();
            lastListing = asOnTheMac(result.stdout());
            translationMillis += millisSince(started);
            return new CommandResult(result.exitCode(), lastListing, result.stderr(), result.duration());
        }

        /** A {@code -path} pattern naming the tree as the plan does, naming it here. */
        private String here(String pattern) {
            return inTheTree(pattern) ? realPath + pattern.substring(planPath.length()) : pattern;
        }

        /**
         * A command naming paths in the tree: {@code chmod -h MODE}, {@code chown -h OWNER:GROUP},
         * run here on the same paths; {@code chmod -h +a 'ACE'}, remembered for the listings.
         */
        private CommandResult byPath(Command command, List<String> inner) {
            int firstPath = inner.indexOf(inner.stream().filter(this::inTheTree).findFirst().orElseThrow());
            List<String> utility = inner.subList(0, firstPath);
            List<String> paths = inner.subList(firstPath, inner.size());
            if (utility.size() == 4 && utility.subList(0, 3).equals(List.of("/bin/chmod", "-h", "+a"))) {
                paths.forEach(path -> entriesAdded.computeIfAbsent(path, p -> new ArrayList<>()).add(0, utility.get(3)));
                runs.add(new Run(Kind.SKIPPED, dev.cagent.exec.ShellQuoting.join(utility) + " PATH...", 0, 0, 1, paths.size()));
                return CommandResult.of(0, "", "");
            }
            List<String> form = onThisMachine(utility);
            List<String> local = new ArrayList<>(form);
            paths.forEach(path -> local.add(realPath + path.substring(planPath.length())));
            String shown = dev.cagent.exec.ShellQuoting.join(form) + " PATH...   [for: "
                    + dev.cagent.exec.ShellQuoting.join(command.argv().subList(0, command.argv().size() - paths.size())) + " PATH...]";
            return runHere(command, local, Kind.WRITE, shown, paths.size()).result();
        }

        /**
         * Runs the local form and records it, shown as {@code shown} (naming its {@code paths}
         * as PATH...) or, when null, as its own line with the plan's paths.
         */
        private Counted runHere(Command command, List<String> local, Kind kind, String shown, int paths) {
            Command translated = new Command(local, command.stdin(), Map.of("LC_ALL", "C", "PATH", "/usr/bin:/bin"), null,
                    Duration.ofMinutes(30), command.effect());
            Counted counted = real.run(translated);
            runs.add(new Run(kind, shown != null ? shown : translated.toShellLine().replace(realPath, planPath)
                    + "   [for: " + dev.cagent.exec.ShellQuoting.join(command.argv()) + "]", counted.millis(), counted.processes(), 1, paths));
            return counted;
        }

        /** The utility in the form this machine has. */
        private List<String> onThisMachine(List<String> utility) {
            if (utility.equals(List.of("/bin/ls", "-led"))) {
                return List.of(tool("ls"), "-ld");
            }
            if (utility.size() == 3 && utility.subList(0, 2).equals(List.of("/usr/sbin/chown", "-h"))) {
                String owner = utility.get(2).substring(0, utility.get(2).indexOf(':'));
                String ownerGroup = utility.get(2).substring(utility.get(2).indexOf(':') + 1);
                return List.of(tool("chown"), "-h", (owner.equals(AGENT) ? user : owner) + ":" + (ownerGroup.equals(GROUP) ? group : ownerGroup));
            }
            if (utility.get(0).equals("/bin/chmod") && utility.size() == 3 && utility.get(1).equals("-h") && utility.get(2).matches("[0-7]{4}")) {
                return List.of(tool("chmod"), utility.get(2));
            }
            throw new IllegalStateException("no form on this machine for " + utility);
        }

        private String asOnTheMac(String listing) {
            StringBuilder mac = new StringBuilder(listing.length() + listing.length() / 4);
            for (String line : listing.split("\n")) {
                Matcher m = ENTRY.matcher(line);
                if (!m.matches()) {
                    throw new IllegalStateException("unexpected ls -ld line: " + line);
                }
                String rest = m.group(5);
                int at = rest.indexOf(realPath);
                List<String> entries = entriesAdded.getOrDefault(planPath + rest.substring(at + realPath.length()), List.of());
                boolean withEntries = !entries.isEmpty();
                mac.append(m.group(1)).append(withEntries ? "+" : " ").append(' ').append(m.group(2)).append(' ')
                        .append(m.group(3).equals(user) ? AGENT : m.group(3)).append("  ")
                        .append(m.group(4).equals(group) ? GROUP : m.group(4)).append("  ")
                        .append(rest, 0, at).append(planPath).append(rest, at + realPath.length(), rest.length()).append('\n');
                for (int i = 0; i < entries.size(); i++) {
                    mac.append(' ').append(i).append(": ").append(entries.get(i)).append('\n');
                }
            }
            return mac.toString();
        }

        @Override
        public RunningCommand start(Command command) {
            return mac.start(command);
        }

        @Override
        public Object machine() {
            return mac;
        }

        Measured measured(Kind kind) {
            List<Run> ofKind = runs.stream().filter(r -> r.kind() == kind).toList();
            long processes = ofKind.stream().anyMatch(r -> r.processes() < 0) ? -1 : ofKind.stream().mapToLong(Run::processes).sum();
            return new Measured(ofKind.stream().mapToLong(Run::millis).sum(), processes);
        }

        List<Run> runs() {
            return List.copyOf(runs);
        }

        /** The runs, those in a row that differ only in their paths as one. */
        List<Run> runsInShort() {
            List<Run> inShort = new ArrayList<>();
            for (Run run : runs) {
                Optional<Run> merged = inShort.isEmpty() ? Optional.empty() : inShort.get(inShort.size() - 1).merged(run);
                if (merged.isPresent()) {
                    inShort.set(inShort.size() - 1, merged.get());
                } else {
                    inShort.add(run);
                }
            }
            return inShort;
        }

        String lastListing() {
            return lastListing;
        }

        long translationMillis() {
            return translationMillis;
        }

        void clear() {
            runs.clear();
            translationMillis = 0;
        }
    }
}
