package dev.cagent.examples;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs jshell/cage.jsh snippet by snippet, as jshell does, so the script keeps working as the API moves. */
class JShellScriptTest {

    private static final Path SCRIPT = Path.of("jshell", "cage.jsh");

    @Test
    void theScriptRunsAndShowsThePlanItsLintAndAPreviewThatWritesNothing() throws IOException {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        PrintStream console = System.out;
        // the local engine runs the snippets in this JVM, where they print to System.out
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try (JShell shell = JShell.builder().executionEngine("local").build()) {
            shell.addToClasspath(System.getProperty("java.class.path"));
            for (String snippet : snippets(shell, Files.readString(SCRIPT))) {
                for (SnippetEvent event : shell.eval(snippet)) {
                    if (event.status() == Snippet.Status.REJECTED) {
                        problems.add(snippet + "\n  " + shell.diagnostics(event.snippet()).map(d -> d.getMessage(null)).toList());
                    }
                    if (event.exception() != null) {
                        problems.add(snippet + "\n  threw " + event.exception());
                    }
                }
            }
        } finally {
            System.setOut(console);
        }
        String out = printed.toString(StandardCharsets.UTF_8);

        assertEquals(List.of(), problems);
        assertTrue(out.startsWith("CagePlan for meeseeks (working with alice)"), out);
        assertTrue(out.contains("WARNING DENY_PRIVATE_ETC [/private/etc]"), out);
        assertTrue(out.contains("#!/bin/sh"), out);
        assertTrue(out.contains("/usr/bin/sudo -n -- /usr/bin/dscl . -create /Users/meeseeks RealName 'Mr. Meeseeks'"), out);
        assertTrue(out.contains("apply would go ahead: true"), out);
        assertTrue(out.contains("the fake Mac saw 0 writes during the preview"), out);
    }

    /** The script's Java snippets in order; jshell commands such as /exit are left out. */
    private static List<String> snippets(JShell shell, String script) {
        List<String> snippets = new ArrayList<>();
        StringBuilder java = new StringBuilder();
        script.lines().filter(l -> !l.startsWith("/")).forEach(l -> java.append(l).append('\n'));
        String rest = java.toString();
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(rest);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            assertTrue(info.completeness().isComplete(), "incomplete snippet at the end of the script: " + rest);
            snippets.add(info.source());
            rest = info.remaining();
        }
        return snippets;
    }
}
