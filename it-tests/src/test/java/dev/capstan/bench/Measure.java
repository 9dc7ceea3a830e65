package dev.capstan.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** What the scripted benchmarks share: waiting for a condition, percentiles, nanoseconds as milliseconds. */
final class Measure {
    private Measure() {
    }

    /** Spins (briefly parking) until {@code condition} holds; fails after two minutes. */
    static void waitFor(BooleanSupplier condition) {
        Duration limit = Duration.ofSeconds(120);
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not met within " + limit.toSeconds() + " s");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** The nearest-rank percentile. */
    static long percentile(List<Long> values, int percentile) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
