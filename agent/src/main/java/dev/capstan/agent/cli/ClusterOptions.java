package dev.capstan.agent.cli;

import dev.capstan.agent.cluster.KubernetesClients;
import dev.capstan.agent.config.AgentConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --kubeconfig} and {@code --context}, for the commands that read the cluster. */
final class ClusterOptions {
    @Option(names = "--kubeconfig", paramLabel = "F", description = "Kubeconfig file (default: ~/.kube/config"
            + " or in-cluster).")
    private Path kubeconfig;

    @Option(names = "--context", paramLabel = "X", description = "Kubeconfig context.")
    private String context;

    /** A new client; the caller closes it. */
    KubernetesClient client() {
        return KubernetesClients.create(new AgentConfig.Cluster(Optional.ofNullable(kubeconfig),
                Optional.ofNullable(context)));
    }
}
