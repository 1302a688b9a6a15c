package dev.cagent.macos.parse;

import dev.cagent.AclRight;
import dev.cagent.macos.parse.AclEntry.Principal;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static dev.cagent.AclRight.APPEND_DATA;
import static dev.cagent.AclRight.CHANGE_OWNER;
import static dev.cagent.AclRight.DELETE;
import static dev.cagent.AclRight.DELETE_CHILD;
import static dev.cagent.AclRight.EXECUTE;
import static dev.cagent.AclRight.READ_ATTRIBUTES;
import static dev.cagent.AclRight.READ_DATA;
import static dev.cagent.AclRight.WRITE_DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AclEntryTest {

    @Test
    void readsAUserDenyWithDirectoryNames() {
        AclEntry entry = AclEntry.parseLsLine(" 0: user:meeseeks deny list,add_file,search");
        assertEquals(new AclEntry(0, Principal.user("meeseeks"), false, false, EnumSet.of(READ_DATA, WRITE_DATA, EXECUTE), Set.of()), entry);
    }

    @Test
    void readsAnInheritedGroupAllowWithFlagsAfterTheRights() {
        AclEntry entry = AclEntry.parseLsLine(" 1: group:collabo inherited allow list,add_file,search,delete_child,file_inherit,directory_inherit");
        assertEquals(1, entry.index());
        assertEquals(Principal.group("collabo"), entry.principal());
        assertTrue(entry.inherited());
        assertTrue(entry.allow());
        assertEquals(EnumSet.of(READ_DATA, WRITE_DATA, EXECUTE, DELETE_CHILD), entry.rights());
        assertEquals(EnumSet.of(AclFlag.FILE_INHERIT, AclFlag.DIRECTORY_INHERIT), entry.flags());
    }

    @Test
    void readsABareUuidLeftByADeletedUser() {
        AclEntry entry = AclEntry.parseLsLine(" 2: 6A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D deny read");
        assertEquals(new Principal(Principal.Kind.UUID, "6A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"), entry.principal());
        assertEquals(EnumSet.of(READ_DATA), entry.rights());
    }

    @Test
    void readsBothSpellingsOfARightAsOne() {
        assertEquals(EnumSet.of(READ_DATA, EXECUTE, APPEND_DATA),
                AclEntry.parseLsLine(" 0: user:x allow read,list,execute,search,append,add_subdirectory").rights());
    }

    @Test
    void readsIndexesBeyondNineAndGroupNamesWithBlanks() {
        AclEntry entry = AclEntry.parseLsLine(" 12: group:Lab Staff inherited allow list,search");
        assertEquals(12, entry.index());
        assertEquals(Principal.group("Lab Staff"), entry.principal());
        assertTrue(entry.inherited());
        assertEquals("group:Lab Staff:allow:list,search,inherited", entry.toChmodText(true));
    }

    @Test
    void refusesLinesThatAreNotAclEntries() {
        for (String line : new String[]{
                "0: user:x deny read", " 0: user:x maybe read", " 0: user:x deny read,fly", " 0: someone deny read",
                " x: user:x deny read", "drwxr-xr-x  2 root  wheel  64 Dec  3 16:27 /x", " 0: user: deny read",
        }) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> AclEntry.parseLsLine(line), line);
            assertTrue(e.getMessage().contains(line.strip()), e.getMessage());
        }
    }

    @Test
    void writesChmodTextWithTheObjectsNamesInLsOrder() {
        AclEntry deny = AclEntry.of(Principal.user("meeseeks"), false, EnumSet.of(EXECUTE, READ_DATA, WRITE_DATA), Set.of());
        assertEquals("user:meeseeks deny list,add_file,search", deny.toChmodText(true));
        assertEquals("user:meeseeks deny read,write,execute", deny.toChmodText(false));
        AclEntry allow = AclEntry.parseLsLine(" 0: group:staff allow chown,readattr,delete,read,limit_inherit");
        assertEquals("group:staff allow read,delete,readattr,chown,limit_inherit", allow.toChmodText(false));
    }

    @Test
    void writesFlagsAfterRights() {
        AclEntry entry = AclEntry.of(Principal.group("collabo"), true, EnumSet.of(READ_DATA, WRITE_DATA, APPEND_DATA),
                EnumSet.of(AclFlag.ONLY_INHERIT, AclFlag.FILE_INHERIT));
        assertEquals("group:collabo allow list,add_file,add_subdirectory,file_inherit,only_inherit", entry.toChmodText(true));
    }

    @Test
    void refusesChmodTextThatChmodCouldNotRead() {
        AclEntry uuid = AclEntry.parseLsLine(" 2: 6A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D deny read");
        assertTrue(assertThrows(IllegalStateException.class, () -> uuid.toChmodText(false)).getMessage().contains("chmod -a# 2"));
        AclEntry deleteChild = AclEntry.of(Principal.user("x"), false, EnumSet.of(DELETE_CHILD), Set.of());
        assertEquals("user:x deny delete_child", deleteChild.toChmodText(true));
        assertThrows(IllegalStateException.class, () -> deleteChild.toChmodText(false));
        AclEntry inheritOnFile = AclEntry.of(Principal.user("x"), true, EnumSet.of(READ_DATA), EnumSet.of(AclFlag.FILE_INHERIT));
        assertThrows(IllegalStateException.class, () -> inheritOnFile.toChmodText(false));
        AclEntry colon = AclEntry.of(Principal.group("a:b"), true, EnumSet.of(READ_DATA), Set.of());
        assertThrows(IllegalStateException.class, () -> colon.toChmodText(false));
        AclEntry nothing = AclEntry.of(Principal.user("x"), true, Set.of(), Set.of());
        assertThrows(IllegalStateException.class, () -> nothing.toChmodText(true));
    }

    @Test
    void sameEntryIgnoresTheIndexOnly() {
        AclEntry listed = AclEntry.parseLsLine(" 3: user:meeseeks deny list,add_file,search");
        AclEntry wanted = AclEntry.of(Principal.user("meeseeks"), false, EnumSet.of(READ_DATA, WRITE_DATA, EXECUTE), Set.of());
        assertTrue(listed.sameEntryAs(wanted));
        assertTrue(wanted.sameEntryAs(listed));
        assertFalse(listed.sameEntryAs(AclEntry.parseLsLine(" 3: user:meeseeks allow list,add_file,search")));
        assertFalse(listed.sameEntryAs(AclEntry.parseLsLine(" 3: user:meeseeks inherited deny list,add_file,search")));
        assertFalse(listed.sameEntryAs(AclEntry.parseLsLine(" 3: user:meeseeks deny list,add_file")));
        assertFalse(listed.sameEntryAs(AclEntry.parseLsLine(" 3: group:meeseeks deny list,add_file,search")));
        assertFalse(listed.sameEntryAs(AclEntry.parseLsLine(" 3: user:meeseeks deny list,add_file,search,limit_inherit")));
    }

    @Test
    void entriesAreImmutableValues() {
        EnumSet<AclRight> rights = EnumSet.of(READ_DATA);
        AclEntry entry = AclEntry.of(Principal.user("x"), true, rights, Set.of());
        rights.add(DELETE);
        assertEquals(EnumSet.of(READ_DATA), entry.rights());
        assertThrows(UnsupportedOperationException.class, () -> entry.rights().add(READ_ATTRIBUTES));
        assertEquals(AclEntry.NOT_LISTED, entry.index());
        assertThrows(IllegalArgumentException.class, () -> new AclEntry(-2, Principal.user("x"), false, true, Set.of(CHANGE_OWNER), Set.of()));
        assertThrows(IllegalArgumentException.class, () -> Principal.user("bad\nname"));
        assertThrows(IllegalArgumentException.class, () -> new Principal(Principal.Kind.UUID, "not-a-uuid"));
    }
}
