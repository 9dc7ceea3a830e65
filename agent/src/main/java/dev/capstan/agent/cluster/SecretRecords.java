package dev.capstan.agent.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Records Capstan keeps in Secrets of its own namespace (release records, incidents): one Secret per record, found by
 * an owner label, holding JSON (and other entries) base64-encoded. Secrets, because records may hold what a chart
 * put in Secrets. The one place that knows how records are written and read. Blocking.
 */
public final class SecretRecords implements RecordStorage {
    public static final String LABEL_OWNER = "capstan.dev/owner";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String namespace;
    private final String owner;
    private final String type;
    private boolean namespaceChecked;

    /**
     * Records of {@code kind} in {@code namespace}, labelled {@value #LABEL_OWNER} with the kind's owner (never
     * {@code managed-by=capstan}: records are no unit's objects), for readers beside the agent (the CLI, tests).
     */
    public SecretRecords(KubernetesClient client, String namespace, RecordKind kind) {
        this(client, namespace, kind, WriteFence.open());
    }

    /** As above, writing only while {@code fence} lets this replica write for the unit at work. */
    public SecretRecords(KubernetesClient client, String namespace, RecordKind kind, WriteFence fence) {
        this.client = client;
        this.namespace = namespace;
        this.owner = kind.owner();
        this.type = kind.type();
        this.fence = fence;
    }

    /**
     * The resourceVersion of each record as this replica last wrote (or first read) it: an update names it, so the
     * API server refuses the update of a record someone else changed since — a replica that lost its Lease while
     * paused cannot overwrite what the replica that took over wrote.
     */
    private final Map<String, String> versions = new java.util.concurrent.ConcurrentHashMap<>();
    private final WriteFence fence;

    /** A record as this replica wrote it: its version is the one to name next. */
    private Secret written(Secret secret) {
        return remember(secret, true);
    }

    /** A record as read: its version counts only if none was written since (a read may predate a write). */
    private Secret read(Secret secret) {
        return remember(secret, false);
    }

    private Secret remember(Secret secret, boolean written) {
        if (secret != null && secret.getMetadata() != null && secret.getMetadata().getResourceVersion() != null) {
            String name = secret.getMetadata().getName();
            String version = secret.getMetadata().getResourceVersion();
            if (written) {
                versions.put(name, version);
            } else {
                versions.putIfAbsent(name, version);
            }
        }
        return secret;
    }

    /** Forgets every version: what this replica reads next is the truth (it just took a shard over). */
    @Override
    public void forgetVersions() {
        versions.clear();
    }

    @Override
    public String namespace() {
        return namespace;
    }

    /** Creates record {@code name} with extra {@code labels} and {@code entries} (raw bytes, encoded here). */
    @Override
    public void create(String name, Map<String, String> labels, Map<String, byte[]> entries) {
        fence.check();
        ensureNamespace();
        written(client.secrets().inNamespace(namespace).resource(secret(name, labels, entries)).create());
    }

    /** Creates or replaces record {@code name} (server-side apply). */
    @Override
    public void put(String name, Map<String, String> labels, Map<String, byte[]> entries) {
        fence.check();
        ensureNamespace();
        written(client.secrets().inNamespace(namespace).resource(secret(name, labels, entries))
                .fieldManager("capstan").forceConflicts().serverSideApply());
    }

    /** Replaces one entry of record {@code name}, keeping the others: one merge patch, no read first. */
    @Override
    public void update(String name, String entry, byte[] value) {
        fence.check();
        Map<String, Object> patch = new java.util.LinkedHashMap<>();
        String version = versions.get(name);
        if (version != null) {
            // A precondition: the server refuses the patch (409) if the record changed since.
            patch.put("metadata", Map.of("resourceVersion", version));
        }
        patch.put("data", Map.of(entry, Base64.getEncoder().encodeToString(value)));
        try {
            // Named through an item, not withName(): fabric8 would GET the object first to learn its name.
            written(client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata()
                    .withName(name).withNamespace(namespace).endMetadata().build())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(patch)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode record " + name, e);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                versions.remove(name);
                throw new KubernetesClientException("record " + name + " was changed by another replica since this "
                        + "one wrote it: not overwritten", e);
            }
            throw e;
        }
    }

    /** The records of this kind carrying {@code labels} (all of them when empty). */
    @Override
    public List<StoredRecord> list(Map<String, String> labels) {
        var query = client.secrets().inNamespace(namespace).withLabel(LABEL_OWNER, owner);
        for (Map.Entry<String, String> label : labels.entrySet()) {
            query = query.withLabel(label.getKey(), label.getValue());
        }
        try {
            return query.list().getItems().stream().map(this::read).map(SecretRecords::record).toList();
        } catch (KubernetesClientException e) {
            throw described(e);
        }
    }

    @Override
    public Optional<StoredRecord> get(String name) {
        try {
            return Optional.ofNullable(read(client.secrets().inNamespace(namespace).withName(name).get()))
                    .map(SecretRecords::record);
        } catch (KubernetesClientException e) {
            throw described(e);
        }
    }

    /** A failed read that says which namespace of which cluster, and why, for the logs that report it. */
    private KubernetesClientException described(KubernetesClientException e) {
        return new KubernetesClientException("records in namespace " + namespace + " of "
                + ClusterEndpoint.of(client).describe(e), e, e.getCode(), e.getStatus(), null);
    }

    @Override
    public void delete(String name) {
        fence.check();
        client.secrets().inNamespace(namespace).withName(name).delete();
        versions.remove(name);
    }

    /** A record Secret as the other rooms see it: nothing of fabric8, nothing decoded until read. */
    public static StoredRecord record(Secret secret) {
        return new StoredRecord(secret.getMetadata().getName(), secret.getMetadata().getResourceVersion(),
                secret.getMetadata().getLabels(), secret.getData());
    }

    private Secret secret(String name, Map<String, String> labels, Map<String, byte[]> entries) {
        SecretBuilder builder = new SecretBuilder().withNewMetadata().withName(name).addToLabels(LABEL_OWNER, owner)
                .addToLabels(labels).endMetadata().withType(type);
        entries.forEach((key, value) -> builder.addToData(key, Base64.getEncoder().encodeToString(value)));
        return builder.build();
    }

    private synchronized void ensureNamespace() {
        if (!namespaceChecked) {
            Namespaces.ensure(client, namespace);
            namespaceChecked = true;
        }
    }
}
