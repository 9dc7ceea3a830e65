package dev.capstan.agent.sync;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The repository as the agent last saw it (commit, remote health) and how commits arrived (fetched when, announced by
 * a webhook when): written by the cycle, and by the webhook route for the last delivery.
 */
public final class RepoBoard {
    /** How a commit arrived: when it was first fetched and, if a webhook announced it, when that came. */
    record CommitArrival(Instant fetched, Optional<Instant> webhook) {
    }

    private final AtomicReference<RepoStatus> status = new AtomicReference<>(RepoStatus.initial());
    private final Map<String, CommitArrival> commitsSeen = new ConcurrentHashMap<>();
    private volatile Instant lastWebhook = Instant.EPOCH;

    public RepoStatus status() {
        return status.get();
    }

    void record(RepoStatus now) {
        status.set(now);
    }

    /** An accepted push webhook (the incident timeline's "push received"). */
    public void webhookReceived(Instant at) {
        lastWebhook = at;
    }

    Instant lastWebhook() {
        return lastWebhook;
    }

    /** Kept for the newest commits only. */
    void commitSeen(String commit, CommitArrival arrival) {
        if (commitsSeen.size() > 100) {
            commitsSeen.clear();
        }
        commitsSeen.putIfAbsent(commit, arrival);
    }

    Optional<CommitArrival> arrival(String commit) {
        return Optional.ofNullable(commitsSeen.get(commit));
    }
}
