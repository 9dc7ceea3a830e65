package dev.capstan.agent.git;

/** The remote could not be read. The message never contains credentials. */
public class GitSourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean worthRetrying;

    /** A failure of the connection or the server, that a retry may cure. */
    public GitSourceException(String message) {
        this(message, true);
    }

    public GitSourceException(String message, boolean worthRetrying) {
        super(message);
        this.worthRetrying = worthRetrying;
    }

    /** False for answers a retry cannot change (the branch is gone, credentials are unreadable). */
    public boolean worthRetrying() {
        return worthRetrying;
    }
}
