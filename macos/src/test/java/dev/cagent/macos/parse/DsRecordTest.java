package dev.cagent.macos.parse;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DsRecordTest {

    private static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n";

    @Test
    void readsAUserFromItsPlist() {
        DsRecord meeseeks = DsRecord.parsePlist(Fixtures.read("dscl/read-user-meeseeks.plist"));
        assertEquals(List.of("450"), meeseeks.values("UniqueID"));
        assertEquals(List.of("450"), meeseeks.values("dsAttrTypeStandard:UniqueID"));
        assertEquals(OptionalInt.of(450), meeseeks.intValue("UniqueID"));
        assertEquals(OptionalInt.of(700), meeseeks.intValue("PrimaryGroupID"));
        assertEquals(Optional.of("Mr. Meeseeks"), meeseeks.first("RealName"));
        assertEquals(List.of("1"), meeseeks.values("IsHidden"));
        assertEquals(List.of("1"), meeseeks.values("dsAttrTypeNative:IsHidden"));
        assertEquals(List.of(), meeseeks.values("dsAttrTypeStandard:IsHidden"));
        assertEquals(List.of("*"), meeseeks.values("Password"));
        assertEquals(List.of(), meeseeks.values("AuthenticationAuthority"));
        assertFalse(meeseeks.has("AuthenticationAuthority"));
        assertTrue(meeseeks.has("GeneratedUID"));
        assertEquals(OptionalInt.empty(), meeseeks.intValue("NoSuchAttribute"));
        assertEquals(11, meeseeks.attributes().size());
        assertEquals("dsAttrTypeNative:IsHidden", meeseeks.attributes().keySet().iterator().next());
    }

    @Test
    void decodesEntitiesAndKeepsEmptyAndMultipleValues() {
        DsRecord alice = DsRecord.parsePlist(Fixtures.read("dscl/read-user-alice.plist"));
        assertEquals(List.of(";ShadowHash;HASHLIST:<SALTED-SHA512-PBKDF2,SRP-RFC5054-4096-SHA512-PBKDF2>",
                ";Kerberosv5;;alice@LKDC:SHA1.4C6F636B65644B65726265726F735265616C6D;LKDC:SHA1.4C6F636B65644B65726265726F735265616C6D;",
                ";SecureToken;"), alice.values("AuthenticationAuthority"));
        assertEquals(List.of(""), alice.values("AuthenticationHint"));
        assertEquals(List.of("alice", "com.apple.idms.appleid.prd.0123abcd4567ef89"), alice.values("RecordName"));
        String policy = alice.first("accountPolicyData").orElseThrow();
        assertTrue(policy.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist"), policy);
        assertTrue(policy.contains("\n\t<key>creationTime</key>\n"), policy);
        assertEquals(OptionalInt.of(20), alice.intValue("PrimaryGroupID"));
        assertEquals(List.of("alice"), alice.values("_writers_passwd"));

        DsRecord collabo = DsRecord.parsePlist(Fixtures.read("dscl/read-group-collabo.plist"));
        assertEquals(List.of("Alice & Meeseeks <shared>"), collabo.values("RealName"));
        assertEquals(List.of("alice", "meeseeks"), collabo.values("GroupMembership"));
        assertEquals(2, collabo.values("GroupMembers").size());
    }

    @Test
    void plainOutputSaysWhatThePlistSays() {
        for (String name : List.of("user-meeseeks", "group-collabo")) {
            DsRecord plist = DsRecord.parsePlist(Fixtures.read("dscl/read-" + name + ".plist"));
            DsRecord plain = DsRecord.parsePlain(Fixtures.read("dscl/read-" + name + ".txt"));
            assertEquals(plist.attributes().size(), plain.attributes().size(), name);
            for (String key : plist.attributes().keySet()) {
                String shortName = key.substring(key.indexOf(':') + 1);
                assertEquals(plist.values(shortName), plain.values(shortName), name + " " + key);
            }
        }
        DsRecord plain = DsRecord.parsePlain(Fixtures.read("dscl/read-user-meeseeks.txt"));
        assertTrue(plain.attributes().containsKey("UniqueID"));
        assertTrue(plain.attributes().containsKey("dsAttrTypeNative:IsHidden"));
    }

    @Test
    void readsPlainValuesOnePerLineWhenOneHoldsABlank() {
        DsRecord record = DsRecord.parsePlain("RecordName:\n alice\n Alice Example\nUniqueID: 501\nAuthenticationHint:\nEmpty: \n");
        assertEquals(List.of("alice", "Alice Example"), record.values("RecordName"));
        assertEquals(List.of("501"), record.values("UniqueID"));
        assertEquals(List.of(""), record.values("AuthenticationHint"));
        assertEquals(List.of(""), record.values("Empty"));
    }

    @Test
    void aPlainValueHoldingANewlineContinuesOnUnindentedLines() {
        DsRecord record = DsRecord.parsePlain("dsAttrTypeNative:accountPolicyData:\n <?xml version=\"1.0\"?>\n<plist version=\"1.0\">\n</plist>\nUniqueID: 501\n");
        assertEquals(List.of("<?xml version=\"1.0\"?>\n<plist version=\"1.0\">\n</plist>"), record.values("accountPolicyData"));
        assertEquals(List.of("501"), record.values("UniqueID"));
    }

    @Test
    void refusesPlainLinesThatBelongToNoAttribute() {
        assertThrows(IllegalStateException.class, () -> DsRecord.parsePlain(" orphan value\n"));
        assertThrows(IllegalStateException.class, () -> DsRecord.parsePlain("UniqueID: 501\n indented after a one-line key\n"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DsRecord.parsePlain("No key here\n"));
        assertTrue(e.getMessage().contains("'No key here'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> DsRecord.parsePlain("UniqueID: 1\nUniqueID: 2\n"));
    }

    @Test
    void intValueNamesAttributeAndValueWhenItIsNoNumber() {
        DsRecord record = new DsRecord(Map.of("dsAttrTypeStandard:UniqueID", List.of("12a"), "dsAttrTypeStandard:GroupID", List.of("1", "2")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> record.intValue("UniqueID"));
        assertTrue(e.getMessage().contains("UniqueID") && e.getMessage().contains("'12a'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> record.intValue("GroupID"));
        assertEquals(OptionalInt.of(-2), new DsRecord(Map.of("UniqueID", List.of("-2"))).intValue("UniqueID"));
    }

    @Test
    void aShortNameFittingTwoAttributesIsRefused() {
        DsRecord record = new DsRecord(Map.of("dsAttrTypeStandard:Comment", List.of("a"), "dsAttrTypeNative:Comment", List.of("b")));
        assertThrows(IllegalStateException.class, () -> record.values("Comment"));
        assertEquals(List.of("b"), record.values("dsAttrTypeNative:Comment"));
    }

    @Test
    void refusesExternalEntitiesWithoutReadingThem() {
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE plist [<!ENTITY leak SYSTEM \"file:///etc/passwd\">]>\n"
                + "<plist version=\"1.0\">\n<dict>\n\t<key>dsAttrTypeStandard:RealName</key>\n\t<array>\n\t\t<string>&leak;</string>\n\t</array>\n</dict>\n</plist>\n";
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DsRecord.parsePlist(xxe));
        assertFalse(e.getMessage().contains("root:"), e.getMessage());
    }

    @Test
    void refusesEntityExpansionBombs() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE plist [<!ENTITY a0 \"xxxxxxxxxx\">");
        for (int i = 1; i < 10; i++) {
            dtd.append("<!ENTITY a").append(i).append(" \"").append(("&a" + (i - 1) + ";").repeat(10)).append("\">");
        }
        String bomb = "<?xml version=\"1.0\"?>\n" + dtd + "]>\n<plist version=\"1.0\"><dict><key>k</key><array><string>&a9;</string></array></dict></plist>";
        assertThrows(IllegalStateException.class, () -> DsRecord.parsePlist(bomb));
    }

    @Test
    void refusesWhatIsNotADsclPlistWithoutPrintingAnything() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThrows(IllegalStateException.class, () -> DsRecord.parsePlist("not xml"));
            assertThrows(IllegalStateException.class, () -> DsRecord.parsePlist(HEAD + "<plist><dict><key>a</key>"));
            assertThrows(IllegalStateException.class, () -> DsRecord.parsePlist(HEAD + "<html/>"));
            assertThrows(IllegalStateException.class, () -> DsRecord.parsePlist(HEAD + "<plist><array/></plist>"));
            assertThrows(IllegalStateException.class, () -> DsRecord.parsePlist(HEAD + "<plist><dict><key>a</key></dict></plist>"));
            assertThrows(IllegalStateException.class, () -> DsRecord.parsePlist(HEAD + "<plist><dict><key>a</key><integer>1</integer></dict></plist>"));
            assertThrows(IllegalStateException.class, () -> DsRecord.parsePlist(HEAD + "<plist><dict><key>a</key><array><dict/></array></dict></plist>"));
            assertThrows(IllegalStateException.class, () -> DsRecord.parsePlist(HEAD + "<plist><dict>stray<key>a</key><string>1</string></dict></plist>"));
            assertThrows(IllegalStateException.class, () -> DsRecord.parsePlist(HEAD
                    + "<plist><dict><key>a</key><string>1</string><key>a</key><string>2</string></dict></plist>"));
        } finally {
            System.setErr(original);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void keepsDataValuesAsTheirBase64Text() {
        DsRecord record = DsRecord.parsePlist(HEAD + "<plist version=\"1.0\">\n<dict>\n\t<key>dsAttrTypeStandard:JPEGPhoto</key>\n\t<array>\n"
                + "\t\t<data>\n\t\tAAEC\n\t\tAw==\n\t\t</data>\n\t</array>\n\t<key>dsAttrTypeStandard:UniqueID</key>\n\t<string>7</string>\n</dict>\n</plist>\n");
        assertEquals(List.of("AAECAw=="), record.values("JPEGPhoto"));
        assertEquals(OptionalInt.of(7), record.intValue("UniqueID"));
    }

    @Test
    void recordsAreImmutable() {
        DsRecord record = DsRecord.parsePlist(Fixtures.read("dscl/read-user-meeseeks.plist"));
        assertThrows(UnsupportedOperationException.class, () -> record.attributes().put("x", List.of()));
        assertThrows(UnsupportedOperationException.class, () -> record.values("UniqueID").add("1"));
    }
}
