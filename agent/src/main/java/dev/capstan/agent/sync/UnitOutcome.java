package dev.capstan.agent.sync;

import java.time.Instant;

/** What the last reconcile of one unit came to. */
public sealed interface UnitOutcome {
    String unit();

    String commit();

    Instant at();

    /** Rendered and accepted by the API server. */
    record Synced(String unit, String commit, Instant at, int objects, String digest) implements UnitOutcome {
    }

    /** Failed at {@code stage}; the message names the file/line or object and never holds a secret. */
    record Failed(String unit, String commit, Instant at, Stage stage, String message) implements UnitOutcome {
    }

    enum Stage { RENDER, APPLY }
}
