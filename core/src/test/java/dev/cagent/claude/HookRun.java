package dev.cagent.claude;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** One run of a hook command by a real {@code /bin/sh -c}, fed {@code stdin}, within the hook's timeout. */
public record HookRun(int exitCode, String stdout, String stderr) {

    /** A hook must never disturb the agent's session: exit 0, nothing printed. */
    public void assertQuiet() {
        assertEquals(0, exitCode, "exit code; stderr: " + stderr);
        assertEquals("", stdout, "stdout");
        assertEquals("", stderr, "stderr");
    }

    public static HookRun of(String command, Path workingDirectory, byte[] stdin) {
        try {
            Process process = new ProcessBuilder("/bin/sh", "-c", command).directory(workingDirectory.toFile()).start();
            CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException closedEarly) {
                // a hook may exit without reading all its input (no jq to read it): Claude Code copes, so do we
            }
            if (!process.waitFor(ClaudeHook.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("the hook did not finish within its timeout of " + ClaudeHook.TIMEOUT_SECONDS + " s");
            }
            return new HookRun(process.exitValue(), new String(stdout.join(), StandardCharsets.UTF_8), new String(stderr.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream stream) {
        try (stream; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            stream.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
