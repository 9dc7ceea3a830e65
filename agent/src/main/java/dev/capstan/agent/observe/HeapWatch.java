package dev.capstan.agent.observe;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log when the heap stays nearly full after collections: the install's heap is sized for about 1,000
 * apps, and past that the agent slows down (collections keep a core busy) long before it runs out of memory. For
 * those who do not watch the alert {@code CapstanHeapNearlyFull}; the same threshold. At most once an hour.
 */
public final class HeapWatch {
    private static final Logger LOG = LoggerFactory.getLogger(HeapWatch.class);
    /** Live data above this share of the old generation, after a collection, is "nearly full". */
    static final double NEARLY_FULL = 0.85;
    private static final Duration QUIET = Duration.ofHours(1);
    private static final long MIB = 1024 * 1024;

    private Instant lastWarned = Instant.MIN;

    /** Checks the old generation's usage after its last collection; logs a warning when nearly full. */
    public void check(Instant now) {
        oldGeneration().flatMap(pool -> Optional.ofNullable(pool.getCollectionUsage()))
                .flatMap(HeapWatch::warning).ifPresent(message -> {
                    if (Duration.between(lastWarned, now).compareTo(QUIET) >= 0) {
                        lastWarned = now;
                        LOG.warn(message);
                    }
                });
    }

    /** The warning for this usage after a collection, if it is nearly full. Pure. */
    static Optional<String> warning(MemoryUsage afterCollection) {
        long max = afterCollection.getMax();
        if (max <= 0 || afterCollection.getUsed() <= NEARLY_FULL * max) {
            return Optional.empty();
        }
        return Optional.of("the heap is nearly full after collections (" + afterCollection.getUsed() / MIB + " of "
                + max / MIB + " MiB of long-lived data): syncs slow down from here; raise the container's memory "
                + "limit (the install's heap is 40 % of it) by about 60 MiB, or -Xmx by 24 MiB, per 1,000 apps "
                + "(docs/installing.md)");
    }

    /** The pool of long-lived objects: the one heap pool that has a maximum and is collected by full GCs. */
    static Optional<MemoryPoolMXBean> oldGeneration() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported())
                .filter(pool -> {
                    String name = pool.getName();
                    return name.contains("Old") || name.contains("Tenured");
                })
                .findFirst();
    }
}
