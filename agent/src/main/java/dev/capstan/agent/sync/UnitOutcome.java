package dev.capstan.agent.sync;

import java.time.Instant;

/** What the last reconcile of one unit came to. */
public sealed interface UnitOutcome {
    String unit();

    String commit();

    Instant at();

    /**
     * What the unit was rendered from (capstan.yaml and the chart's tree, as git ids); empty when unknown. The same
     * source renders the same objects, so a new commit that leaves it alone needs no render.
     */
    String source();

    /** Rendered and accepted by the API server. */
    record Synced(String unit, String commit, Instant at, String source, int objects, String digest)
            implements UnitOutcome {
    }

    /** Failed at {@code stage}; the message names the file/line or object and never holds a secret. */
    record Failed(String unit, String commit, Instant at, String source, Stage stage, String message)
            implements UnitOutcome {
    }

    enum Stage { RENDER, APPLY }
}
