package dev.capstan.agent.helm;

/** Helm's engine refused a chart, or the render process failed; the message is Helm's or says what happened. */
public final class HelmEngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean notTheChart;

    public HelmEngineException(String message) {
        this(message, false);
    }

    /** @param notTheChart the render process died for another render's sake, not this chart's */
    public HelmEngineException(String message, boolean notTheChart) {
        super(message);
        this.notTheChart = notTheChart;
    }

    public boolean notTheChart() {
        return notTheChart;
    }
}
