package dev.cagent.macos.parse;

import dev.cagent.exec.CommandResult;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Directory Services errors as dscl reports them on stderr:
 * {@code <dscl_cmd> DS Error: -14136 (eDSRecordNotFound)}. A single dscl command exits with the
 * error number's magnitude modulo 256 (56 for -14136); in stdin mode ({@code dscl -q .}) it always
 * exits 0 and the stderr lines are all there is.
 */
public final class DsError {

    /** One Directory Services error: its number and name as printed. */
    public record Code(int number, String name) {

        /** The exit status of a single dscl command failing with it, e.g. 56 for -14136. */
        public int exitStatus() {
            return Math.abs(number) % 256;
        }

        /** Whether a single dscl command failed with this error: both its exit status and its stderr line say so. */
        public boolean matches(CommandResult result) {
            return result.exitCode() == exitStatus() && findAll(result.stderr()).contains(this);
        }

        @Override
        public String toString() {
            return number + " (" + name + ")";
        }
    }

    /** The record does not exist: exit 56. */
    public static final Code RECORD_NOT_FOUND = new Code(-14136, "eDSRecordNotFound");
    /** The record, or the unique value given (a UniqueID), already exists: exit 55. */
    public static final Code RECORD_ALREADY_EXISTS = new Code(-14135, "eDSRecordAlreadyExists");
    /** A write by a caller that is not root: exit 40. */
    public static final Code PERMISSION_ERROR = new Code(-14120, "eDSPermissionError");

    private static final Pattern ERROR = Pattern.compile("DS Error: (-?\\d{1,9}) \\(([A-Za-z0-9_]+)\\)");

    private DsError() {
    }

    /** The first DS Error in stderr, if any. */
    public static Optional<Code> find(String stderr) {
        return findAll(stderr).stream().findFirst();
    }

    /** Every DS Error in stderr, in order. */
    public static List<Code> findAll(String stderr) {
        Matcher m = ERROR.matcher(stderr);
        return m.results().map(r -> new Code(Integer.parseInt(r.group(1)), r.group(2))).toList();
    }
}
