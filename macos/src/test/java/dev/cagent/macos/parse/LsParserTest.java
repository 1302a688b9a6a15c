package dev.cagent.macos.parse;

import dev.cagent.macos.parse.AclEntry.Principal;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.cagent.AclRight.APPEND_DATA;
import static dev.cagent.AclRight.DELETE;
import static dev.cagent.AclRight.DELETE_CHILD;
import static dev.cagent.AclRight.EXECUTE;
import static dev.cagent.AclRight.READ_ATTRIBUTES;
import static dev.cagent.AclRight.READ_DATA;
import static dev.cagent.AclRight.READ_EXTATTRIBUTES;
import static dev.cagent.AclRight.READ_SECURITY;
import static dev.cagent.AclRight.WRITE_ATTRIBUTES;
import static dev.cagent.AclRight.WRITE_DATA;
import static dev.cagent.AclRight.WRITE_EXTATTRIBUTES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LsParserTest {

    private static LsEntry at(List<LsEntry> entries, String path) {
        return entries.stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow(() -> new AssertionError("no entry " + path));
    }

    @Test
    void readsOneDirectoryWithItsAcl() {
        List<LsEntry> entries = LsParser.parse(Fixtures.read("ls/ls-led-home.txt"));
        assertEquals(List.of(new LsEntry('d', 0750, 15, "alice", "staff", 480, "/Users/alice", Optional.empty(), List.of(
                new AclEntry(0, Principal.user("meeseeks"), false, false, EnumSet.of(READ_DATA, WRITE_DATA, EXECUTE), Set.of()),
                new AclEntry(1, Principal.group("everyone"), false, false, EnumSet.of(DELETE), Set.of())))), entries);
        assertTrue(entries.get(0).isDirectory());
    }

    @Test
    void readsManyOperandsOfOneRun() {
        List<LsEntry> entries = LsParser.parse(Fixtures.read("ls/ls-led-many.txt"));
        assertEquals(List.of("/Users", "/Users/Shared", "/Users/alice/.ssh/id_ed25519", "/Users/alice/Downloads",
                "/Users/alice/work shop/notes 2025.txt", "/Users/ghost-home", "/etc", "/private/etc", "/private/tmp", "/usr/bin/sudo"),
                entries.stream().map(LsEntry::path).toList());

        assertEquals(2, at(entries, "/Users").acl().size());
        assertEquals(01777, at(entries, "/Users/Shared").mode());
        assertEquals(List.of(), at(entries, "/Users/Shared").acl());

        LsEntry key = at(entries, "/Users/alice/.ssh/id_ed25519");
        assertEquals(0600, key.mode());
        assertEquals(411, key.size());
        assertTrue(key.isRegularFile());

        LsEntry downloads = at(entries, "/Users/alice/Downloads");
        assertEquals(List.of(new AclEntry(0, Principal.group("everyone"), false, false, EnumSet.of(DELETE), Set.of())), downloads.acl());

        LsEntry notes = at(entries, "/Users/alice/work shop/notes 2025.txt");
        assertEquals("collabo", notes.group());
        assertEquals(Principal.Kind.UUID, notes.acl().get(0).principal().kind());
        assertTrue(notes.acl().get(1).inherited());

        assertEquals("503", at(entries, "/Users/ghost-home").owner());

        LsEntry etc = at(entries, "/etc");
        assertTrue(etc.isSymlink());
        assertEquals(Optional.of("private/etc"), etc.linkTarget());
        assertEquals(0755, etc.mode());

        assertEquals(85, at(entries, "/private/etc").links());
        LsEntry sudo = at(entries, "/usr/bin/sudo");
        assertEquals(04511, sudo.mode());
        assertEquals(1404560, sudo.size());
    }

    @Test
    void readsFindOutputOfSeveralRunsWithTheirOwnColumnWidths() {
        List<LsEntry> entries = LsParser.parse(Fixtures.read("ls/find-workshop.txt"));
        assertEquals(8, entries.size());

        LsEntry workshop = at(entries, "/Users/Shared/workshop");
        assertEquals(02770, workshop.mode());
        assertEquals(EnumSet.of(READ_DATA, WRITE_DATA, EXECUTE, DELETE, APPEND_DATA, DELETE_CHILD, READ_ATTRIBUTES, WRITE_ATTRIBUTES,
                READ_EXTATTRIBUTES, WRITE_EXTATTRIBUTES, READ_SECURITY), workshop.acl().get(0).rights());
        assertEquals(EnumSet.of(AclFlag.DIRECTORY_INHERIT), workshop.acl().get(0).flags());
        assertEquals(EnumSet.of(AclFlag.FILE_INHERIT, AclFlag.ONLY_INHERIT), workshop.acl().get(1).flags());

        AclEntry inherited = at(entries, "/Users/Shared/workshop/README.md").acl().get(0);
        assertEquals("group:collabo allow read,write,delete,append,readattr,writeattr,readextattr,writeextattr,readsecurity,inherited",
                inherited.toChmodText(false));
        assertEquals(workshop.acl().get(1).rights(), inherited.rights());

        assertEquals(0770, at(entries, "/Users/Shared/workshop/src/main.py").mode());
        assertEquals('p', at(entries, "/Users/Shared/workshop/src/queue").type());
        assertEquals(List.of(), at(entries, "/Users/Shared/workshop/src/util.py").acl());
        assertEquals(03760, at(entries, "/Users/Shared/workshop/tmp").mode());
        LsEntry odd = at(entries, "/Users/Shared/workshop/odd mode -> not a link");
        assertEquals(04640, odd.mode());
        assertFalse(odd.isSymlink());
        assertEquals(Optional.empty(), odd.linkTarget());
    }

    @Test
    void refusesAFileNameThatSmugglesAnAclLine() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LsParser.parse(Fixtures.read("ls/ls-led-newline-in-name.txt")));
        assertTrue(e.getMessage().contains("' 0: group:collabo allow read'"), e.getMessage());
    }

    @Test
    void refusesALineThatIsNeitherEntryNorAcl() {
        String output = "-rw-r--r--  1 alice  staff  0 Dec  3 16:27 /tmp/a\nb\n";
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LsParser.parse(output));
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> LsParser.parse("-rw-r--r--  1 alice  staff  0 Dec  3 16:27 /tmp/a\n\n"));
        assertThrows(IllegalStateException.class, () -> LsParser.parse("total 8\n"));
    }

    @Test
    void refusesAclLinesThatCannotBelongWhereTheyStand() {
        assertThrows(IllegalStateException.class, () -> LsParser.parse(" 0: user:x deny read\n"));
        assertThrows(IllegalStateException.class, () -> LsParser.parse(
                "-rw-r--r--+ 1 alice  staff  0 Dec  3 16:27 /tmp/a\n 0: user:x deny read\n 0: user:y deny read\n"));
        IllegalStateException noLines = assertThrows(IllegalStateException.class, () -> LsParser.parse(
                "-rw-r--r--+ 1 alice  staff  0 Dec  3 16:27 /tmp/a\n"));
        assertTrue(noLines.getMessage().contains("-e"), noLines.getMessage());
    }

    @Test
    void refusesASymlinkWhoseArrowIsAmbiguous() {
        assertThrows(IllegalStateException.class, () -> LsParser.parse("lrwxr-xr-x  1 root  wheel  11 Dec  3 16:27 /a -> b -> c\n"));
        assertThrows(IllegalStateException.class, () -> LsParser.parse("lrwxr-xr-x  1 root  wheel  11 Dec  3 16:27 /a\n"));
    }

    @Test
    void readsDevicesOtherLocalesAndOutputWithoutFinalNewline() {
        List<LsEntry> entries = LsParser.parse(
                "crw-rw-rw-  1 root  wheel    3,   2 Jan 15 10:00 /dev/null\n"
                        + "-rw-r--r--  1 root  wheel  7 Dez  3 16:27 /tmp/deutsch");
        assertEquals('c', entries.get(0).type());
        assertEquals(0666, entries.get(0).mode());
        assertEquals(0, entries.get(0).size());
        assertEquals("/tmp/deutsch", entries.get(1).path());
        assertEquals(7, entries.get(1).size());
        assertEquals(List.of(), LsParser.parse(""));
    }

    @Test
    void namesTheOperandsLsCouldNotFind() {
        assertEquals(List.of("/Users/ghost"), LsParser.missing(Fixtures.read("ls/ls-missing.stderr")));
        assertEquals(List.of(), LsParser.missing("ls: /x: Permission denied\n"));
    }
}
