package dev.capstan.agent.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.capstan.agent.cluster.Namespaces;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Incident records in the cluster, like release records: one Secret per incident in the agent's namespace (Secrets,
 * because the manifest diff is of manifests that may hold Secret data, even masked), labelled
 * {@code capstan.dev/owner: capstan-incidents}. The newest {@code limit} are kept. Blocking.
 */
public final class IncidentStore {
    static final String LABEL_OWNER = "capstan.dev/owner";
    static final String OWNER = "capstan-incidents";
    private static final String RECORD = "incident.json";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final KubernetesClient client;
    private final String namespace;
    private final int limit;

    public IncidentStore(KubernetesClient client, String namespace, int limit) {
        this.client = client;
        this.namespace = namespace;
        this.limit = limit;
    }

    public void save(Incident incident) {
        Namespaces.ensure(client, namespace);
        try {
            client.secrets().inNamespace(namespace).resource(new SecretBuilder()
                    .withNewMetadata().withName("capstan.incident." + incident.id())
                    .addToLabels(LABEL_OWNER, OWNER).endMetadata()
                    .withType("capstan.dev/incident.v1")
                    .addToData(RECORD, Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(incident)))
                    .build()).fieldManager("capstan").forceConflicts().serverSideApply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Incident> all = all();
        all.stream().limit(Math.max(0, all.size() - limit)).forEach(old -> client.secrets().inNamespace(namespace)
                .withName("capstan.incident." + old.id()).delete());
    }

    /** Every stored incident, oldest first. */
    public List<Incident> all() {
        return client.secrets().inNamespace(namespace).withLabel(LABEL_OWNER, OWNER).list().getItems().stream()
                .map(IncidentStore::incident)
                .sorted(Comparator.comparing(Incident::openedAt).thenComparing(Incident::id))
                .toList();
    }

    private static Incident incident(Secret secret) {
        try {
            return JSON.readValue(new String(Base64.getDecoder().decode(secret.getData().get(RECORD)),
                    StandardCharsets.UTF_8), Incident.class);
        } catch (IOException e) {
            throw new UncheckedIOException("incident record " + secret.getMetadata().getName() + " is unreadable", e);
        }
    }
}
