package dev.capstan.agent.sync;

import dev.capstan.agent.release.Release;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Each unit's release history as last read from the records, oldest first: written by {@link ReleaseRecorder}. */
public final class ReleaseHistories {
    private final Map<String, List<Release>> releases = new ConcurrentHashMap<>();

    void record(String unit, List<Release> history) {
        releases.put(unit, List.copyOf(history));
    }

    /** One unit's history (no copy of the whole map: asked per unit). */
    List<Release> of(String unitId) {
        return releases.getOrDefault(unitId, List.of());
    }

    /** Every unit's history, sorted by unit. */
    public Map<String, List<Release>> all() {
        return new TreeMap<>(releases);
    }
}
