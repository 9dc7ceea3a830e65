package dev.capstan.agent.observe;

import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Gives the heap a burst of work grew (the first sync of thousands of units) back to the system. The install's
 * serial collector keeps the old generation as large as it ever grew until a full collection, which an agent that
 * then only watches may not need for hours: 5,000 apps settled at the heap's cap rather than at their live data. When
 * the old generation holds much more than the live data its last full collection found, one full collection (at most
 * every ten minutes) lets it shrink to that data and its headroom ({@code -XX:MaxHeapFreeRatio}).
 */
public final class HeapReturn {
    private static final long MIB = 1024 * 1024;
    /** Less growth than this is not worth a full collection. */
    static final long MIN_GROWTH = 32 * MIB;
    static final Duration PERIOD = Duration.ofMinutes(10);

    private final Runnable collect;
    private Instant lastCollected = Instant.MIN;

    public HeapReturn() {
        this(System::gc);
    }

    HeapReturn(Runnable collect) {
        this.collect = collect;
    }

    /** Collects when worth it (blocking, a full collection: never on an event loop); whether it did. */
    public boolean check(Instant now) {
        Optional<MemoryPoolMXBean> old = HeapWatch.oldGeneration();
        if (old.isEmpty() || !worthCollecting(old.get().getUsage(), old.get().getCollectionUsage())
                || Duration.between(lastCollected, now).compareTo(PERIOD) < 0) {
            return false;
        }
        lastCollected = now;
        collect.run();
        return true;
    }

    /**
     * Whether the old generation grew past the live data of its last full collection by more than half of it (and
     * {@link #MIN_GROWTH}): mostly garbage promoted by a burst of work. Pure.
     */
    static boolean worthCollecting(MemoryUsage now, MemoryUsage afterLastCollection) {
        long live = afterLastCollection == null ? 0 : afterLastCollection.getUsed();
        return now.getUsed() - live > Math.max(MIN_GROWTH, live / 2);
    }
}
