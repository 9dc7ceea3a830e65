package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environments deploy to the cluster their {@code cluster:} names, through that kubeconfig context. One control plane
 * per test JVM, so the second "cluster" is a second context on it whose user is a ServiceAccount without rights: the
 * environment that names it fails with the server's "forbidden" for that account while the other deploys; an
 * environment naming a cluster the agent does not know fails alone, with a message that says which ones it knows.
 */
@KubernetesCluster
class MultiClusterIT {
    @TempDir
    Path temp;

    @Test
    void eachEnvironmentGoesThroughItsOwnContext(KubernetesClient client, TestNamespace ns, LocalCluster cluster)
            throws Exception {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns);
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("  - name: production\n",
                "  - name: production\n    cluster: eu\n"));
        // Production waits for staging; staging is on the agent's own cluster.
        repo.commit("production lives in the eu cluster");
        Path kubeconfig = twoContexts(client, cluster, ns);
        try (Agent agent = Agent.start(config(repo, cluster, ns, kubeconfig))) {
            RolloutAgents.awaitSynced(agent, "web/staging", repo.git.remoteHead());
            await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> assertThat(agent.status().units()
                    .get("web/production")).isInstanceOfSatisfying(UnitOutcome.Failed.class, failed ->
                    assertThat(failed.message()).contains("cluster " + cluster.apiUrl() + " (kubeconfig " + kubeconfig
                            + ", context limited, user limited): 403 Forbidden: ")
                            .contains("system:serviceaccount:" + ns.name() + ":no-rights")));
            assertThat(client.apps().deployments().inNamespace(repo.production).withName("web").get()).isNull();

            repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("cluster: eu", "cluster: mars"));
            String unknown = repo.commit("production in a cluster the agent does not know");
            await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> assertThat(agent.status().units()
                    .get("web/production")).isInstanceOfSatisfying(UnitOutcome.Failed.class, failed -> {
                        assertThat(failed.commit()).isEqualTo(unknown);
                        assertThat(failed.message()).isEqualTo("environment production: cluster 'mars' is not in "
                                + "the agent config's clusters (known: [default, eu])");
                    }));
            assertThat(agent.status().units().get("web/staging")).isInstanceOf(UnitOutcome.Synced.class);
        }
    }

    /** The test cluster twice: context {@code ops} as the admin, context {@code limited} as a bare ServiceAccount. */
    private Path twoContexts(KubernetesClient client, LocalCluster cluster, TestNamespace ns) throws Exception {
        client.serviceAccounts().inNamespace(ns.name()).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("no-rights").endMetadata().build()).create();
        String saToken = ServiceAccountTokens.issue(client, ns.name(), "no-rights");
        String admin = Files.readString(cluster.kubeconfig());
        Matcher server = Pattern.compile("server: (\\S+)").matcher(admin);
        Matcher ca = Pattern.compile("certificate-authority: (\\S+)").matcher(admin);
        Matcher token = Pattern.compile("token: (\\S+)").matcher(admin);
        assertThat(server.find() && ca.find() && token.find()).isTrue();
        Path file = temp.resolve("two-contexts.kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                  - {name: local, cluster: {server: "%s", certificate-authority: "%s"}}
                users:
                  - {name: admin, user: {token: "%s"}}
                  - {name: limited, user: {token: "%s"}}
                contexts:
                  - {name: ops, context: {cluster: local, user: admin}}
                  - {name: limited, context: {cluster: local, user: limited}}
                current-context: ops
                """.formatted(server.group(1), ca.group(1), token.group(1), saToken));
        return file;
    }

    private AgentConfig config(RolloutRepo repo, LocalCluster cluster, TestNamespace ns, Path kubeconfig) {
        AgentConfig base = Examples.agentConfig(repo.git.url(), Duration.ofMillis(300), temp.resolve("cache"),
                cluster, ns);
        return new AgentConfig(base.repo(), base.cacheDir(),
                new AgentConfig.Cluster(Optional.of(kubeconfig), Optional.of("ops")), base.http(), base.webhooks(),
                base.releases(), dev.capstan.agent.config.AlertConfig.none(), AgentConfig.Tracing.off(),
                dev.capstan.agent.config.ApiConfig.open(), AgentConfig.Ha.off(),
                Map.of("eu", new AgentConfig.Cluster(Optional.of(kubeconfig), Optional.of("limited"))));
    }
}
