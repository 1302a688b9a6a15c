package dev.cagent.macos.parse;

import dev.cagent.exec.CommandResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DsErrorTest {

    @Test
    void findsTheErrorOfASingleCommand() {
        assertEquals(Optional.of(DsError.RECORD_NOT_FOUND), DsError.find(Fixtures.read("dscl/stderr-record-not-found.txt")));
        assertEquals(Optional.of(DsError.RECORD_ALREADY_EXISTS), DsError.find(Fixtures.read("dscl/stderr-record-already-exists.txt")));
        assertEquals(Optional.of(DsError.PERMISSION_ERROR), DsError.find(Fixtures.read("dscl/stderr-permission-error.txt")));
        assertEquals(Optional.empty(), DsError.find(""));
        assertEquals(Optional.empty(), DsError.find("sudo: a password is required\n"));
    }

    @Test
    void exitStatusIsTheErrorNumberModulo256() {
        assertEquals(56, DsError.RECORD_NOT_FOUND.exitStatus());
        assertEquals(55, DsError.RECORD_ALREADY_EXISTS.exitStatus());
        assertEquals(40, DsError.PERMISSION_ERROR.exitStatus());
        assertEquals(85, DsError.find("passwd: DS Error: -14165 (eDSAuthPasswordQualityCheckFailed)").orElseThrow().exitStatus());
    }

    @Test
    void matchesOnlyWhenExitAndTextAgree() {
        String stderr = Fixtures.read("dscl/stderr-record-not-found.txt");
        assertTrue(DsError.RECORD_NOT_FOUND.matches(CommandResult.of(56, "", stderr)));
        assertFalse(DsError.RECORD_NOT_FOUND.matches(CommandResult.of(1, "", stderr)));
        assertFalse(DsError.RECORD_NOT_FOUND.matches(CommandResult.of(56, "", "")));
        assertFalse(DsError.RECORD_ALREADY_EXISTS.matches(CommandResult.of(56, "", stderr)));
        assertFalse(DsError.RECORD_NOT_FOUND.matches(CommandResult.of(56, "", "<dscl_cmd> DS Error: -14136 (eDSSomethingElse)\n")));
    }

    @Test
    void findsEveryErrorOfABatchThatExitedZero() {
        assertEquals(List.of(DsError.RECORD_NOT_FOUND, DsError.PERMISSION_ERROR), DsError.findAll(Fixtures.read("dscl/stderr-batch.txt")));
        assertEquals(List.of(), DsError.findAll(""));
        assertEquals("-14136 (eDSRecordNotFound)", DsError.RECORD_NOT_FOUND.toString());
    }
}
