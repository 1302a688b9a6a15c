package dev.cagent.examples;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The main job end to end on the fake Mac, judged by its output: each test reads one section
 * (found by its number) and checks the facts in it, not the wording around them.
 */
class SeedCageTest {

    private static final Pattern HEADING = Pattern.compile("^== (\\d+)\\. .*$", Pattern.MULTILINE);

    private static String output;
    private static Map<Integer, String> sections;

    @BeforeAll
    static void runTheJob() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        new SeedCage(new PrintStream(buffer, true, StandardCharsets.UTF_8)).runOnFakeMac();
        output = buffer.toString(StandardCharsets.UTF_8);
        sections = new LinkedHashMap<>();
        Matcher m = HEADING.matcher(output);
        List<int[]> bounds = new ArrayList<>();
        while (m.find()) {
            bounds.add(new int[] {Integer.parseInt(m.group(1)), m.end()});
        }
        for (int i = 0; i < bounds.size(); i++) {
            int end = i + 1 < bounds.size() ? output.lastIndexOf("\n==", bounds.get(i + 1)[1]) : output.length();
            sections.put(bounds.get(i)[0], output.substring(bounds.get(i)[1], end));
        }
    }

    private static String section(int number) {
        String text = sections.get(number);
        if (text == null) {
            fail("the output has no section " + number + "; it has " + sections.keySet() + ":\n" + output);
        }
        return text;
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void theSeedPlanHasExactlyTheThreeBlockingFindings() {
        Set<String> errorCodes = lines(section(2)).stream()
                .filter(l -> l.startsWith("ERROR "))
                .map(l -> l.split("\\s+")[1])
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("DENY_BLOCKS_HOME", "DENY_BLOCKS_WORKSPACE", "WORKSPACE_FILES_EXECUTABLE")), errorCodes);
    }

    @Test
    void applyRefusesTheSeedPlanNamingTheHolderOfGid69AndWritesNothing() {
        String refusal = lines(section(2)).stream().filter(l -> l.contains("GID 69")).findFirst()
                .orElseGet(() -> fail("no refusal names GID 69:\n" + section(2)));
        assertTrue(refusal.contains("network"), "the refusal names the group holding GID 69: " + refusal);
        assertTrue(section(2).contains("apply: refused, 0 writes"), section(2));
    }

    @Test
    void theCorrectedPlanHasNoFindings() {
        assertTrue(section(3).contains("no findings"), section(3));
    }

    @Test
    void thePreviewRunsEveryRootCommandThroughNonInteractiveSudoAndQuotesTheRealName() {
        String script = section(4);
        assertTrue(script.contains("#!/bin/sh"), script);
        List<String> sudoLines = lines(script).stream().filter(l -> l.contains("/usr/bin/sudo")).toList();
        assertTrue(sudoLines.size() > 10, "expected the root commands through sudo:\n" + script);
        sudoLines.forEach(l -> assertTrue(l.contains("/usr/bin/sudo -n -- "), "sudo without -n would wait for a password: " + l));
        assertTrue(script.contains("/usr/bin/dscl . -create /Users/meeseeks RealName 'Mr. Meeseeks'"), script);
    }

    @Test
    void thePreviewSetsNoPassword() {
        String script = section(4);
        assertFalse(script.contains(SeedCage.SEED_PASSWORD), script);
        assertFalse(script.contains("passwd"), "the corrected plan sets no password:\n" + script);
        assertTrue(script.contains("/usr/bin/dscl . -create /Users/meeseeks Password '*'"), script);
    }

    @Test
    void theFirstApplyChangesEveryStepAndFailsNone() {
        List<String> outcomes = lines(section(5)).stream()
                .map(l -> l.split("\\s+")[0])
                .filter(word -> word.matches("CHANGED|UNCHANGED|FAILED|ROLLED_BACK|NOT_REACHED|SKIPPED"))
                .toList();
        assertEquals(SeedCage.correctedPlan("alice").steps().size(), outcomes.size(), section(5));
        assertEquals(Set.of("CHANGED"), Set.copyOf(outcomes), section(5));
    }

    @Test
    void theSecondApplyOnlyReads() {
        assertTrue(Pattern.compile("second apply:.*\\b0 of them writes").matcher(section(6)).find(), section(6));
        Matcher first = Pattern.compile("first apply:.*\\b(\\d+) of them writes").matcher(section(6));
        assertTrue(first.find() && Integer.parseInt(first.group(1)) > 0, section(6));
    }

    @Test
    void theAgentReachesOnlyTheWorkshop() {
        Map<String, List<String>> table = accessTable();
        assertEquals(List.of("---", "rwx"), table.get("/Users/alice"));
        assertEquals(List.of("---", "rw-"), table.get("/Users/alice/.ssh/id_ed25519"));
        assertEquals(List.of("rwx", "rwx"), table.get(SeedCage.WORKSHOP));
        assertEquals(List.of("rw-", "rw-"), table.get(SeedCage.WORKSHOP + "/README.md"));
        assertEquals("--x", table.get("/Users").get(0), "the agent may pass /Users to its home but not list it");
    }

    /** Path to the rights of [agent, human], by the table's own header. */
    private static Map<String, List<String>> accessTable() {
        List<String> rows = lines(section(7));
        List<String> header = List.of(rows.get(0).split("\\s+"));
        int agent = header.indexOf(SeedCage.AGENT);
        int human = header.indexOf("alice");
        assertTrue(header.get(0).equals("path") && agent > 0 && human > 0, "unexpected table header: " + rows.get(0));
        Map<String, List<String>> table = new LinkedHashMap<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split("\\s+");
            if (cells[0].startsWith("/")) {
                table.put(cells[0], List.of(cells[agent], cells[human]));
            }
        }
        return table;
    }

    @Test
    void verifyNamesTheDenyEntryRemovedByHandAndApplyRepairsIt() {
        String verify = section(8);
        String afterRemoval = verify.substring(verify.indexOf("removes the deny entry"));
        assertTrue(afterRemoval.lines().anyMatch(l -> l.contains("deny") && l.contains("/Users/alice") && l.contains("no deny entry for meeseeks")),
                verify);
        Matcher repair = Pattern.compile("apply repairs it: (\\d+) writes; verify: no drift").matcher(verify);
        assertTrue(repair.find(), verify);
        assertTrue(Integer.parseInt(repair.group(1)) > 0, verify);
    }

    @Test
    void filesEitherSideCreatesStayEditableByTheOther() {
        assertTrue(section(9).lines().anyMatch(l -> l.contains("alice edits it: yes, it now reads 'written by the agent\\nedited by alice\\n'")), section(9));
        assertTrue(section(9).lines().anyMatch(l -> l.contains("the agent edits it: yes, it now reads 'written by alice\\nedited by the agent\\n'")), section(9));
    }

    @Test
    void claudeCodeStartsAsTheAgentWithACleanEnvironmentInTheWorkshop() {
        String line = lines(section(10)).get(0);
        assertTrue(line.startsWith("/usr/bin/sudo -n -u meeseeks -H -- /usr/bin/env -i "), line);
        assertTrue(line.contains(" HOME=/Users/meeseeks "), line);
        assertTrue(line.contains("umask 002"), line);
        assertTrue(line.contains(" sh /Users/meeseeks/workshop /opt/homebrew/bin/claude --settings "
                + "'/Library/Application Support/cagent/meeseeks/claude-settings.json'"), line);
    }

    @Test
    void undoLeavesTheStockMac() {
        String undo = section(11);
        assertTrue(undo.contains("undone: deleted user meeseeks"), undo);
        assertTrue(undo.contains("back to its stock state: yes"), undo);
        assertTrue(undo.contains("appears in none of them: yes"), undo);
    }

    @Test
    void theSeedPasswordAppearsNowhereInTheOutput() {
        assertFalse(output.contains(SeedCage.SEED_PASSWORD));
        assertTrue(section(1).contains("password=set (hidden)"), "the seed plan does set a password: " + section(1));
    }

    /** What --apply and --undo do on a real Mac, run against the fake one through the same code. */
    @Test
    void applyThenUndoAsOnARealMacLeavesTheMacAsItWas() {
        dev.cagent.testkit.FakeMac mac = dev.cagent.testkit.FakeMac.stock();
        dev.cagent.testkit.MacSnapshot stock = mac.snapshot();
        dev.cagent.macos.MacOsBackend backend = dev.cagent.macos.MacOsBackend.on(mac).build();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        SeedCage job = new SeedCage(new PrintStream(buffer, true, StandardCharsets.UTF_8));

        assertTrue(job.previewOn(backend, "alice"));
        assertEquals(List.of(), stock.diff(mac.snapshot()), "--preview writes nothing");
        assertTrue(buffer.toString(StandardCharsets.UTF_8).contains("/usr/sbin/createhomedir -c -u meeseeks"), "the preview shows the writes");
        buffer.reset();
        job.applyOn(backend, "alice");
        String applied = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(applied.contains("0 failed") && applied.contains("-Dexec.args=--undo"), applied);
        assertTrue(backend.verify(SeedCage.correctedPlan("alice")).isClean());
        job.undoOn(backend);

        assertEquals(List.of(), stock.diff(mac.snapshot()), buffer.toString(StandardCharsets.UTF_8));
    }
}
