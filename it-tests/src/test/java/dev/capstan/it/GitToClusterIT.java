package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walking skeleton end to end: git commit → agent (JGit poll, render, SSA) → real apiserver → ready pods. */
@KubernetesCluster
class GitToClusterIT {
    private static final Duration SYNC = Duration.ofSeconds(60);

    @TempDir
    Path tempDir;

    @Test
    void aCommitBecomesRunningObjectsAndTheNextCommitFollows(KubernetesClient client, TestNamespace ns,
                                                               LocalCluster cluster) {
        String staging = ns.name();
        LocalGitRepo repo = Examples.repo(tempDir.resolve("git"), ns);
        String production = staging + "-prod";

        try (Agent agent = Agent.start(agentConfig(repo, cluster, ns))) {
            await().atMost(SYNC).untilAsserted(() -> {
                Deployment api = client.apps().deployments().inNamespace(staging).withName("checkout-api").get();
                assertThat(api).isNotNull();
                assertThat(api.getStatus().getAvailableReplicas()).isGreaterThanOrEqualTo(1);
                Deployment orders = client.apps().deployments().inNamespace(production).withName("orders").get();
                assertThat(orders).isNotNull();
                assertThat(orders.getStatus().getAvailableReplicas()).isEqualTo(2);
            });

            Deployment api = client.apps().deployments().inNamespace(staging).withName("checkout-api").get();
            assertThat(api.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/managed-by", "capstan")
                    .containsEntry("capstan.dev/chart", "checkout-api")
                    .containsEntry("capstan.dev/env", "staging");
            assertThat(api.getMetadata().getManagedFields())
                    .extracting(ManagedFieldsEntry::getManager, ManagedFieldsEntry::getOperation)
                    .contains(org.assertj.core.groups.Tuple.tuple("capstan", "Apply"));
            for (String kind : new String[] {"services", "configmaps"}) {
                assertThat(client.genericKubernetesResources("v1", kind.equals("services") ? "Service" : "ConfigMap")
                        .inNamespace(staging).withLabel("capstan.dev/chart", "checkout-api").list().getItems())
                        .as(kind).isNotEmpty();
            }
            assertThat(client.network().v1().ingresses().inNamespace(staging).withName("checkout-api").get())
                    .isNotNull();
            assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(staging)
                    .withName("checkout-api").get()).isNotNull();
            assertThat(client.policy().v1().podDisruptionBudget().inNamespace(staging)
                    .withName("checkout-api").get()).isNotNull();

            String first = agent.status().units().get("orders/staging").commit();
            repo.write("charts/orders/values.staging.yaml", "replicaCount: 3\n");
            String second = repo.commitAndPush("orders: three replicas in staging");

            await().atMost(SYNC).untilAsserted(() -> {
                Deployment orders = client.apps().deployments().inNamespace(staging).withName("orders").get();
                assertThat(orders.getSpec().getReplicas()).isEqualTo(3);
                assertThat(orders.getStatus().getAvailableReplicas()).isEqualTo(3);
            });
            await().atMost(SYNC).untilAsserted(() -> assertThat(agent.status().units().values())
                    .allSatisfy(outcome -> {
                        assertThat(outcome).isInstanceOf(UnitOutcome.Synced.class);
                        assertThat(outcome.commit()).isEqualTo(second);
                    }));
            assertThat(agent.status().releases().get("orders/staging"))
                    .extracting(r -> r.revision() + " " + r.status().label() + " " + r.commit())
                    .containsExactly("1 superseded " + first, "2 deployed " + second);
            assertThat(agent.status().releases().get("checkout-api/staging")).as("untouched by the commit")
                    .hasSize(1);
            CapstanProcess.Result history = CapstanProcess.run("history", "orders", "staging", "--namespace",
                    ns.name(), "--kubeconfig", cluster.kubeconfig().toString());
            assertThat(history.exit()).as(history.err()).isZero();
            assertThat(history.out().lines().toList()).hasSize(3).element(2).asString()
                    .startsWith("2 ").contains("deployed", second.substring(0, 12), "orders-0.3.0", "1.12.0");
        }
    }

