package dev.capstan.agent.cli;

import dev.capstan.agent.cluster.ClusterEndpoint;
import dev.capstan.agent.cluster.ClusterReader;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.ConfigException;
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

    /** The cluster to read; the caller closes it. */
    ClusterReader open() {
        return ClusterReader.open(new AgentConfig.Cluster(Optional.ofNullable(kubeconfig),
                Optional.ofNullable(context)));
    }

    /** Whether {@code e} is what a bad kubeconfig or an unreachable cluster throws: said in one line, no trace. */
    static boolean expected(RuntimeException e) {
        return e instanceof ConfigException || ClusterEndpoint.isClusterFailure(e);
    }
}
