package dev.capstan.agent.sync;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/** Where each unit stands ({@link UnitOutcome}): written by the unit work (sync, actions, removal), read by all. */
public final class UnitStates {
    private final Map<String, UnitOutcome> units = new ConcurrentHashMap<>();
    private final List<Consumer<UnitOutcome>> listeners = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    void record(UnitOutcome outcome) {
        units.put(outcome.unit(), outcome);
        changes.incrementAndGet();
        for (Consumer<UnitOutcome> listener : listeners) {
            try {
                listener.accept(outcome);
            } catch (RuntimeException e) {
                // A listener reports elsewhere (commit statuses); its failure must not stop the unit's work.
                LoggerFactory.getLogger(UnitStates.class).warn("a listener of unit {} failed: {}", outcome.unit(),
                        e.toString());
            }
        }
    }

    /** Told of every outcome recorded, on the recording thread: it must only hand the news on. */
    void onRecord(Consumer<UnitOutcome> listener) {
        listeners.add(listener);
    }

    /** Where one unit stands, if known (no copy of the whole map: the unit workers ask this per unit). */
    public UnitOutcome unit(String unitId) {
        return units.get(unitId);
    }

    /** The units of environment {@code env} (ids ending in {@code /env}), unsorted, without copying the map. */
    List<UnitOutcome> ofEnvironment(String env) {
        return units.values().stream().filter(u -> u.unit().endsWith("/" + env)).toList();
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
        if (units.keySet().retainAll(unitIds)) {
            changes.incrementAndGet();
        }
    }

    /** Grows whenever a unit's outcome is recorded or a unit goes: a view of the board needs no rebuild without. */
    long changes() {
        return changes.get();
    }
}
