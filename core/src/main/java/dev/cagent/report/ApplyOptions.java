package dev.cagent.report;

/**
 * How apply behaves on failure.
 *
 * @param rollbackOnFailure take back what this run changed when a step fails (default true);
 *                          when false, the machine is left as far as apply got and a later
 *                          apply converges
 */
public record ApplyOptions(boolean rollbackOnFailure) {

    public static ApplyOptions defaults() {
        return new ApplyOptions(true);
    }

    public ApplyOptions withoutRollback() {
        return new ApplyOptions(false);
    }
}
