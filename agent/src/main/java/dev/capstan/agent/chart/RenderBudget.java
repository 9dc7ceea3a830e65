package dev.capstan.agent.chart;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The time one unit's render may take. Pebble cannot be interrupted, so the template functions that can run long
 * ({@code range}, every filter) check the deadline of the render running on their thread and abort it.
 */
final class RenderBudget {
    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    private RenderBudget() {
    }

    static <T> T within(Duration budget, Supplier<T> work) {
        Long outer = DEADLINE.get();
        DEADLINE.set(System.nanoTime() + budget.toNanos());
        try {
            return work.get();
        } finally {
            if (outer == null) {
                DEADLINE.remove();
            } else {
                DEADLINE.set(outer);
            }
        }
    }

    static void check() {
        Long deadline = DEADLINE.get();
        if (deadline != null && System.nanoTime() - deadline > 0) {
            throw new Exceeded();
        }
    }

    /** Thrown inside template evaluation when the budget is spent; the renderer turns it into a unit error. */
    static final class Exceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Exceeded() {
            super("render time budget exceeded", null, false, false);
        }
    }
}
