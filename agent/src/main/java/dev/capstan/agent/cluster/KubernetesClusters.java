package dev.capstan.agent.cluster;

import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.ConfigException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The clusters reached with fabric8: {@value #DEFAULT} is the agent's own (its {@code cluster} config), others come
 * from the agent config's {@code clusters} (a kubeconfig and context each). Each is connected on first use.
 */
final class KubernetesClusters implements ClusterConnections {
    private final Map<String, AgentConfig.Cluster> configured;
    private final Map<String, KubernetesConnection> connected = new ConcurrentHashMap<>();
    private final MeterRegistry metrics;
    private final Function<String, WritePolicy> policies;
    private final ClusterConnection.Settings settings;
    private final List<BiConsumer<String, String>> liveListeners = new CopyOnWriteArrayList<>();

    /**
     * @param own      the agent's own cluster's client (the caller closes it)
     * @param policies each cluster's write policy, by name (the agent's own namespace is reserved in its own)
     */
    KubernetesClusters(KubernetesClient own, Map<String, AgentConfig.Cluster> configured,
                       MeterRegistry metrics, Function<String, WritePolicy> policies,
                       ClusterConnection.Settings settings) {
        this.configured = Map.copyOf(configured);
        this.metrics = metrics;
        this.policies = policies;
        this.settings = settings;
        connected.put(DEFAULT, connect(DEFAULT, own, false));
    }

    @Override
    public ClusterConnection of(String name) {
        ClusterConnection known = connected.get(name);
        if (known != null) {
            return known;
        }
        AgentConfig.Cluster cluster = configured.get(name);
        if (cluster == null) {
            throw new ConfigException("cluster '" + name + "' is not in the agent config's clusters (known: "
                    + new TreeSet<>(names()) + ")");
        }
        return connected.computeIfAbsent(name, n -> connect(n, KubernetesClients.create(cluster,
                new RequestCounter(metrics, n)), true));
    }

    @Override
    public Set<String> names() {
        Set<String> names = new HashSet<>(configured.keySet());
        names.add(DEFAULT);
        return names;
    }

    @Override
    public synchronized void onLiveChange(BiConsumer<String, String> listener) {
        liveListeners.add(listener);
        connected.values().forEach(c -> c.liveState().onChange(listener));
    }

    private KubernetesConnection connect(String name, KubernetesClient client, boolean ownsClient) {
        LiveState live = new LiveState(client, settings.install());
        liveListeners.forEach(live::onChange);
        return new KubernetesConnection(name, client, ownsClient, live, policies.apply(name), settings);
    }

    /** Closes the informers of every cluster and the clients of the extra ones (the caller owns its own). */
    @Override
    public void close() {
        connected.values().forEach(KubernetesConnection::close);
    }
}
