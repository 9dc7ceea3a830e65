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
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    void desired(String unit, DesiredState state) {
        desired.put(unit, state);
    }

    void record(UnitDrift unitDrift) {
        UnitDrift before = drift.put(unitDrift.unit(), unitDrift);
        if (before == null || !sameButTime(before, unitDrift)) {
            changes.incrementAndGet();
        }
    }

    /** The same result of a check, only checked at another time. */
    private static boolean sameButTime(UnitDrift a, UnitDrift b) {
        return a.commit().equals(b.commit()) && a.state() == b.state() && a.reason().equals(b.reason())
                && a.objects().equals(b.objects()) && a.diff().equals(b.diff());
    }

    /** Grows whenever a unit's drift changes (not when it is merely checked again with the same result) or goes. */
    long changes() {
        return changes.get();
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
        if (drift.computeIfPresent(unit, (id, last) -> new UnitDrift(last.unit(), commit, last.checkedAt(),
                last.state(), last.reason(), last.objects(), last.diff())) != null) {
            changes.incrementAndGet();
        }
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
        if (drift.keySet().retainAll(unitIds)) {
            changes.incrementAndGet();
        }
    }
}
