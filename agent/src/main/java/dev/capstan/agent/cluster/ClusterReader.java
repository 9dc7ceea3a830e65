package dev.capstan.agent.cluster;

import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.model.Capabilities;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/**
 * A cluster as the commands beside the agent read it ({@code capstan diff}, {@code capstan history}): one client, no
 * informers, nothing written. Blocking; the caller closes it.
 */
public final class ClusterReader implements AutoCloseable {
    private final KubernetesClient client;

    private ClusterReader(KubernetesClient client) {
        this.client = client;
    }

    /** The cluster a kubeconfig (or the pod's service account) names; nothing is asked of it yet. */
    public static ClusterReader open(AgentConfig.Cluster cluster) {
        return new ClusterReader(KubernetesClients.create(cluster));
    }

    /** Where the client talks to, for error messages. */
    public ClusterEndpoint endpoint() {
        return ClusterEndpoint.of(client);
    }

    /** What the cluster serves, from discovery. */
    public Capabilities capabilities() {
        return ClusterCapabilities.discover(client);
    }

    /** A drift checker that reads each live object when asked (no cache). */
    public DriftChecker driftChecker(Clock clock) {
        return new DriftChecker(client, new DirectLookup(client), new SecretMask(), clock);
    }

    /** The agent's records of {@code kind} in {@code namespace}, to read. */
    public RecordStorage records(String namespace, RecordKind kind) {
        return new SecretRecords(client, namespace, kind);
    }

    @Override
    public void close() {
        client.close();
    }
}
