package dev.capstan.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HeapReturnTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void anOldGenerationGrownFarPastItsLiveDataIsWorthAFullCollection() {
        MemoryUsage live = new MemoryUsage(0, 100 * MIB, 110 * MIB, 300 * MIB);

        assertThat(HeapReturn.worthCollecting(new MemoryUsage(0, 260 * MIB, 280 * MIB, 300 * MIB), live)).isTrue();
        assertThat(HeapReturn.worthCollecting(new MemoryUsage(0, 140 * MIB, 150 * MIB, 300 * MIB), live))
                .as("grown by less than half the live data").isFalse();
        assertThat(HeapReturn.worthCollecting(new MemoryUsage(0, 20 * MIB, 30 * MIB, 300 * MIB), null))
                .as("a small heap never collected").isFalse();
        assertThat(HeapReturn.worthCollecting(new MemoryUsage(0, 200 * MIB, 210 * MIB, 300 * MIB),
                new MemoryUsage(0, 0, 0, 300 * MIB))).as("never collected, grown by a burst").isTrue();
    }

    @Test
    void theAgentCollectsAtMostOnceInTenMinutes() {
        AtomicInteger collections = new AtomicInteger();
        HeapReturn heap = new HeapReturn(collections::incrementAndGet);
        Instant start = Instant.parse("2026-12-07T10:00:00Z");
        // Whether this JVM's heap is worth it is not up to the test: only that it never asks twice within the period.
        boolean first = heap.check(start);
        heap.check(start.plusSeconds(60));
        heap.check(start.plus(HeapReturn.PERIOD).minusSeconds(1));

        assertThat(collections.get()).isEqualTo(first ? 1 : 0);
    }
}
