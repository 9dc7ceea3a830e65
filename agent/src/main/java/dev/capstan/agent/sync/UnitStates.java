package dev.capstan.agent.sync;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Where each unit stands ({@link UnitOutcome}): written by the unit work (sync, actions, removal), read by all. */
public final class UnitStates {
    private final Map<String, UnitOutcome> units = new ConcurrentHashMap<>();

    void record(UnitOutcome outcome) {
        units.put(outcome.unit(), outcome);
    }

    /** Where one unit stands, if known (no copy of the whole map: the scheduler asks this per unit). */
    public UnitOutcome unit(String unitId) {
        return units.get(unitId);
    }

    /** Units sorted by id. */
    public Map<String, UnitOutcome> all() {
        return new TreeMap<>(units);
    }

    /** Forgets where a unit stands, so its next cycle starts it afresh (after a resume). */
    void forget(String unitId) {
        units.remove(unitId);
    }

    /** Forgets units that are no longer in the repository. */
    void retainOnly(Set<String> unitIds) {
        units.keySet().retainAll(unitIds);
    }
}
