package dev.capstan.agent.sync;

import java.util.Map;
import java.util.Optional;

/**
 * Where the other shards' units stand, as their holders last published it (written by the API's shard views). Read by
 * promotion when a unit's previous environment is on another shard, as it is when units are sharded by cluster.
 */
public final class OtherShardStates {
    private volatile Map<String, UnitOutcome> units = Map.of();

    public void replace(Map<String, UnitOutcome> now) {
        units = Map.copyOf(now);
    }

    public Optional<UnitOutcome> unit(String unitId) {
        return Optional.ofNullable(units.get(unitId));
    }
}
