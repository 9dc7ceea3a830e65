package dev.capstan.agent.observe;

import dev.capstan.agent.cluster.SecretRecords;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Incident records in the cluster, like release records: one Secret per incident in the agent's namespace (Secrets,
 * because the manifest diff is of manifests that may hold Secret data, even masked), labelled
 * {@code capstan.dev/owner: capstan-incidents}. The newest {@code limit} are kept. Blocking.
 */
public final class IncidentStore {
    static final String OWNER = "capstan-incidents";
    private static final String RECORD = "incident.json";

    private final SecretRecords records;
    private final int limit;

    /** Incident records in {@code namespace}, written only while {@code fence} lets this replica write. */
    public IncidentStore(KubernetesClient client, String namespace, int limit,
                         dev.capstan.agent.cluster.WriteFence fence) {
        this.records = new SecretRecords(client, namespace, OWNER, "capstan.dev/incident.v1", fence);
        this.limit = limit;
    }

    public void save(Incident incident) {
        records.put("capstan.incident." + incident.id(), Map.of(), Map.of(RECORD, SecretRecords.json(incident)));
        List<Incident> all = all();
        all.stream().limit(Math.max(0, all.size() - limit)).forEach(old -> records.delete("capstan.incident."
                + old.id()));
    }

    /** Every stored incident, oldest first. */
    public List<Incident> all() {
        return records.list(Map.of()).stream()
                .map(secret -> SecretRecords.fromJson(secret, RECORD, Incident.class))
                .sorted(Comparator.comparing(Incident::openedAt).thenComparing(Incident::id))
                .toList();
    }
}
