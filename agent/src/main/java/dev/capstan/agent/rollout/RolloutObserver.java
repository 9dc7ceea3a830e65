package dev.capstan.agent.rollout;

import java.time.Duration;
import java.util.List;

/** Told what a rollout does as it does it: the status page's phase, and an incident's timeline. */
public interface RolloutObserver {
    /** A step starts applying its objects ({@code canary 25%}, {@code full}). */
    default void stepStarted(String phase) {
    }

    default void gatePassed(String phase, Duration took) {
    }

    /** The gate of {@code phase} failed: the failure is detected now. */
    default void gateFailed(String phase, List<String> signals) {
    }

    /** The last good release's manifests are re-applied (or, after a canary step, the canary removed). */
    default void rolledBack(int toRevision) {
    }

    /** The rollback's own gate: the unit is healthy again, or not. */
    default void recovery(int revision, boolean healthy) {
    }

    static RolloutObserver none() {
        return new RolloutObserver() {
        };
    }
}
