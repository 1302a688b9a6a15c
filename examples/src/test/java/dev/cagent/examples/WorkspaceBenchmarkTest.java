package dev.cagent.examples;

import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.MacPaths;
import dev.cagent.exec.Command;
import dev.cagent.macos.ExecCommandRunner;
import dev.cagent.macos.MacOsBackend;
import dev.cagent.report.ApplyReport;
import dev.cagent.testkit.FakeMac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's {@link WorkspaceBenchmark.RealTree} runs the workspace's commands on a real tree
 * of this machine: its finds and the chmod by path change the real modes, the directories its
 * {@code chmod +a} finds walk show those entries in later listings, and the re-apply on the shared tree lists its directories only.
 */
class WorkspaceBenchmarkTest {

    @TempDir
    Path temp;

    @Test
    void theWorkspaceWritesChangeTheRealTreeAndTheReApplyListsItsDirectoriesOnly() throws IOException {
        Path tree = Files.createDirectory(temp.resolve("tree"));
        Path sub = Files.createDirectory(tree.resolve("src"));
        Path plain = file(sub.resolve("main.c"), "rw-r--r--");
        Path program = file(sub.resolve("build.sh"), "rwxr-xr-x");
        Path top = file(tree.resolve("README.md"), "rw-------");
        ExecCommandRunner runner = new ExecCommandRunner();
        String user = runner.run(Command.read(WorkspaceBenchmark.tool("id"), "-un")).stdout().strip();
        String group = runner.run(Command.read(WorkspaceBenchmark.tool("id"), "-gn")).stdout().strip();
        FakeMac mac = FakeMac.stock();
        String planPath = MacPaths.canonical(tree.toString());
        WorkspaceBenchmark.mkdirs(mac, planPath);
        WorkspaceBenchmark.RealTree real = new WorkspaceBenchmark.RealTree(mac, new WorkspaceBenchmark.Measuring(runner), planPath, tree.toString(), user, group);
        MacOsBackend backend = MacOsBackend.on(real).readBack(3, Duration.ZERO).build();
        CagePlan plan = Cage.forUser(WorkspaceBenchmark.AGENT).collaborationGroup(WorkspaceBenchmark.GROUP).workspace(planPath).build();

        ApplyReport first = backend.apply(plan);

        assertTrue(first.succeeded(), first.toString());
        assertEquals("rwxrws---", mode(tree));
        assertEquals("rwxrws---", mode(sub));
        assertEquals("rw-rw----", mode(plain));
        assertEquals("rwxrwx---", mode(program));
        assertEquals("rw-rw----", mode(top));
        List<String> walked = real.runs().stream().filter(r -> r.kind() == WorkspaceBenchmark.RealTree.Kind.WALKED).map(Object::toString).toList();
        assertEquals(1, walked.size(), walked::toString);
        assertTrue(walked.get(0).contains("run here but chmod +a (printed instead): ") && walked.get(0).contains(" -exec " + WorkspaceBenchmark.tool("chmod")
                + " 0660 '{}' + ") && walked.get(0).contains("-printf '0:%p\\n'") && walked.get(0).contains("-printf '1:%p\\n'"), walked::toString);

        real.clear();
        ApplyReport again = backend.apply(plan);

        assertTrue(again.succeeded(), again.toString());
        assertEquals(0, again.writes(), again.toString());
        List<String> objects = real.lastListing().lines().filter(line -> !line.startsWith(" ")).toList();
        assertEquals(2, objects.size(), real.lastListing());
        assertTrue(objects.stream().allMatch(line -> line.startsWith("drwxrws---+ ") && line.contains(" meeseeks  collabo ")), real.lastListing());
        assertEquals(4, real.lastListing().lines().filter(line -> line.matches(" [01]: group:collabo allow .*")).count(), real.lastListing());
    }

    private static Path file(Path path, String mode) throws IOException {
        Files.createFile(path);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        return path;
    }

    /** The nine permission characters as ls shows them (s for setgid with execute). */
    private static String mode(Path path) throws IOException {
        int bits = (Integer) Files.getAttribute(path, "unix:mode") & 07777;
        String rwx = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        return (bits & 02000) != 0 ? rwx.substring(0, 5) + (rwx.charAt(5) == 'x' ? 's' : 'S') + rwx.substring(6) : rwx;
    }
}
