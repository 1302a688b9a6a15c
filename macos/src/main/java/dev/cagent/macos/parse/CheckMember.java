package dev.cagent.macos.parse;

import dev.cagent.Texts;
import dev.cagent.exec.CommandResult;

/**
 * Reads the answer of {@code dseditgroup -o checkmember -m USER GROUP}:
 * {@code yes USER is a member of GROUP} with exit 0, {@code no USER is NOT a member of GROUP}
 * with exit 67.
 */
public final class CheckMember {

    /** The exit status of a "no" answer. */
    public static final int NOT_A_MEMBER = 67;

    private CheckMember() {
    }

    /**
     * Whether the user is a member.
     *
     * @throws IllegalStateException with exit code and output for any other answer (an unknown
     *                               user or group, a refused call)
     */
    public static boolean parse(CommandResult result) {
        String answer = result.stdout();
        if (result.exitCode() == 0 && answer.startsWith("yes ")) {
            return true;
        }
        if (result.exitCode() == NOT_A_MEMBER && answer.startsWith("no ")) {
            return false;
        }
        throw new IllegalStateException("dseditgroup -o checkmember answered exit " + result.exitCode()
                + ", stdout " + Texts.visible(answer) + ", stderr " + Texts.visible(result.stderr())
                + ": expected 'yes ...' with exit 0 or 'no ...' with exit " + NOT_A_MEMBER);
    }
}
