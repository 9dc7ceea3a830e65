package dev.capstan.agent.cluster;

import dev.capstan.agent.chart.ObjectKey;

/** The outcome of applying one unit's objects. */
public sealed interface ApplyResult {

    /** Every object was accepted by the API server. */
    record Applied(int objects) implements ApplyResult {
    }

    /** The API server rejected {@code object}; objects before it in install order were applied. */
    record Rejected(ObjectKey object, String message) implements ApplyResult {
    }
}
