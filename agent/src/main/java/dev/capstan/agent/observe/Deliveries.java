package dev.capstan.agent.observe;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * How Capstan sends news out to other systems (alert sinks, git hosts) without ever making its work wait: one
 * thread per destination with a bounded queue (a full one refuses, the caller counts a drop), and each delivery
 * tried 4 times with exponential backoff from {@code firstBackoff} (an interruption is never retried).
 */
final class Deliveries {
    private Deliveries() {
    }

    /** A single-thread, bounded, daemon queue named {@code thread}. */
    static ThreadPoolExecutor queue(String thread, int capacity) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity),
                Thread.ofPlatform().name(thread).daemon(true).factory());
    }

    static Retry retry(String name, Duration firstBackoff) {
        return Retry.of(name, RetryConfig.custom().maxAttempts(4)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(firstBackoff, 2.0))
                .retryOnException(e -> !(e instanceof InterruptedException)).build());
    }
}
