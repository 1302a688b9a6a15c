package dev.cagent.macos.parse;

import dev.cagent.macos.parse.StatEntry.FileType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatEntryTest {

    private static final List<String> OPERANDS = List.of("/Users/alice", "/Users/alice/work shop", "/etc", "/Users/ghost",
            "/private/etc/sudoers", "/dev/null", "/Users/Shared/by nobody", "/Users/Shared/workshop");

    @Test
    void theFormatIsTheOneTheParserReads() {
        assertEquals("%p %u %g %Su %Sg %N", StatEntry.FORMAT);
    }

    @Test
    void readsOneLinePerExistingOperandInOrder() {
        Map<String, StatEntry> entries = StatEntry.parse(Fixtures.read("stat/stat-operands.stdout"), OPERANDS);
        assertEquals(List.of("/Users/alice", "/Users/alice/work shop", "/etc", "/private/etc/sudoers", "/dev/null",
                "/Users/Shared/by nobody", "/Users/Shared/workshop"), List.copyOf(entries.keySet()));
        assertEquals(new StatEntry(0750, FileType.DIRECTORY, 501, 20, "alice", "staff", "/Users/alice"), entries.get("/Users/alice"));
        assertEquals(new StatEntry(0770, FileType.DIRECTORY, 501, 700, "alice", "collabo", "/Users/alice/work shop"),
                entries.get("/Users/alice/work shop"));
        assertEquals(FileType.SYMLINK, entries.get("/etc").type());
        assertTrue(entries.get("/etc").isSymlink());
        assertEquals(0755, entries.get("/etc").mode());
        assertEquals(new StatEntry(0440, FileType.FILE, 0, 0, "root", "wheel", "/private/etc/sudoers"), entries.get("/private/etc/sudoers"));
        assertEquals(FileType.OTHER, entries.get("/dev/null").type());
        assertEquals(0666, entries.get("/dev/null").mode());
        StatEntry nobody = entries.get("/Users/Shared/by nobody");
        assertEquals(-2, nobody.uid());
        assertEquals(-1, nobody.gid());
        assertEquals(02770, entries.get("/Users/Shared/workshop").mode());
    }

    @Test
    void namesTheMissingOperands() {
        assertEquals(List.of("/Users/ghost"), StatEntry.missing(Fixtures.read("stat/stat-operands.stderr")));
        assertEquals(List.of(), StatEntry.missing("stat: /x: stat: Permission denied\n"));
    }

    @Test
    void aPathThroughAFileIsMissingToo() {
        assertEquals(List.of("/Users/ghost", "/Users/meeseeks/workshop"), StatEntry.missing(
                "stat: /Users/meeseeks/workshop: stat: Not a directory\nstat: /Users/ghost: stat: No such file or directory\n"));
    }

    @Test
    void matchesLinesByTheWholeOperandEvenWhenOneIsThePrefixOfAnother() {
        Map<String, StatEntry> entries = StatEntry.parse("100644 0 0 root wheel /a b\n", List.of("/a", "/a b"));
        assertEquals(List.of("/a b"), List.copyOf(entries.keySet()));
    }

    @Test
    void readsAnOperandHoldingANewline() {
        Map<String, StatEntry> entries = StatEntry.parse("100644 0 0 root wheel /x\ny\n40755 0 0 root wheel /z", List.of("/x\ny", "/z"));
        assertEquals(FileType.FILE, entries.get("/x\ny").type());
        assertEquals(FileType.DIRECTORY, entries.get("/z").type());
    }

    @Test
    void refusesOutputThatBelongsToNoOperand() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StatEntry.parse("40755 0 0 root wheel /Users\n40755 0 0 root wheel /elsewhere\n", List.of("/Users", "/etc")));
        assertTrue(e.getMessage().contains("'40755 0 0 root wheel /elsewhere'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> StatEntry.parse("drwxr-xr-x /Users\n", List.of("/Users")));
        assertThrows(IllegalStateException.class, () -> StatEntry.parse("100644 4294967296 0 x y /a\n", List.of("/a")));
    }

    @Test
    void allMissingIsAnEmptyMap() {
        assertEquals(Map.of(), StatEntry.parse("", List.of("/a", "/b")));
    }
}
