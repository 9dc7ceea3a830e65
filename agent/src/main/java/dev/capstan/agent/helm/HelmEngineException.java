package dev.capstan.agent.helm;

/** Helm's engine refused a chart, or the render process failed; the message is Helm's or says what happened. */
public final class HelmEngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HelmEngineException(String message) {
        super(message);
    }
}
