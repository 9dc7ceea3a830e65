package dev.capstan.agent.sync;

import java.time.Instant;
import java.util.Optional;

/**
 * The repository side of the agent: the last commit fetched, whether the remote currently answers, and the last
 * error. While the remote fails, {@code commit} keeps the last good fetch: the agent serves that state.
 */
public record RepoStatus(Optional<String> commit, Remote remote, Optional<String> error, Instant lastFetch,
                         Instant lastSuccess) {

    public enum Remote { UNKNOWN, UP, FAILING, CIRCUIT_OPEN }

    public static RepoStatus initial() {
        return new RepoStatus(Optional.empty(), Remote.UNKNOWN, Optional.empty(), Instant.EPOCH, Instant.EPOCH);
    }

    RepoStatus fetched(String newCommit, Instant now) {
        return new RepoStatus(Optional.of(newCommit), Remote.UP, Optional.empty(), now, now);
    }

    RepoStatus failed(String message, boolean circuitOpen, Instant now) {
        return new RepoStatus(commit, circuitOpen ? Remote.CIRCUIT_OPEN : Remote.FAILING, Optional.of(message), now,
                lastSuccess);
    }

    RepoStatus notDeployable(String message) {
        return new RepoStatus(commit, remote, Optional.of(message), lastFetch, lastSuccess);
    }
}
