package dev.cagent;

/**
 * A value given to the plan cannot be used. The message names the value (never a secret) and how
 * to fix it; it is thrown before any command runs.
 */
public class InvalidPlanException extends IllegalArgumentException {

    private final String field;

    public InvalidPlanException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** Which setting was refused, e.g. {@code "uid"} or {@code "deny"}. */
    public String field() {
        return field;
    }
}
