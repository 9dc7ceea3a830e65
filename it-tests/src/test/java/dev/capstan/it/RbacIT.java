package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install manifests on the real apiserver: everything applies (the workload and its PDB as a server dry run),
 * and an agent running with the manifests' ServiceAccount token — nothing more — syncs and rolls back. Without one
 * of the rules, the unit fails with the API server's "forbidden" naming the resource.
 */
@KubernetesCluster
class RbacIT {
    private static final List<String> FILES = List.of("namespace.yaml", "serviceaccount.yaml", "rbac.yaml",
            "configmap.yaml", "deployment.yaml", "service.yaml", "pdb.yaml", "networkpolicy.yaml",
            "sharded/statefulset.yaml", "sharded/replicas-service.yaml");

    @TempDir
    Path temp;

    @Test
    void theManifestsRbacIsEnoughForASyncAndARollback(KubernetesClient client, TestNamespace ns,
                                                      LocalCluster cluster) throws Exception {
        String agentNs = install(client, ns, false);
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns,
                "    rollout: {strategy: rolling, stepTimeout: 30s}");
        try (Agent agent = Agent.start(config(repo, cluster, ns, agentNs, serviceAccountKubeconfig(client,
                cluster, agentNs)))) {
            RolloutAgents.awaitSynced(agent, "web/staging", repo.git.remoteHead());
            String bad = repo.image("crashloop", "web: crash-looping image");
            RolloutAgents.awaitHeld(agent, "web/staging", bad);
            assertThat(RolloutAgents.history(agent, "web/staging"))
                    .containsExactly("1 superseded", "2 failed", "3 deployed");
            assertThat(client.secrets().inNamespace(agentNs).withLabel("capstan.dev/owner").list().getItems())
                    .as("release and incident records in the agent's namespace").hasSizeGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void aMissingRuleFailsTheUnitWithTheServersMessage(KubernetesClient client, TestNamespace ns,
                                                       LocalCluster cluster) throws Exception {
        String agentNs = install(client, ns, true);
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = Agent.start(config(repo, cluster, ns, agentNs, serviceAccountKubeconfig(client,
                cluster, agentNs)))) {
            await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> assertThat(agent.status().units()
                    .get("web/staging")).isInstanceOfSatisfying(UnitOutcome.Failed.class, failed -> {
                        assertThat(failed.stage()).isEqualTo(UnitOutcome.Stage.APPLY);
                        assertThat(failed.message()).contains("forbidden").contains("configmaps")
                                .contains("system:serviceaccount:" + agentNs + ":capstan");
                    }));
        }
    }

    /**
     * Applies manifests/ with the agent's namespace and cluster-role names made unique to the test, as they are
     * otherwise; the workloads (the sharded StatefulSet too) and PDB as server dry runs. {@code withoutConfigMaps}
     * drops configmaps from the rules. Returns the agent's namespace.
     */
    private static String install(KubernetesClient client, TestNamespace ns, boolean withoutConfigMaps)
            throws Exception {
        String agentNs = ns.another("sys");
        for (String file : FILES) {
            String text = Files.readString(ClusterBinaries.repoRoot().resolve("manifests").resolve(file))
                    .replace("capstan-system", agentNs)
                    .replace("capstan-deployer", "capstan-deployer-" + ns.name());
            if (withoutConfigMaps) {
                text = text.replace("resources: [configmaps, secrets, services, serviceaccounts]",
                        "resources: [secrets, services, serviceaccounts]");
            }
            for (HasMetadata item : client.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))
                    .items()) {
                var resource = client.resource(item);
                if (item.getKind().equals("Deployment") || item.getKind().equals("StatefulSet")
                        || item.getKind().equals("PodDisruptionBudget")) {
                    resource.dryRun().fieldManager("rbac-it").forceConflicts().serverSideApply();
                } else {
                    resource.fieldManager("rbac-it").forceConflicts().serverSideApply();
                }
            }
        }
        assertThat(client.apps().deployments().inNamespace(agentNs).withName("capstan").get())
                .as("dry run only").isNull();
        return agentNs;
    }

    /** A kubeconfig that authenticates as the manifests' ServiceAccount, with its token. */
    private Path serviceAccountKubeconfig(KubernetesClient client, LocalCluster cluster, String agentNs)
            throws Exception {
        String token = ServiceAccountTokens.issue(client, agentNs, "capstan");
        Path kubeconfig = temp.resolve("capstan-sa.kubeconfig");
        Files.writeString(kubeconfig, Files.readString(cluster.kubeconfig())
                .replaceAll("token: .*", "token: " + token));
        return kubeconfig;
    }

    private AgentConfig config(RolloutRepo repo, LocalCluster cluster, TestNamespace ns, String agentNs,
                               Path kubeconfig) {
        AgentConfig base = Examples.agentConfig(repo.git.url(), Duration.ofMillis(300), temp.resolve("cache"),
                cluster, ns);
        return new AgentConfig(base.repo(), base.cacheDir(),
                new AgentConfig.Cluster(Optional.of(kubeconfig), Optional.empty()), base.http(), base.webhooks(),
                new AgentConfig.Releases(agentNs, 10));
    }
}
