package dev.capstan.agent.repo;

/** Repository content that cannot be read safely (too large, unreadable). Names the path. */
public class RepoContentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RepoContentException(String message) {
        super(message);
    }
}
