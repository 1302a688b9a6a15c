package dev.cagent;

import dev.cagent.report.ApplyListener;
import dev.cagent.report.ApplyOptions;
import dev.cagent.report.ApplyReport;
import dev.cagent.report.Preview;
import dev.cagent.report.UndoReport;
import dev.cagent.report.VerifyReport;

/**
 * A machine a cage can be built on. Implementations read the machine first, change only what
 * differs from the plan, read back what they changed, and remember it so that {@link #undo}
 * can take exactly that away again.
 */
public interface Backend {

    /**
     * Reads the machine (read-only commands only) and returns the script of the writes apply
     * would run now, with the lint findings. Changes nothing.
     */
    Preview preview(CagePlan plan);

    /**
     * Builds the cage: lint, probe, refuse conflicts before any write, run the missing writes,
     * read them back, record them for undo. A second apply of the same plan runs no write.
     *
     * @throws PlanRefusedException before any write, when lint errors are not accepted or the
     *                              machine conflicts with the plan (a taken UID, say)
     */
    ApplyReport apply(CagePlan plan, ApplyOptions options, ApplyListener listener);

    default ApplyReport apply(CagePlan plan) {
        return apply(plan, ApplyOptions.defaults(), ApplyListener.NONE);
    }

    /** Compares the machine with the plan without writing; reports every difference. */
    VerifyReport verify(CagePlan plan);

    /**
     * Removes what apply created or changed for the agent {@code agent}, in a safe order, and
     * nothing that was there before. Works from the record apply kept on the machine.
     */
    UndoReport undo(String agent);

    default UndoReport undo(CagePlan plan) {
        return undo(plan.agent());
    }
}
