package dev.cagent.macos.parse;

import dev.cagent.exec.CommandResult;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckMemberTest {

    @Test
    void yesWithExitZeroIsAMember() {
        assertTrue(CheckMember.parse(CommandResult.of(0, Fixtures.read("dseditgroup/checkmember-yes.txt"), "")));
    }

    @Test
    void noWithExit67IsNotAMember() {
        assertFalse(CheckMember.parse(CommandResult.of(67, Fixtures.read("dseditgroup/checkmember-no.txt"), "")));
    }

    @Test
    void anyOtherAnswerIsAnErrorNamingExitAndStderr() {
        assertThrows(IllegalStateException.class, () -> CheckMember.parse(CommandResult.of(67, Fixtures.read("dseditgroup/checkmember-yes.txt"), "")));
        assertThrows(IllegalStateException.class, () -> CheckMember.parse(CommandResult.of(0, Fixtures.read("dseditgroup/checkmember-no.txt"), "")));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CheckMember.parse(CommandResult.of(64, "", "Group not found.\n")));
        assertTrue(e.getMessage().contains("exit 64") && e.getMessage().contains("Group not found."), e.getMessage());
    }
}