    @Test
    void aBrokenChartFailsAloneAndTheOthersStillSync(KubernetesClient client, TestNamespace ns,
                                                       LocalCluster cluster) {
        String staging = ns.name();
        LocalGitRepo repo = Examples.repo(tempDir.resolve("git"), ns);
        String production = staging + "-prod";
        repo.write("charts/checkout-api/templates/configmap.yaml", "kind: ConfigMap\nmetadata:\n"
                + "  name: {{ values.doesNotExist }}\n");
        repo.commitAndPush("break checkout-api");

        try (Agent agent = Agent.start(agentConfig(repo, cluster, ns))) {
            await().atMost(SYNC).untilAsserted(() -> {
                assertThat(agent.status().units()).hasSize(4);
                assertThat(client.apps().deployments().inNamespace(staging).withName("orders").get()).isNotNull();
                assertThat(client.apps().deployments().inNamespace(production).withName("orders").get()).isNotNull();
            });
            UnitOutcome broken = agent.status().units().get("checkout-api/staging");
            assertThat(broken).isInstanceOfSatisfying(UnitOutcome.Failed.class, failed -> {
                assertThat(failed.stage()).isEqualTo(UnitOutcome.Stage.RENDER);
                assertThat(failed.message()).contains("checkout-api/staging", "templates/configmap.yaml:3",
                        "doesNotExist");
            });
            assertThat(agent.status().units().get("orders/staging")).isInstanceOf(UnitOutcome.Synced.class);
            assertThat(client.apps().deployments().inNamespace(staging).withName("checkout-api").get()).isNull();
        }
    }

    @Test
    void anObjectTheServerRejectsMeansNothingOfTheUnitIsApplied(KubernetesClient client, TestNamespace ns,
                                                               LocalCluster cluster) {
        String staging = ns.name();
        LocalGitRepo repo = Examples.repo(tempDir.resolve("git"), ns);
        String production = staging + "-prod";
        // Services come after ConfigMaps in install order: without a dry run first, the ConfigMap would be applied.
        repo.write("charts/orders/templates/service.yaml", """
                apiVersion: v1
                kind: Service
                metadata:
                  name: {{ release.name }}
                spec:
                  ports:
                    - {name: metrics, port: 70000}
                """);
        repo.write("charts/orders/templates/configmap.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: orders-settings
                data: {queue: "{{ values.queue }}"}
                """);
        repo.commitAndPush("an invalid port");

        try (Agent agent = Agent.start(agentConfig(repo, cluster, ns))) {
            await().atMost(SYNC).untilAsserted(() -> {
                assertThat(agent.status().units().get("orders/staging")).isInstanceOfSatisfying(
                        UnitOutcome.Failed.class, failed -> {
                            assertThat(failed.stage()).isEqualTo(UnitOutcome.Stage.APPLY);
                            assertThat(failed.message()).contains("Service " + staging + "/orders", "70000",
                                    "nothing was applied");
                        });
                assertThat(agent.status().units().get("checkout-api/staging")).isInstanceOf(UnitOutcome.Synced.class);
            });
            assertThat(client.configMaps().inNamespace(staging).withName("orders-settings").get()).isNull();
            await().atMost(SYNC).untilAsserted(() -> assertThat(agent.status().releases().get("orders/staging"))
                    .singleElement().satisfies(r -> {
                        assertThat(r.status()).isEqualTo(dev.capstan.agent.release.Release.Status.FAILED);
                        assertThat(r.message()).contains("70000");
                    }));
            assertThat(client.apps().deployments().inNamespace(staging).withName("orders").get()).isNull();
        }
    }

    private AgentConfig agentConfig(LocalGitRepo repo, LocalCluster cluster, TestNamespace ns) {
        return Examples.agentConfig(repo.url(), Duration.ofMillis(300), tempDir.resolve("cache"), cluster, ns);
    }
}
