package dev.capstan.agent.cluster;

import dev.capstan.agent.model.Messages;
import dev.capstan.agent.model.ObjectKey;

/** The outcome of applying one unit's objects. */
public sealed interface ApplyResult {

    /** Every object was accepted by the API server; {@code versions}: the resourceVersion each now has. */
    record Applied(int objects, java.util.Map<ObjectKey, String> versions) implements ApplyResult {
        public Applied {
            versions = java.util.Map.copyOf(versions);
        }
    }

    /**
     * The API server rejected {@code object}; objects before it in install order were applied. {@code transient}:
     * it failed in a way that says nothing about the object (5xx, 429, no answer) and still did after retries.
     */
    record Rejected(ObjectKey object, String message, boolean transientFailure) implements ApplyResult {
        public Rejected {
            message = Messages.bounded(message);
        }

        public Rejected(ObjectKey object, String message) {
            this(object, message, false);
        }
    }
}
