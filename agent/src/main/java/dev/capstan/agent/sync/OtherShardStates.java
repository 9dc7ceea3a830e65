package dev.capstan.agent.sync;

import java.util.Map;
import java.util.Optional;

/**
 * Where the other shards' units stand, as their holders last published it (written by the API's shard views). Read by
 * promotion when a unit's previous environment is on another shard, as it is when units are sharded by cluster.
 */
public final class OtherShardStates {
    private volatile Map<String, UnitOutcome> units = Map.of();
    private final java.util.List<java.util.function.Consumer<Map<String, UnitOutcome>>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public void replace(Map<String, UnitOutcome> now) {
        units = Map.copyOf(now);
        listeners.forEach(listener -> listener.accept(units));
    }

    /** Every other shard's unit, by id, as last published. */
    public Map<String, UnitOutcome> all() {
        return units;
    }

    /** Told of every new set of the other shards' units (on the thread that read their views). */
    void onReplace(java.util.function.Consumer<Map<String, UnitOutcome>> listener) {
        listeners.add(listener);
    }

    public Optional<UnitOutcome> unit(String unitId) {
        return Optional.ofNullable(units.get(unitId));
    }
}
