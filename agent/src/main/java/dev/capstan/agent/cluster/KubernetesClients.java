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
        return create(cluster, null);
    }

    /** A client whose every request is counted by {@code counter} (none: {@code null}). */
    public static KubernetesClient create(AgentConfig.Cluster cluster, RequestCounter counter) {
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
        return create(config, counter);
    }

    public static KubernetesClient create(Config config) {
        return create(config, null);
    }

    public static KubernetesClient create(Config config, RequestCounter counter) {
        // No transport-level retries: fabric8 would retry a deterministic 500 (a rejected apply) ten times with
        // backoff, ~20 s per object. Retrying is the reconcile loop's decision, made once per unit.
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(counter == null ? new JdkHttpClientFactory() : new JdkHttpClientFactory() {
                    @Override
                    public io.fabric8.kubernetes.client.http.HttpClient.Builder newBuilder(Config clientConfig) {
                        return super.newBuilder(clientConfig).addOrReplaceInterceptor("capstan-requests", counter);
                    }
                })
                .build();
    }
}
