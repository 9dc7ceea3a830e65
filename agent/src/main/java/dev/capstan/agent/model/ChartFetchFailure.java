package dev.capstan.agent.model;

/**
 * A chart from a Helm repository or an OCI registry that could not be fetched (repository down, login refused,
 * digest mismatch, unsafe archive). Unlike a {@link ChartException} proper it is not the same at every try: the unit
 * fails at render and is tried again next cycle, the fetcher's backoff deciding when the repository is asked again.
 */
public final class ChartFetchFailure extends ChartException {
    private static final long serialVersionUID = 1L;

    public ChartFetchFailure(String unit, String file, String problem) {
        super(unit, file, 0, problem);
    }
}
