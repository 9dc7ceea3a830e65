package dev.capstan.agent.cluster;

import dev.capstan.agent.config.AgentConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The cluster the agent runs in, and what the agent keeps there beside the units' objects: its records, its Leases
 * (leader election, one per shard, and the push stamp) and the shard views. The agent's one client; the agent closes
 * it last.
 */
public final class OwnCluster implements AutoCloseable {
    private final KubernetesClient client;
    private final String namespace;

    private OwnCluster(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** The cluster the agent config's {@code cluster} names; records in {@code releases.namespace}. */
    public static OwnCluster connect(AgentConfig config, MeterRegistry metrics) {
        return new OwnCluster(KubernetesClients.create(config.cluster(),
                new RequestCounter(metrics, ClusterConnections.DEFAULT)), config.releases().namespace());
    }

    /** The agent's records of {@code kind}, written only while {@code fence} lets this replica write. */
    public RecordStorage records(RecordKind kind, WriteFence fence) {
        return new SecretRecords(client, namespace, kind, fence);
    }

    /** Connects the clusters environments deploy to, this one among them (as {@code default}). */
    public ClusterConnections.Factory clusters(AgentConfig config, MeterRegistry metrics) {
        return (policies, settings) -> new KubernetesClusters(client, config.clusters(), metrics, policies, settings);
    }

    /** The stamp that tells the other replicas of a push this one received. */
    public PushSignal pushSignal(AgentConfig.Ha ha, Clock clock) {
        return new PushSignal(client, namespace, ha.leaseName(), ha.identity(), clock);
    }

    /** This replica's campaign for Lease {@code leaseName} (not started). */
    public Leadership leadership(AgentConfig.Ha ha, String leaseName, Runnable onStart, Runnable onStop,
                                 Consumer<String> onNewLeader) {
        return new Leadership(client, namespace, ha, leaseName, onStart, onStop, onNewLeader);
    }

    /** Records of {@code kind} as an informer keeps them: reading them costs no request. */
    public WatchedRecords watch(RecordKind kind) {
        SharedIndexInformer<Secret> informer = client.secrets().inNamespace(namespace)
                .withLabel(SecretRecords.LABEL_OWNER, kind.owner()).inform();
        return new WatchedRecords(() -> informer.getStore().list().stream().map(SecretRecords::record).toList(),
                informer::close);
    }

    /** Records kept current by a watch; closing stops it. */
    public record WatchedRecords(Supplier<List<StoredRecord>> current, Runnable stop) implements AutoCloseable {
        @Override
        public void close() {
            stop.run();
        }
    }

    /**
     * Watches the Leases of the agent's namespace: {@code holders} is told each Lease's holder as it changes (who holds
     * each shard, known before this replica campaigns for the others), and {@code pushed} runs when another replica
     * stamped {@code signal}.
     */
    public AutoCloseable watchLeases(BiConsumer<String, String> holders, PushSignal signal, Runnable pushed) {
        SharedIndexInformer<Lease> informer = client.leases().inNamespace(namespace).inform(
                new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Lease lease) {
                        // The first push ever creates the stamp; at start, an old stamp costs one fetch.
                        onUpdate(null, lease);
                    }

                    @Override
                    public void onUpdate(Lease old, Lease lease) {
                        if (signal.fromAnother(lease)) {
                            pushed.run();
                        } else if (lease.getSpec() != null && lease.getSpec().getHolderIdentity() != null) {
                            holders.accept(lease.getMetadata().getName(), lease.getSpec().getHolderIdentity());
                        }
                    }

                    @Override
                    public void onDelete(Lease lease, boolean unknownFinalState) {
                        // A deleted Lease is taken again by its elector; the holder it names next is news then.
                    }
                });
        return informer::close;
    }

    @Override
    public void close() {
        client.close();
    }
}
