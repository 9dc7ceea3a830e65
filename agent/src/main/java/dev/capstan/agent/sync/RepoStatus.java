package dev.capstan.agent.sync;

import java.time.Instant;
import java.util.Optional;

/** The repository side of the agent: last commit seen, and the last error if the latest attempt failed. */
public record RepoStatus(Optional<String> commit, Optional<String> error, Instant at) {
    public static RepoStatus initial() {
        return new RepoStatus(Optional.empty(), Optional.empty(), Instant.EPOCH);
    }
}
