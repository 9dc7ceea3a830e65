package dev.capstan.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeapReturnTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void anOldGenerationGrownFarPastItsLiveDataIsWorthAFullCollection() {
        MemoryUsage live = new MemoryUsage(0, 100 * MIB, 110 * MIB, 300 * MIB);

        assertThat(HeapReturn.worthCollecting(new MemoryUsage(0, 260 * MIB, 280 * MIB, 300 * MIB), live, 70))
                .isTrue();
        assertThat(HeapReturn.worthCollecting(new MemoryUsage(0, 140 * MIB, 150 * MIB, 300 * MIB), live, 70))
                .as("grown by less than half the live data, committed within the headroom").isFalse();
        assertThat(HeapReturn.worthCollecting(new MemoryUsage(0, 20 * MIB, 30 * MIB, 300 * MIB), null, 70))
                .as("a small heap never collected").isFalse();
        assertThat(HeapReturn.worthCollecting(new MemoryUsage(0, 200 * MIB, 210 * MIB, 300 * MIB),
                new MemoryUsage(0, 0, 0, 300 * MIB), 70)).as("never collected, grown by a burst").isTrue();
    }

    @Test
    void anOldGenerationCommittedFarPastWhatItsLiveDataNeedsIsWorthAFullCollection() {
        // The 5,000-app case: ~100 MiB live after the burst, the old generation still committed at the cap.
        MemoryUsage live = new MemoryUsage(0, 100 * MIB, 290 * MIB, 300 * MIB);
        MemoryUsage now = new MemoryUsage(0, 110 * MIB, 290 * MIB, 300 * MIB);

        assertThat(HeapReturn.worthCollecting(now, live, 30)).as("needs 143 MiB with 30% free").isTrue();
        assertThat(HeapReturn.worthCollecting(now, live, 70)).as("the default 70% free allows 333 MiB").isFalse();
        assertThat(HeapReturn.worthCollecting(new MemoryUsage(0, 110 * MIB, 160 * MIB, 300 * MIB), live, 30))
                .as("already shrunk to its headroom").isFalse();
    }

    @Test
    void afterABurstTheAgentCollectsOnceTheOldGenerationIsQuietAndAtMostOnceInTwoMinutes() {
        AtomicInteger collections = new AtomicInteger();
        AtomicLong used = new AtomicLong(120 * MIB);
        AtomicLong full = new AtomicLong(3);
        MemoryUsage live = new MemoryUsage(0, 100 * MIB, 290 * MIB, 300 * MIB);
        HeapReturn heap = new HeapReturn(() -> {
            collections.incrementAndGet();
            full.incrementAndGet();
        }, 30, () -> Optional.of(new HeapReturn.Reading(new MemoryUsage(0, used.get(), 290 * MIB, 300 * MIB), live,
                full.get())));
        Instant start = Instant.parse("2026-12-07T10:00:00Z");

        assertThat(heap.check(start)).as("no earlier reading: maybe mid-burst").isFalse();
        used.set(200 * MIB);
        assertThat(heap.check(start.plusSeconds(20))).as("grew 80 MiB: still busy").isFalse();
        used.set(110 * MIB);
        full.incrementAndGet();
        assertThat(heap.check(start.plusSeconds(40))).as("shrank by a full collection of its own: still busy")
                .isFalse();
        used.set(115 * MIB);
        assertThat(heap.check(start.plusSeconds(60))).as("quiet, committed past its headroom").isTrue();
        used.set(118 * MIB);
        assertThat(heap.check(start.plusSeconds(80))).as("within two minutes of the last").isFalse();
        assertThat(heap.check(start.plusSeconds(60).plus(HeapReturn.PERIOD))).as("two minutes later").isTrue();
        assertThat(collections.get()).isEqualTo(2);
    }

    @Test
    void aHeapWithinItsHeadroomIsLeftAlone() {
        AtomicInteger collections = new AtomicInteger();
        MemoryUsage live = new MemoryUsage(0, 100 * MIB, 150 * MIB, 300 * MIB);
        HeapReturn heap = new HeapReturn(collections::incrementAndGet, 30, () -> Optional.of(
                new HeapReturn.Reading(new MemoryUsage(0, 110 * MIB, 150 * MIB, 300 * MIB), live, 5)));
        for (int minute = 0; minute < 30; minute++) {
            heap.check(Instant.parse("2026-12-07T10:00:00Z").plusSeconds(60L * minute));
        }

        assertThat(collections.get()).isZero();
    }

    @Test
    void theInstallsFlagIsReadFromTheRunningVm() {
        assertThat(HeapReturn.flag("MaxHeapFreeRatio", -1)).isBetween(0, 100);
        assertThat(HeapReturn.flag("NoSuchFlagAnywhere", 42)).isEqualTo(42);
    }
}
