package dev.capstan.agent.cluster;

import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Whether this replica may write to the cluster now, for the unit whose work runs on this thread: with high
 * availability only while it holds the Lease of the unit's shard, renewed within the renew deadline (a replica
 * paused past its Lease — a stopped process, a long GC — must not wake up and write: another replica may have
 * taken the unit over meanwhile). Checked right before every write (apply, dry run, delete, prune, hook, record);
 * a refused write throws {@link LeaseLost} and the unit's work is abandoned without deciding anything, as a
 * shutdown abandons it. The unit is bound to the thread by {@link #forUnit}; a write bound to no unit needs every
 * Lease this replica holds to be fresh.
 */
public final class WriteFence {
    private static final ThreadLocal<String> UNIT = new ThreadLocal<>();
    private static final WriteFence OPEN = new WriteFence(unit -> true);

    private final Predicate<String> mayWrite;

    /** @param mayWrite of a unit id ({@code chart/env}, or empty for a write of no unit), whether it may write now */
    public WriteFence(Predicate<String> mayWrite) {
        this.mayWrite = mayWrite;
    }

    /** No fence: one agent without a Lease, or a one-shot command. */
    public static WriteFence open() {
        return OPEN;
    }

    /** Runs {@code work} as unit {@code unitId}'s: its writes are fenced by that unit's shard. */
    public static <T> T forUnit(String unitId, Supplier<T> work) {
        String outer = UNIT.get();
        UNIT.set(unitId);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                UNIT.remove();
            } else {
                UNIT.set(outer);
            }
        }
    }

    public static void forUnit(String unitId, Runnable work) {
        forUnit(unitId, () -> {
            work.run();
            return null;
        });
    }

    /** Throws {@link LeaseLost} unless this replica may write now for the unit of this thread. */
    public void check() {
        String unit = UNIT.get();
        if (!mayWrite.test(unit == null ? "" : unit)) {
            throw new LeaseLost(unit == null ? "" : unit);
        }
    }

    /** This replica no longer holds (or has not renewed in time) the Lease that lets it write for a unit. */
    public static final class LeaseLost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeaseLost(String unit) {
            super("this replica no longer holds the Lease of " + (unit.isEmpty() ? "its shards" : "unit " + unit
                    + "'s shard") + " (or has not renewed it within the renew deadline): nothing written, the "
                    + "unit's work is abandoned to the replica that holds it", null, false, false);
        }
    }
}
