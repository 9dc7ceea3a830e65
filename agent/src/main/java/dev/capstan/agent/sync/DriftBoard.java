package dev.capstan.agent.sync;

import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.model.DesiredState;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** What each unit should look like (its last render) and how its live state compares (its last drift check). */
public final class DriftBoard {
    private final Map<String, DesiredState> desired = new ConcurrentHashMap<>();
    private final Map<String, UnitDrift> drift = new ConcurrentHashMap<>();

    void desired(String unit, DesiredState state) {
        desired.put(unit, state);
    }

    void record(UnitDrift unitDrift) {
        drift.put(unitDrift.unit(), unitDrift);
    }

    /** The last rendered state of each unit (what drift compares against). */
    Map<String, DesiredState> desired() {
        return new TreeMap<>(desired);
    }

    /** The last drift check of each unit, sorted by unit id. */
    public Map<String, UnitDrift> all() {
        return new TreeMap<>(drift);
    }

    void retainOnly(Set<String> unitIds) {
        desired.keySet().retainAll(unitIds);
        drift.keySet().retainAll(unitIds);
    }
}
