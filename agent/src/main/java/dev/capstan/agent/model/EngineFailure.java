package dev.capstan.agent.model;

/**
 * A render that failed through no fault of its chart: the render process it ran in was killed for another chart's
 * runaway render (past its deadline or its memory), twice in a row. The unit is tried again next cycle, where a
 * {@link ChartException} proper waits for its source to change.
 */
public final class EngineFailure extends ChartException {
    private static final long serialVersionUID = 1L;

    public EngineFailure(String chart, String problem) {
        super(chart, "", 0, problem + " (not this chart's doing: tried again next cycle)");
    }
}
