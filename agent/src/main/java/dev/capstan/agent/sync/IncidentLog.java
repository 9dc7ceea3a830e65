package dev.capstan.agent.sync;

import dev.capstan.agent.observe.Incident;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The incidents as last written or read from their records: written by {@link IncidentRecorder}. */
public final class IncidentLog {
    private final Map<String, Incident> incidents = new ConcurrentHashMap<>();

    void record(Incident incident) {
        incidents.put(incident.id(), incident);
    }

    /** Incidents, oldest first. */
    public List<Incident> all() {
        return incidents.values().stream().sorted(Comparator.comparing(Incident::openedAt)).toList();
    }
}
