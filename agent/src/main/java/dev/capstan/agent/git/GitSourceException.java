package dev.capstan.agent.git;

/** The remote could not be read. The message never contains credentials. */
public class GitSourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GitSourceException(String message) {
        super(message);
    }
}
