package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.testcluster.ApiRequests;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health gates are driven by the informers' events (issue 14): a gate sends the API server nothing while it waits,
 * and a unit waiting in its gate holds no work slot, so many units wait at once. Counted by the API server itself
 * and by the agent's own gauges.
 */
@KubernetesCluster
class GatesOnWatchesIT {
    private static final int UNITS = 24;

    @TempDir
    Path temp;

    @Test
    void aGateWaitingForSlowPodsSendsNoRequestToLook(TestNamespace ns, LocalCluster cluster,
                                                     KubernetesClient client) {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {
            // The namespace controller lists every kind while it empties a namespace: let earlier tests' go first.
            await().atMost(RolloutIT.ROLLOUT).until(() -> client.namespaces().list().getItems().stream()
                    .noneMatch(n -> "Terminating".equals(n.getStatus().getPhase())));
            long gets = ApiRequests.count(client, "GET", "deployments", false);
            long podLists = ApiRequests.count(client, "LIST", "pods", false);
            long replicaSetLists = ApiRequests.count(client, "LIST", "replicasets", false);

            // Two canary steps, each gate waiting 3 s for its pods: about 40 looks at the old 150 ms poll.
            repo.git.write("charts/web/values.staging.yaml", "image: {tag: \"2\"}\nreadyAfterMs: 3000\n");
            String slow = repo.commit("pods that take 3 s to be ready");
            RolloutAgents.awaitSynced(agent, "web/staging", slow);

            assertThat(RolloutAgents.image(client, ns.name(), "web")).endsWith(":2");
            // Outside the watch: the canary's replica count, and one read of the canary's name before it is made
            // (an object of that name someone else made is not in the informers, and is never adopted).
            assertThat(ApiRequests.count(client, "GET", "deployments", false) - gets)
                    .as("reads of the Deployment outside the watch").isLessThan(5);
            assertThat(ApiRequests.count(client, "LIST", "pods", false) - podLists).isZero();
            assertThat(ApiRequests.count(client, "LIST", "replicasets", false) - replicaSetLists).isZero();
        }
    }

    @Test
    void manyUnitsWaitInTheirGatesAtOnceWithoutHoldingAWorkSlot(TestNamespace ns, LocalCluster cluster) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.rollout("staging", "    rollout: {strategy: rolling, stepTimeout: 120s}");
        String apps = IntStream.range(0, UNITS).mapToObj(i -> "slow-" + i).collect(Collectors.joining(", "));
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]\n",
                "apps: [" + apps + "]\n"));
        for (int i = 0; i < UNITS; i++) {
            repo.git.write("apps/slow-" + i + "/deployment.yaml", slowDeployment("slow-" + i));
        }
        String commit = repo.commit(UNITS + " apps whose pods take 8 s to be ready");

        try (Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            // More units in their gates at once than there are work slots (8).
            await().atMost(RolloutIT.ROLLOUT).until(() -> gauge(agent, "capstan_units_waiting") >= UNITS - 4);
            assertThat(gauge(agent, "capstan_units_working")).isLessThanOrEqualTo(8);
            for (int i = 0; i < UNITS; i++) {
                RolloutAgents.awaitSynced(agent, "slow-" + i + "/staging", commit);
            }
            assertThat(gauge(agent, "capstan_units_waiting")).isZero();
        }
    }

    private static double gauge(Agent agent, String name) {
        return agent.metrics().get(name).gauge().value();
    }

    private static String slowDeployment(String name) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: NAME}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: NAME}}
                  template:
                    metadata:
                      labels: {app: NAME}
                      annotations: {sim.capstan.dev/ready-after-ms: "8000"}
                    spec:
                      containers: [{name: app, image: "registry.example.com/app:1"}]
                """.replace("NAME", name);
    }
}
