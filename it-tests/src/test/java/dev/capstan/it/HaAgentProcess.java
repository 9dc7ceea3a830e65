package dev.capstan.it;

import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.TetheredProcess;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The packaged agent as its own process with leader election (Lease 4 s, renewals every 0.5 s), for the tests that
 * kill one with -9. Its log is {@code <dir>/<identity>.log}, in the text format.
 */
final class HaAgentProcess {
    private HaAgentProcess() {
    }

    /** @param moreHa more fields of the {@code ha} mapping, e.g. {@code "shards: 3"}; empty for none */
    static TetheredProcess start(Path dir, RolloutRepo repo, String recordsNamespace, LocalCluster cluster,
                                 String identity, int port, String moreHa) throws Exception {
        return start(dir, repo, recordsNamespace, cluster, identity, port, moreHa, "300ms", "");
    }

    /**
     * @param pollInterval how often it polls git
     * @param moreConfig   more lines of the agent config, e.g. {@code webhooks}; empty for none
     */
    static TetheredProcess start(Path dir, RolloutRepo repo, String recordsNamespace, LocalCluster cluster,
                                 String identity, int port, String moreHa, String pollInterval, String moreConfig)
            throws Exception {
        Path config = dir.resolve(identity + ".yaml");
        Files.writeString(config, """
                repo: {url: "%s", branch: main, pollInterval: %s}
                cacheDir: "%s"
                cluster: {kubeconfig: "%s"}
                http: {host: 127.0.0.1, port: %d}
                releases: {namespace: %s, unitsMayDeployHere: true}
                ha: {enabled: true, identity: %s, leaseDuration: 4s, renewDeadline: 3s, retryPeriod: 500ms%s}
                %s
                """.formatted(repo.git.url(), pollInterval, dir.resolve("cache-" + identity), cluster.kubeconfig(),
                port, recordsNamespace, identity, moreHa.isEmpty() ? "" : ", " + moreHa, moreConfig));
        Path jar = ClusterBinaries.repoRoot().resolve("agent/target/capstan.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        return TetheredProcess.start(identity, dir, List.of(java, "-jar", jar.toString(), "run", "--config",
                config.toString(), "--log-format", "text"));
    }

    /** Who holds the Lease {@code capstan-leader} in {@code namespace}, or null. */
    static String leaseHolder(io.fabric8.kubernetes.client.KubernetesClient client, String namespace) {
        return leaseHolder(client, namespace, "capstan-leader");
    }

    /** Who holds the Lease {@code name} in {@code namespace}, or null. */
    static String leaseHolder(io.fabric8.kubernetes.client.KubernetesClient client, String namespace, String name) {
        io.fabric8.kubernetes.api.model.coordination.v1.Lease lease = client.leases().inNamespace(namespace)
                .withName(name).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** web/staging's revisions as the records say: "1 superseded", "2 deployed"... */
    static List<String> statuses(dev.capstan.agent.release.ReleaseStore records) {
        return records.history("web", "staging").stream().map(r -> r.revision() + " " + r.status().label())
                .toList();
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
