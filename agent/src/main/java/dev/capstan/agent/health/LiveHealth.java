package dev.capstan.agent.health;

import dev.capstan.agent.model.ObjectKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Health of live objects as Capstan's watches see them, and a way to wait for the next change to them: what a health
 * gate needs from the cluster, and all it needs (a fake makes a gate testable in milliseconds).
 */
public interface LiveHealth {
    /**
     * The health of each key that can have a status (built-ins without one are healthy once applied), in order. An
     * object applied at a version ({@code applied}) the watch has not caught up with yet is still progressing: a
     * gate must not pass on the status of the object it replaced.
     */
    Map<ObjectKey, Health> assess(List<ObjectKey> keys, Map<ObjectKey, String> applied);

    /** Starts listening for changes to the keys (their objects, their pods); call before the first assess. */
    Changes changes(List<ObjectKey> keys);

    /** Changes since registration, or since the last {@link #await}. */
    interface Changes extends AutoCloseable {
        /**
         * Parks until something changed or {@code atMost} passed. Parks a virtual thread without holding its
         * carrier: a waiting gate holds no platform thread.
         */
        void await(Duration atMost) throws InterruptedException;

        /** Ends the current (or next) {@link #await} now, as news would: the waiter has something else to look at. */
        void wake();

        @Override
        void close();
    }
}
