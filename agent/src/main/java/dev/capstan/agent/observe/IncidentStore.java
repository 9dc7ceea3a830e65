package dev.capstan.agent.observe;

import dev.capstan.agent.cluster.RecordStorage;
import dev.capstan.agent.cluster.StoredRecord;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Incident records in the cluster, like release records: one Secret per incident in the agent's namespace (Secrets,
 * because the manifest diff is of manifests that may hold Secret data, even masked), labelled
 * {@code capstan.dev/owner: capstan-incidents}. The newest {@code limit} are kept. Blocking.
 */
public final class IncidentStore {
    private static final String RECORD = "incident.json";

    private final RecordStorage records;
    private final int limit;

    /** Incident records kept in {@code records} (the cluster's: {@code cluster.RecordKind.INCIDENTS}). */
    public IncidentStore(RecordStorage records, int limit) {
        this.records = records;
        this.limit = limit;
    }

    public void save(Incident incident) {
        records.put("capstan.incident." + incident.id(), Map.of(), Map.of(RECORD, StoredRecord.toJson(incident)));
        List<Incident> all = all();
        all.stream().limit(Math.max(0, all.size() - limit)).forEach(old -> records.delete("capstan.incident."
                + old.id()));
    }

    /** Every stored incident, oldest first. */
    public List<Incident> all() {
        return records.list(Map.of()).stream()
                .map(record -> record.json(RECORD, Incident.class))
                .sorted(Comparator.comparing(Incident::openedAt).thenComparing(Incident::id))
                .toList();
    }
}
