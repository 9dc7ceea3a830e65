package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain manifest directory ({@code apps/<app>/} for every environment, {@code apps/<app>/<env>/} patches) goes
 * through the same canary rollout, health gates, drift healing and automatic rollback as a chart (part of issue 13).
 */
@KubernetesCluster
class ManifestDirectoryIT {
    private static final Duration WITHIN = Duration.ofSeconds(90);
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: plain}
            spec:
              replicas: 2
              selector: {matchLabels: {app.kubernetes.io/name: plain}}
              template:
                metadata:
                  labels: {app.kubernetes.io/name: plain}
                  annotations: {sim.capstan.dev/ready-after-ms: "200"}
                spec:
                  containers:
                    - name: web
                      image: registry.example.com/plain:1
                      ports: [{name: http, containerPort: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: plain}
            spec:
              selector: {app.kubernetes.io/name: plain}
              ports: [{name: http, port: 80, targetPort: http}]
            """;

    @TempDir
    Path temp;

    @Test
    void aManifestDirectoryRollsOutDriftsAndRollsBackLikeAChart(TestNamespace ns, LocalCluster cluster,
                                                               KubernetesClient client) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]\n", "apps: [plain]\n"));
        repo.git.write("apps/plain/workload.yaml", DEPLOYMENT);
        repo.git.write("apps/plain/config.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: plain-config}
                data: {level: info, greeting: hello}
                """);
        repo.git.write("apps/plain/staging/config.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: plain-config}
                data: {level: debug}
                """);
        String first = repo.commit("a plain manifest directory");

        try (Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            RolloutAgents.awaitSynced(agent, "plain/staging", first);
            assertThat(client.configMaps().inNamespace(ns.name()).withName("plain-config").get().getData())
                    .isEqualTo(Map.of("level", "debug", "greeting", "hello"));
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("plain").get().getMetadata()
                    .getLabels()).containsEntry("capstan.dev/chart", "plain").containsEntry("capstan.dev/env",
                    "staging");
            await().atMost(WITHIN).until(() -> agent.status().drift().get("plain/staging") != null
                    && agent.status().drift().get("plain/staging").state() == UnitDrift.State.InSync);

            client.configMaps().inNamespace(ns.name()).withName("plain-config")
                    .edit(c -> {
                        c.getData().put("level", "trace");
                        return c;
                    });
            // drift: heal is the default: the hand edit is corrected and the correction recorded on the release.
            await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().releases().get("plain/staging"))
                    .last().satisfies(r -> assertThat(r.corrections()).singleElement().satisfies(c ->
                            assertThat(c.object()).isEqualTo("ConfigMap " + ns.name() + "/plain-config"))));
            assertThat(client.configMaps().inNamespace(ns.name()).withName("plain-config").get().getData())
                    .containsEntry("level", "debug");

            // A crash-looping image for staging only: the canary fails its gate, the stable one never moves.
            repo.git.write("apps/plain/staging/image.yaml", """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: plain}
                    spec:
                      template:
                        spec:
                          containers: [{name: web, image: "registry.example.com/plain:crashloop",
                                        ports: [{name: http, containerPort: 8080}]}]
                    """);
            String broken = repo.commit("plain: crash-looping image in staging");
            UnitOutcome.Held held = RolloutAgents.awaitHeld(agent, "plain/staging", broken);
            assertThat(held.message()).contains("CrashLoopBackOff");
            assertThat(RolloutAgents.image(client, ns.name(), "plain")).endsWith(":1");
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("plain-canary").get()).isNull();
            assertThat(RolloutAgents.history(agent, "plain/staging")).containsExactly("1 deployed", "2 failed");
        }
    }
}
