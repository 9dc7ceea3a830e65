package dev.capstan.agent.cluster;

import dev.capstan.agent.model.ObjectKey;
import java.time.Duration;

/** Whether what an apply just wrote is visible in the cluster's caches yet. */
public interface AppliedVersions {
    /** Waits at most {@code timeout} until the cache holds {@code key} at {@code resourceVersion} or later. */
    boolean awaitVersion(ObjectKey key, String resourceVersion, Duration timeout);
}
