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

    /** One unit's last rendered state, if any (no copy of the board). */
    DesiredState desiredOf(String unit) {
        return desired.get(unit);
    }

    /** One unit's last drift check, if any (no copy of the board). */
    UnitDrift driftOf(String unit) {
        return drift.get(unit);
    }

    /**
     * A unit carried to {@code commit} without a render: its live state was not touched, so its last check still
     * holds and is now of that commit (a check of every unit per commit cost a 5,000-app repository a core for a
     * quarter of a second at each push).
     */
    void carried(String unit, String commit) {
        drift.computeIfPresent(unit, (id, last) -> new UnitDrift(last.unit(), commit, last.checkedAt(), last.state(),
                last.reason(), last.objects(), last.diff()));
    }

    /** The units with a drift check. */
    Set<String> checked() {
        return Set.copyOf(drift.keySet());
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
