package dev.capstan.agent.observe;

import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Gives the heap a burst of work grew (the first sync of thousands of units) back to the system. The install's
 * serial collector keeps the old generation as large as it ever grew until a full collection, which an agent that
 * then only watches may not need for hours: 5,000 apps settled with the heap committed at its cap (299 MiB) over
 * ~100 MiB of live data. Once the burst is over (since the last check the old generation had no full collection and
 * grew by less than {@link #MIN_GROWTH}), when it is committed well past what its live data and headroom need
 * ({@code -XX:MaxHeapFreeRatio}), or holds much more than that live data, one full collection (at most every
 * {@link #PERIOD}) lets it shrink; the install's {@code -XX:-ShrinkHeapInSteps} makes that one collection enough
 * (by default the collector shrinks in steps over four of them). Made for the serial collector: with one whose
 * young collections count as the old generation's, the heap never looks quiet and nothing is collected.
 */
public final class HeapReturn {
    private static final long MIB = 1024 * 1024;
    /** Less than this to gain is not worth a full collection; growing more than this between checks is busy. */
    static final long MIN_GROWTH = 32 * MIB;
    static final Duration PERIOD = Duration.ofMinutes(2);

    private final Runnable collect;
    private final int maxHeapFreeRatio;
    private final java.util.function.Supplier<Optional<Reading>> oldGeneration;
    private Instant lastCollected = Instant.MIN;
    private long lastUsed = -1;
    private long lastFullCollections = -1;

    public HeapReturn() {
        this(System::gc, HeapReturn.flag("MaxHeapFreeRatio", 70), () -> HeapWatch.oldGeneration()
                .map(pool -> new Reading(pool.getUsage(), pool.getCollectionUsage(), fullCollections(pool))));
    }

    HeapReturn(Runnable collect, int maxHeapFreeRatio, java.util.function.Supplier<Optional<Reading>> oldGeneration) {
        this.collect = collect;
        this.maxHeapFreeRatio = maxHeapFreeRatio;
        this.oldGeneration = oldGeneration;
    }

    /**
     * The old generation now, after its last full collection (null if none yet), and how many collections of it ran.
     */
    record Reading(MemoryUsage now, MemoryUsage afterLastCollection, long fullCollections) {
    }

    /** Collections by the collectors that collect {@code pool} (the serial collector's: full ones). */
    private static long fullCollections(java.lang.management.MemoryPoolMXBean pool) {
        long count = 0;
        for (var collector : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (java.util.Arrays.asList(collector.getMemoryPoolNames()).contains(pool.getName())) {
                count += Math.max(0, collector.getCollectionCount());
            }
        }
        return count;
    }

    /** Collects when worth it (blocking, a full collection: never on an event loop); whether it did. */
    public boolean check(Instant now) {
        Optional<Reading> old = oldGeneration.get();
        if (old.isEmpty()) {
            return false;
        }
        long used = old.get().now().getUsed();
        // A burst is over when the old generation neither grew much nor needed a collection since the last check.
        boolean quiet = lastUsed >= 0 && used - lastUsed < MIN_GROWTH
                && old.get().fullCollections() == lastFullCollections;
        lastUsed = used;
        lastFullCollections = old.get().fullCollections();
        if (!quiet || !worthCollecting(old.get().now(), old.get().afterLastCollection(), maxHeapFreeRatio)
                || Duration.between(lastCollected, now).compareTo(PERIOD) < 0) {
            return false;
        }
        lastCollected = now;
        collect.run();
        oldGeneration.get().ifPresent(after -> {
            lastUsed = after.now().getUsed();
            lastFullCollections = after.fullCollections();
        });
        return true;
    }

    /**
     * Whether a full collection would hand memory back: the old generation is committed past what the live data of
     * its last full collection needs with {@code maxHeapFreeRatio}% free, or has grown past that live data by more
     * than half of it (mostly garbage promoted by a burst of work), by more than {@link #MIN_GROWTH} either way. Pure.
     */
    static boolean worthCollecting(MemoryUsage now, MemoryUsage afterLastCollection, int maxHeapFreeRatio) {
        // Never collected in full: how much is live is not known, what grew is taken as garbage.
        long live = afterLastCollection == null ? 0 : afterLastCollection.getUsed();
        long needed = maxHeapFreeRatio >= 100 ? Long.MAX_VALUE : live * 100 / (100 - maxHeapFreeRatio);
        boolean oversized = now.getCommitted() - needed > MIN_GROWTH;
        boolean garbage = now.getUsed() - live > Math.max(MIN_GROWTH, live / 2);
        return oversized || garbage;
    }

    /** A numeric JVM flag of this VM, or {@code otherwise} where the VM does not say. */
    static int flag(String name, int otherwise) {
        try {
            return Integer.parseInt(java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption(name).getValue());
        } catch (RuntimeException e) {
            return otherwise;
        }
    }
}
