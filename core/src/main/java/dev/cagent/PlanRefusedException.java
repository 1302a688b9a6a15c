package dev.cagent;

import java.util.List;

/**
 * The plan was refused before any write: lint errors the plan did not accept, or conflicts with
 * the machine. Each reason names the value, the holder where there is one, and a fix.
 */
public class PlanRefusedException extends IllegalStateException {

    private final List<String> reasons;

    public PlanRefusedException(List<String> reasons) {
        super("plan refused before any change:\n  - " + String.join("\n  - ", reasons));
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
        return reasons;
    }
}
