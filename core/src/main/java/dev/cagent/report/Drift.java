package dev.cagent.report;

import dev.cagent.Step;

/** One difference between the plan and the machine, found by verify. */
public record Drift(Step step, String subject, String expected, String actual) {

    @Override
    public String toString() {
        return step.describe() + ": " + subject + " should be " + expected + ", is " + actual;
    }
}
