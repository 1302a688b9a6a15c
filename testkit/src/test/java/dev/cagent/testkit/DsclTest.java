package dev.cagent.testkit;

import dev.cagent.Secret;
import dev.cagent.exec.Command;
import dev.cagent.exec.Stdin;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.cagent.testkit.Shell.assertOk;
import static dev.cagent.testkit.Shell.assertResult;
import static dev.cagent.testkit.Shell.read;
import static dev.cagent.testkit.Shell.sudo;
import static dev.cagent.testkit.Shell.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DsclTest {

    private static final String DSCL = "/usr/bin/dscl";
    private static final String NOT_FOUND = "<dscl_cmd> DS Error: -14136 (eDSRecordNotFound)\n";
    private static final String PERMISSION = "<dscl_cmd> DS Error: -14120 (eDSPermissionError)\n";

    private final FakeMac mac = FakeMac.builder().caller("root").build();

    private void createMeeseeks() {
        assertOk(write(mac, DSCL, ".", "-create", "/Users/meeseeks"));
        assertOk(write(mac, DSCL, ".", "-create", "/Users/meeseeks", "RealName", "Mr. Meeseeks"));
        assertOk(write(mac, DSCL, ".", "-create", "/Users/meeseeks", "IsHidden", "1"));
        assertOk(write(mac, DSCL, ".", "-create", "/Users/meeseeks", "UniqueID", "600"));
    }

    @Test
    void plistReadPrintsEveryAttributeAsAnArrayWithSortedFullKeys() {
        FakeMac mac = FakeMac.builder().caller("root").generatedUidOnCreate(false).build();
        assertOk(write(mac, DSCL, ".", "-create", "/Users/meeseeks"));
        assertOk(write(mac, DSCL, ".", "-create", "/Users/meeseeks", "RealName", "Mr. <Meeseeks> & Co"));
        assertOk(write(mac, DSCL, ".", "-create", "/Users/meeseeks", "IsHidden", "1"));
        assertResult(0, """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                \t<key>dsAttrTypeNative:IsHidden</key>
                \t<array>
                \t\t<string>1</string>
                \t</array>
                \t<key>dsAttrTypeStandard:AppleMetaNodeLocation</key>
                \t<array>
                \t\t<string>/Local/Default</string>
                \t</array>
                \t<key>dsAttrTypeStandard:RealName</key>
                \t<array>
                \t\t<string>Mr. &lt;Meeseeks&gt; &amp; Co</string>
                \t</array>
                \t<key>dsAttrTypeStandard:RecordName</key>
                \t<array>
                \t\t<string>meeseeks</string>
                \t</array>
                \t<key>dsAttrTypeStandard:RecordType</key>
                \t<array>
                \t\t<string>dsRecTypeStandard:Users</string>
                \t</array>
                </dict>
                </plist>
                """, "", read(mac, DSCL, "-plist", ".", "-read", "/Users/meeseeks"));
    }

    @Test
    void plistReadOfAMissingRecordExits56() {
        assertResult(56, "", NOT_FOUND, read(mac, DSCL, "-plist", ".", "-read", "/Users/meeseeks"));
        assertResult(56, "", NOT_FOUND, read(mac, DSCL, "-plist", ".", "-read", "/Groups/collabo"));
    }

    @Test
    void plainReadStripsStandardPrefixesAndPutsValuesWithBlanksOnTheirOwnLines() {
        createMeeseeks();
        assertResult(0, "RealName:\n Mr. Meeseeks\n", "", read(mac, DSCL, ".", "-read", "/Users/meeseeks", "RealName"));
        assertResult(0, "UniqueID: 600\n", "", read(mac, DSCL, ".", "-read", "/Users/meeseeks", "UniqueID"));
        assertResult(0, "dsAttrTypeNative:IsHidden: 1\n", "", read(mac, DSCL, ".", "-read", "/Users/meeseeks", "IsHidden"));
        assertResult(0, "GroupMembership: root alice\n", "", read(mac, DSCL, ".", "-read", "/Groups/admin", "GroupMembership"));
        assertResult(0, "", "No such key: UserShell\n", read(mac, DSCL, ".", "-read", "/Users/meeseeks", "UserShell"));
        String all = read(mac, DSCL, ".", "-read", "/Users/meeseeks").stdout();
        assertTrue(all.startsWith("dsAttrTypeNative:IsHidden: 1\nAppleMetaNodeLocation: /Local/Default\nGeneratedUID: "), all);
        assertTrue(all.endsWith("RealName:\n Mr. Meeseeks\nRecordName: meeseeks\nRecordType: dsRecTypeStandard:Users\nUniqueID: 600\n"), all);
    }

    @Test
    void listPrintsNameAndValuesOfRecordsHavingTheKeySortedByName() {
        FakeMac mac = FakeMac.builder().caller("root").build();
        assertOk(write(mac, DSCL, ".", "-create", "/Groups/collabo"));
        assertOk(write(mac, DSCL, ".", "-create", "/Groups/collabo", "GroupMembership", "alice", "meeseeks"));
        String list = read(mac, DSCL, ".", "-list", "/Groups", "GroupMembership").stdout();
        // the column is three wider than the longest group name, _installassistant
        assertEquals(List.of(
                "admin               root alice",
                "certusers           root",
                "collabo             alice meeseeks",
                "kmem                root",
                "operator            root",
                "staff               root",
                "sys                 root",
                "wheel               root"), list.lines().toList());
        assertTrue(read(mac, DSCL, ".", "-list", "/Groups").stdout().contains("\ncollabo\n"));
        assertFalse(read(mac, DSCL, ".", "-list", "/Groups", "PrimaryGroupID").stdout().contains("collabo"), "no key, no line");
    }

    @Test
    void createReplacesAndIsIdempotent() {
        createMeeseeks();
        assertOk(write(mac, DSCL, ".", "-create", "/Users/meeseeks"));
        assertOk(write(mac, DSCL, ".", "-create", "/Users/meeseeks", "UniqueID", "601"));
        assertOk(write(mac, DSCL, ".", "-create", "/Users/meeseeks", "UniqueID", "601"));
        assertEquals(List.of("601"), mac.record("/Users/meeseeks").get("UniqueID"));
        assertEquals(List.of("Mr. Meeseeks"), mac.record("/Users/meeseeks").get("RealName"), "a second -create of the record keeps it");
    }

    @Test
    void createOfAnAttributeOnAMissingRecordExits56() {
        assertResult(56, "", NOT_FOUND, write(mac, DSCL, ".", "-create", "/Users/meeseeks", "UniqueID", "600"));
    }

    @Test
    void aUniqueIdHeldByAnotherUserExits55() {
        createMeeseeks();
        assertResult(55, "", "<dscl_cmd> DS Error: -14135 (eDSRecordAlreadyExists)\n",
                write(mac, DSCL, ".", "-create", "/Users/meeseeks", "UniqueID", "501"));
        assertEquals(List.of("600"), mac.record("/Users/meeseeks").get("UniqueID"));
        assertOk(write(mac, DSCL, ".", "-create", "/Users/meeseeks", "UniqueID", "600"));
    }

    @Test
    void writesByAnyoneButRootExit40() {
        FakeMac alice = FakeMac.stock();
        assertResult(40, "", PERMISSION, write(alice, DSCL, ".", "-create", "/Users/meeseeks"));
        assertResult(40, "", PERMISSION, write(alice, DSCL, ".", "-create", "/Users/alice", "RealName", "Eve"));
        assertResult(40, "", PERMISSION, write(alice, DSCL, ".", "-delete", "/Users/alice"));
        assertResult(40, "", PERMISSION, write(alice, DSCL, ".", "-append", "/Groups/admin", "GroupMembership", "x"));
        assertEquals(Map.of(), alice.record("/Users/meeseeks"));
        assertOk(sudo(alice, DSCL, ".", "-create", "/Users/meeseeks"));
        assertTrue(alice.record("/Users/meeseeks").containsKey("RecordName"));
    }

    @Test
    void appendDuplicatesAndMergeDoesNot() {
        mac.addGroup("collabo", 700);
        assertOk(write(mac, DSCL, ".", "-append", "/Groups/collabo", "GroupMembership", "alice"));
        assertOk(write(mac, DSCL, ".", "-append", "/Groups/collabo", "GroupMembership", "alice"));
        assertEquals(List.of("alice", "alice"), mac.record("/Groups/collabo").get("GroupMembership"));
        assertOk(write(mac, DSCL, ".", "-merge", "/Groups/collabo", "GroupMembership", "alice", "root"));
        assertOk(write(mac, DSCL, ".", "-merge", "/Groups/collabo", "GroupMembership", "root"));
        assertEquals(List.of("alice", "alice", "root"), mac.record("/Groups/collabo").get("GroupMembership"));
        assertResult(56, "", NOT_FOUND, write(mac, DSCL, ".", "-append", "/Groups/nope", "GroupMembership", "alice"));
    }

    @Test
    void deleteRemovesRecordsAttributesAndValues() {
        createMeeseeks();
        assertOk(write(mac, DSCL, ".", "-append", "/Users/meeseeks", "Comment", "a", "b", "a"));
        assertOk(write(mac, DSCL, ".", "-delete", "/Users/meeseeks", "Comment", "a"));
        assertEquals(List.of("b"), mac.record("/Users/meeseeks").get("Comment"));
        assertOk(write(mac, DSCL, ".", "-delete", "/Users/meeseeks", "Comment"));
        assertNull(mac.record("/Users/meeseeks").get("Comment"));
        assertResult(54, "", "<dscl_cmd> DS Error: -14134 (eDSAttributeNotFound)\n",
                write(mac, DSCL, ".", "-delete", "/Users/meeseeks", "Comment"));
        assertOk(write(mac, DSCL, ".", "-delete", "/Users/meeseeks"));
        assertEquals(Map.of(), mac.record("/Users/meeseeks"));
        assertResult(56, "", NOT_FOUND, write(mac, DSCL, ".", "-delete", "/Users/meeseeks"));
    }

    @Test
    void generatedUidOnCreateIsConfigurable() {
        createMeeseeks();
        assertTrue(mac.record("/Users/meeseeks").get("GeneratedUID").get(0).matches("[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}"));
        FakeMac without = FakeMac.builder().caller("root").generatedUidOnCreate(false).build();
        assertOk(write(without, DSCL, ".", "-create", "/Users/meeseeks"));
        assertNull(without.record("/Users/meeseeks").get("GeneratedUID"));
    }

    @Test
    void quietStdinModeSetsThePasswordAndAlwaysExitsZero() {
        createMeeseeks();
        Stdin input = Stdin.builder().text("passwd /Users/meeseeks \"").secret("CAGENT_PASSWORD", Secret.of("s3cr3t \"x\"")).text("\"\n").build();
        // the secret holds a quote: the backend would escape it; here the tokenizer must see it escaped
        Stdin escaped = Stdin.builder().text("passwd /Users/meeseeks \"").secret("CAGENT_PASSWORD", Secret.of("s3cr3t \\\"x\\\"")).text("\"\n").build();
        assertOk(mac.run(Command.write(DSCL, "-q", ".").withStdin(escaped)));
        assertTrue(mac.passwordMatches("meeseeks", Secret.of("s3cr3t \"x\"")));
        assertFalse(mac.passwordMatches("meeseeks", Secret.of("s3cr3t")));
        assertEquals(List.of("********"), mac.record("/Users/meeseeks").get("Password"));
        assertEquals(List.of(";ShadowHash;HASHLIST:<SALTED-SHA512-PBKDF2,SRP-RFC5054-4096-SHA512-PBKDF2>"),
                mac.record("/Users/meeseeks").get("AuthenticationAuthority"));
        assertResult(0, "", NOT_FOUND, mac.run(Command.write(DSCL, "-q", ".").withStdin(Stdin.text("passwd /Users/nobody2 'pw'\n"))));
        assertResult(0, "", "", mac.run(Command.write(DSCL, "-q", ".").withStdin(input)));
    }

    @Test
    void quietStdinModeFailuresOnlyShowOnStderr() {
        FakeMac alice = FakeMac.stock();
        assertResult(0, "", PERMISSION + PERMISSION,
                alice.run(Command.write(DSCL, "-q", ".").withStdin(Stdin.text("create /Users/eve\npasswd /Users/alice pw\n"))));
    }

    @Test
    void quietStdinModeTokenizesQuotesAndEscapes() {
        assertEquals(List.of("passwd", "/Users/x", "a b", "c'd", "e\"f", "g h"), Dscl.tokenize("passwd /Users/x \"a b\" \"c'd\" 'e\"f' g\\ h"));
        assertNull(Dscl.tokenize("passwd /Users/x \"open"));
    }

    @Test
    void anUnknownStdinCommandFailsLoudlyWithoutEchoingItsArguments() {
        assertResult(127, "", "fake-mac: unsupported: /usr/bin/dscl -q . (stdin line 1: command 'frobnicate')\n",
                mac.run(Command.write(DSCL, "-q", ".").withStdin(Stdin.text("frobnicate /Users/x secret\n"))));
    }

    @Test
    void passwdCommandSetsThePasswordAsRootOrWithTheOldOneAsTheUser() {
        createMeeseeks();
        assertOk(write(mac, DSCL, ".", "-passwd", "/Users/meeseeks", "first"));
        assertTrue(mac.passwordMatches("meeseeks", Secret.of("first")));
        FakeMac alice = FakeMac.builder().sudoPassword(Secret.of("old")).build();
        assertResult(40, "", PERMISSION, write(alice, DSCL, ".", "-passwd", "/Users/alice", "new"));
        assertResult(10, "", "<dscl_cmd> DS Error: -14090 (eDSAuthFailed)\n", write(alice, DSCL, ".", "-passwd", "/Users/alice", "wrong", "new"));
        assertOk(write(alice, DSCL, ".", "-passwd", "/Users/alice", "old", "new"));
        assertTrue(alice.passwordMatches("alice", Secret.of("new")));
        assertResult(56, "", NOT_FOUND, write(mac, DSCL, ".", "-passwd", "/Users/nope", "pw"));
    }

    @Test
    void unknownFormsFailLoudly() {
        assertResult(127, "", "fake-mac: unsupported: /usr/bin/dscl /Local/Default -read /Users/alice (only the local node '.' is modelled)\n",
                read(mac, DSCL, "/Local/Default", "-read", "/Users/alice"));
        assertResult(127, "", "fake-mac: unsupported: /usr/bin/dscl . -search /Users RealName x\n",
                read(mac, DSCL, ".", "-search", "/Users", "RealName", "x"));
        assertResult(127, "", "fake-mac: unsupported: /usr/bin/dscl . -read /Computers/x (record paths look like /Users/NAME or /Groups/NAME)\n",
                read(mac, DSCL, ".", "-read", "/Computers/x"));
    }
}
