package dev.capstan.agent.helmrepo;

/**
 * A chart that could not be fetched or was refused (the repository did not answer, a digest did not match, the
 * archive was unsafe). The message names the repository and chart and never holds a credential.
 */
public final class ChartFetchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChartFetchException(String message) {
        super(message);
    }
}
