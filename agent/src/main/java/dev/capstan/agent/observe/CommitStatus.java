package dev.capstan.agent.observe;

/**
 * One environment's deploy status for one commit, as posted to the git host.
 *
 * @param context     {@code capstan/<env>}: one line per environment on the commit
 * @param description plain text, at most {@value #MAX_DESCRIPTION} characters (GitHub refuses longer ones)
 */
public record CommitStatus(String commit, String context, State state, String description, String targetUrl) {
    public static final int MAX_DESCRIPTION = 140;

    public CommitStatus {
        description = description.length() <= MAX_DESCRIPTION ? description
                : description.substring(0, MAX_DESCRIPTION - 1) + "…";
    }

    /** Where the environment stands with the commit. */
    public enum State {
        /** Not started yet (waiting for the previous environment, or other charts first). */
        WAITING,
        /** Rolling out. */
        RUNNING,
        /** Every chart of the environment runs the commit. */
        SUCCESS,
        /** A chart failed: rolled back and quarantined, or refused by the cluster, or not renderable. */
        FAILURE
    }
}
