package dev.capstan.agent.cluster;

import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.ConfigException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the one fabric8 client the agent uses. Always the JDK HTTP client: fabric8's Vert.x 4 one clashes with 5. */
public final class KubernetesClients {
    private KubernetesClients() {
    }

    public static KubernetesClient create(AgentConfig.Cluster cluster) {
        Config config;
        if (cluster.kubeconfig().isPresent()) {
            Path file = cluster.kubeconfig().get();
            if (!Files.isReadable(file)) {
                throw new ConfigException("cluster.kubeconfig: cannot read " + file);
            }
            config = Config.fromKubeconfig(cluster.context().orElse(null), file.toFile());
        } else {
            // In a pod: the service account; elsewhere: ~/.kube/config, as kubectl does.
            config = Config.autoConfigure(cluster.context().orElse(null));
        }
        return create(config);
    }

    public static KubernetesClient create(Config config) {
        // No transport-level retries: fabric8 would retry a deterministic 500 (a rejected apply) ten times with
        // backoff, ~20 s per object. Retrying is the reconcile loop's decision, made once per unit.
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(new JdkHttpClientFactory())
                .build();
    }
}
