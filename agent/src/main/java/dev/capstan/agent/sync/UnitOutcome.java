package dev.capstan.agent.sync;

import dev.capstan.agent.model.Messages;
import dev.capstan.agent.release.Release;
import java.time.Instant;

/** Where one unit stands after its last piece of work. */
public sealed interface UnitOutcome {
    String unit();

    String commit();

    Instant at();

    /**
     * What the unit was rendered from (capstan.yaml and the chart's tree, as git ids, and the cluster's
     * capabilities); empty when unknown. The same source renders the same objects, so a new commit that leaves it
     * alone needs no render, and a hold on it stays.
     */
    String source();

    /** Rolled out and healthy at {@code commit}; {@code revision} is its release. */
    record Synced(String unit, String commit, Instant at, String source, int objects, String digest, int revision)
            implements UnitOutcome {
    }

    /**
     * Failed at {@code stage}; the message names the file/line or object and never holds a secret. {@code triedAgain}:
     * the next cycle tries the unit again though its source did not change (every stage but {@code RENDER}, and a
     * render whose chart could not be fetched from its repository).
     */
    record Failed(String unit, String commit, Instant at, String source, Stage stage, String message,
                  boolean triedAgain) implements UnitOutcome {
        public Failed {
            message = Messages.bounded(message);
        }

        public Failed(String unit, String commit, Instant at, String source, Stage stage, String message) {
            this(unit, commit, at, source, stage, message, stage != Stage.RENDER);
        }
    }

    /**
     * Auto-sync leaves the unit alone while its source stays {@code source}: the source failed its health gates and
     * was rolled back ({@code QUARANTINED}), or an operator rolled back by hand ({@code PINNED}).
     * {@code revision}: the failed revision, or the pinned one.
     */
    record Held(String unit, String commit, Instant at, String source, Release.Hold hold, int revision,
                String message) implements UnitOutcome {
    }

    /** A rollout is under way; {@code phase} is its step. */
    record Progressing(String unit, String commit, Instant at, String source, String phase) implements UnitOutcome {
    }

    /** Not started at {@code commit}: the previous environment has not passed it yet. */
    record Waiting(String unit, String commit, Instant at, String source, String reason) implements UnitOutcome {
    }

    /**
     * The unit's chart or environment left the repository ({@code commit} is the first commit without it); what its
     * last release deployed and is still in the cluster is {@code leftovers}. {@code prune}: whether capstan.yaml
     * says to delete them ({@code removedUnits: prune}); {@code message} says what was done or why not.
     */
    record Removed(String unit, String commit, Instant at, String source, java.util.List<String> leftovers,
                   boolean prune, String message) implements UnitOutcome {
        public Removed {
            leftovers = java.util.List.copyOf(leftovers);
        }
    }

    /**
     * Where a unit failed: {@code RENDER} (its chart: tried again when its source changes, or next cycle when its chart
     * could not be fetched), {@code ENGINE} (the
     * render process, killed for another chart's runaway render: tried again next cycle), {@code APPLY}.
     */
    enum Stage { RENDER, ENGINE, APPLY }
}
