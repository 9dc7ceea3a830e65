package dev.capstan.agent.sync;

import java.util.Map;
import java.util.Optional;

/**
 * Where the other shards' units stand, as their holders last published it (written by the API's shard views). Read by
 * promotion when a unit's previous environment is on another shard, as it is when units are sharded by cluster.
 */
public final class OtherShardStates {
    private volatile Map<String, UnitOutcome> units = Map.of();

    /** Replaces what is known; says whether any unit's state or commit changed. */
    public boolean replace(Map<String, UnitOutcome> now) {
        Map<String, UnitOutcome> before = units;
        units = Map.copyOf(now);
        if (!before.keySet().equals(now.keySet())) {
            return true;
        }
        return now.entrySet().stream().anyMatch(e -> {
            UnitOutcome was = before.get(e.getKey());
            return was.getClass() != e.getValue().getClass() || !was.commit().equals(e.getValue().commit());
        });
    }

    public Optional<UnitOutcome> unit(String unitId) {
        return Optional.ofNullable(units.get(unitId));
    }
}
