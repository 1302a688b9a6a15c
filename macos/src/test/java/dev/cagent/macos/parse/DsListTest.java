package dev.cagent.macos.parse;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DsListTest {

    @Test
    void readsUsersWithTheirUniqueIdInOrder() {
        Map<String, List<String>> users = DsList.parse(Fixtures.read("dscl/list-users-uniqueid.txt"));
        assertEquals(49, users.size());
        assertEquals("_amavisd", users.keySet().iterator().next());
        assertEquals(List.of("83"), users.get("_amavisd"));
        assertEquals(List.of("501"), users.get("alice"));
        assertEquals(List.of("-2"), users.get("nobody"));
        assertEquals(List.of("0"), users.get("root"));
    }

    @Test
    void readsANameLongerThanThePadding() {
        Map<String, List<String>> groups = DsList.parse(Fixtures.read("dscl/list-groups-primarygroupid.txt"));
        assertEquals(List.of("701"), groups.get("com.apple.sharepoint.group.1"));
        assertEquals(List.of("20"), groups.get("staff"));
        assertEquals(List.of("-1"), groups.get("nogroup"));
    }

    @Test
    void readsSeveralValues() {
        Map<String, List<String>> members = DsList.parse(Fixtures.read("dscl/list-groups-groupmembership.txt"));
        assertEquals(List.of("root", "alice"), members.get("admin"));
        assertEquals(List.of("alice", "meeseeks"), members.get("collabo"));
        assertEquals(List.of("admin", "collabo", "com.apple.access_ssh", "staff", "wheel"), List.copyOf(members.keySet()));
    }

    @Test
    void refusesLinesWithoutValueAndNamesPrintedTwice() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DsList.parse("root                     0\nlonely\n"));
        assertTrue(e.getMessage().contains("'lonely'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> DsList.parse("root 0\nroot 1\n"));
        assertEquals(Map.of(), DsList.parse(""));
    }
}
