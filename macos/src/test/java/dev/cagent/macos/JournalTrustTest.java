package dev.cagent.macos;

import dev.cagent.PlanRefusedException;
import dev.cagent.testkit.Access;
import dev.cagent.testkit.FakeMac;
import dev.cagent.testkit.FileInfo;
import dev.cagent.testkit.MacSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static dev.cagent.macos.Cages.JOURNAL;
import static dev.cagent.macos.Cages.assertSameState;
import static dev.cagent.macos.Cages.backend;
import static dev.cagent.macos.Cages.byHand;
import static dev.cagent.macos.Cages.correctedPlan;
import static dev.cagent.macos.Cages.lines;
import static dev.cagent.macos.Cages.writes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The record of what apply found and changed steers undo, so it is trusted only where the agent
 * cannot have written it: owned by root, with no write right for anyone else, on the file or on
 * the directories above it.
 */
class JournalTrustTest {

    private static final String AGENT_DIRECTORY = "/private/var/db/cagent/meeseeks";
    private static final String TRUST = ": cagent trusts its record only when root owns it and nobody else can write it; ";

    private FakeMac mac;
    private MacOsBackend backend;

    @BeforeEach
    void applyTheCage() {
        mac = FakeMac.stock();
        backend = backend(mac);
        assertTrue(backend.apply(correctedPlan()).succeeded());
    }

    /** Runs undo, apply and verify against the tampered record: each refuses with {@code reason} and writes nothing. */
    private void assertRefusedEverywhere(String reason) {
        MacSnapshot before = mac.snapshot();
        mac.clearRecorded();
        for (Executable operation : List.<Executable>of(() -> backend.undo("meeseeks"), () -> backend.apply(correctedPlan()),
                () -> backend.verify(correctedPlan()), () -> backend.preview(correctedPlan()))) {
            PlanRefusedException refused = assertThrows(PlanRefusedException.class, operation);
            assertEquals(List.of(reason), refused.reasons());
        }
        assertEquals(List.of(), lines(writes(mac)));
        assertSameState(before, mac.snapshot());
    }

    @Test
    void theRecordIsRootsAndOutOfTheAgentsReach() {
        FileInfo directory = mac.fileInfo(AGENT_DIRECTORY).orElseThrow();
        assertEquals("root", directory.owner());
        assertEquals(0755, directory.mode(), "readable for the administrator prompt's unprivileged reads, writable by root only");
        assertEquals(0755, mac.fileInfo("/private/var/db/cagent").orElseThrow().mode());
        assertEquals("root", mac.fileInfo(JOURNAL).orElseThrow().owner());
        // the record holds paths and digests, no secret: anyone may read it, only root may change it
        assertFalse(mac.canAccess("meeseeks", JOURNAL, Access.WRITE));
        assertFalse(mac.canAccess("meeseeks", AGENT_DIRECTORY, Access.WRITE));
        assertFalse(mac.canAccess("meeseeks", AGENT_DIRECTORY + "/backups", Access.READ), "backups may hold the agent's and the human's settings");
        assertTrue(mac.readFile(JOURNAL).startsWith("{\"format\":\"cagent-journal-1\",\"agent\":\"meeseeks\"}\n"));
    }

    @Test
    void aJournalOwnedBySomeoneElseIsRefused() {
        byHand(mac, "/usr/sbin/chown", "-h", "meeseeks:staff", JOURNAL);
        assertRefusedEverywhere(JOURNAL + " is owned by meeseeks with mode 0644" + TRUST + "inspect it, then fix with sudo chown root:wheel and chmod go-w");
    }

    @Test
    void aJournalOthersMayWriteIsRefused() {
        byHand(mac, "/bin/chmod", "-h", "0666", JOURNAL);
        assertRefusedEverywhere(JOURNAL + " is owned by root with mode 0666" + TRUST + "inspect it, then fix with sudo chown root:wheel and chmod go-w");
    }

    @Test
    void aDirectoryTheGroupMayWriteIsRefused() {
        byHand(mac, "/bin/chmod", "-h", "0770", AGENT_DIRECTORY);
        assertRefusedEverywhere(AGENT_DIRECTORY + " is owned by root with mode 0770" + TRUST + "inspect it, then fix with sudo chown root:wheel and chmod go-w");
    }

    @Test
    void aStateRootOwnedBySomeoneElseIsRefused() {
        byHand(mac, "/usr/sbin/chown", "-h", "alice:staff", "/private/var/db/cagent");
        assertRefusedEverywhere("/private/var/db/cagent is owned by alice with mode 0755" + TRUST + "inspect it, then fix with sudo chown root:wheel and chmod go-w");
    }

    @Test
    void aJournalReplacedByASymbolicLinkIsRefused() {
        mac.writeFile("/Users/meeseeks/journal.jsonl", "meeseeks", "collabo", 0600, "{\"format\":\"cagent-journal-1\",\"agent\":\"meeseeks\"}\n");
        byHand(mac, "/bin/rm", "-f", JOURNAL);
        mac.symlink(JOURNAL, "/Users/meeseeks/journal.jsonl");
        assertRefusedEverywhere(JOURNAL + " is a symlink, not a file: it is not a record cagent wrote; inspect it, then move it away");
    }

    @Test
    void aJournalReplacedByADirectoryIsRefused() {
        byHand(mac, "/bin/rm", "-f", JOURNAL);
        mac.mkdir(JOURNAL, "root", "wheel", 0755);
        assertRefusedEverywhere(JOURNAL + " is a directory, not a file: it is not a record cagent wrote; inspect it, then move it away");
    }

    @Test
    void aJournalAnAclLetsTheAgentWriteIsRefused() {
        byHand(mac, "/bin/chmod", "+a", "user:meeseeks allow write,append", JOURNAL);
        assertRefusedEverywhere(JOURNAL + " has ACL entries that let others change it (user:meeseeks allow write,append)" + TRUST
                + "inspect it, then remove them with sudo chmod -N " + JOURNAL);
    }

    @Test
    void aDirectoryAnAclLetsTheAgentAddFilesToIsRefused() {
        byHand(mac, "/bin/chmod", "+a", "user:meeseeks allow add_file,delete_child", AGENT_DIRECTORY);
        assertRefusedEverywhere(AGENT_DIRECTORY + " has ACL entries that let others change it (user:meeseeks allow add_file,delete_child)" + TRUST
                + "inspect it, then remove them with sudo chmod -N " + AGENT_DIRECTORY);
    }

    @Test
    void entriesThatOnlyReadOrDenyLeaveTheRecordTrusted() {
        byHand(mac, "/bin/chmod", "+a", "group:admin allow read,readattr,readsecurity", JOURNAL);
        byHand(mac, "/bin/chmod", "+a", "user:meeseeks deny write,append,delete", JOURNAL);
        mac.clearRecorded();

        assertEquals(0, backend.apply(correctedPlan()).writes());
        assertTrue(backend.undo("meeseeks").succeeded());
    }

    @Test
    void aJournalForAnotherAgentIsRefused() {
        String otherJournal = "/private/var/db/cagent/other/journal.jsonl";
        byHand(mac, "/bin/mkdir", "-m", "0700", "/private/var/db/cagent/other");
        mac.writeFile(otherJournal, "root", "wheel", 0600, mac.readFile(JOURNAL));
        mac.clearRecorded();

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> backend.undo("other"));

        assertEquals("journal is for agent 'meeseeks', not 'other'", refused.getMessage());
        assertEquals(List.of(), lines(writes(mac)));
    }
}
