package dev.capstan.agent.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed authentications per client address, in fixed windows: past {@code allowed} failures in a window the address
 * is answered 429 until the window ends. Authenticated callers have budgets of their own, so a client spraying
 * tokens slows down only itself. Bounded: the oldest addresses are forgotten first. Thread-safe.
 */
final class FailedAuthentications {
    static final int TRACKED_ADDRESSES = 10_000;

    /** What to answer a failed attempt, and whether it is the first one of its window (log it then). */
    record Verdict(boolean limited, boolean firstInWindow, long failuresInWindow, Duration retryAfter) {
    }

    private record Window(long startNanos, long failures) {
    }

    private final int allowed;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Window> windows = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > TRACKED_ADDRESSES;
        }
    };

    FailedAuthentications(int allowed, Duration window, LongSupplier nanoTime) {
        this.allowed = allowed;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Counts one failure of {@code address}. */
    synchronized Verdict failed(String address) {
        long now = nanoTime.getAsLong();
        Window window = windows.get(address);
        if (window == null || now - window.startNanos() >= windowNanos) {
            window = new Window(now, 0);
        }
        window = new Window(window.startNanos(), window.failures() + 1);
        windows.put(address, window);
        Duration retry = Duration.ofNanos(Math.max(0, window.startNanos() + windowNanos - now));
        return new Verdict(window.failures() > allowed, window.failures() == 1, window.failures(), retry);
    }
}
