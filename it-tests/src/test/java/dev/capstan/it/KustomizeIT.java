package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kustomize app laid out as teams lay it out ({@code base/} + {@code overlays/<env>/}), built by kustomize's own
 * engine, goes through the rollout, gates, pruning, drift healing and automatic rollback like any unit (issue 31).
 */
@KubernetesCluster
class KustomizeIT {
    private static final Duration WITHIN = Duration.ofSeconds(90);
    private static final String BASE = """
            resources: [deployment.yaml, service.yaml]
            labels:
              - pairs: {app.kubernetes.io/part-of: shop}
            configMapGenerator:
              - name: shop-config
                literals: [level=info, greeting=hello]
            """;
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: shop}
            spec:
              replicas: 2
              selector: {matchLabels: {app.kubernetes.io/name: shop}}
              template:
                metadata:
                  labels: {app.kubernetes.io/name: shop}
                  annotations: {sim.capstan.dev/ready-after-ms: "200"}
                spec:
                  containers:
                    - name: web
                      image: registry.example.com/shop:1
                      envFrom: [{configMapRef: {name: shop-config}}]
                      ports: [{name: http, containerPort: 8080}]
            """;
    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: shop}
            spec:
              selector: {app.kubernetes.io/name: shop}
              ports: [{name: http, port: 80, targetPort: http}]
            """;

    @TempDir
    Path temp;

    @Test
    void anOverlayPerEnvironmentRollsOutPrunesGeneratedConfigAfterTheGateHealsAndRollsBack(TestNamespace ns,
            LocalCluster cluster, KubernetesClient client) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns);
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]\n",
                "apps: [shop, evil]\n"));
        // Another team's app reaching for a base on the internet: it fails alone, the shop deploys.
        repo.git.write("apps/evil/kustomization.yaml", "resources: [\"https://example.com/base.yaml\"]\n");
        repo.git.write("apps/shop/base/kustomization.yaml", BASE);
        repo.git.write("apps/shop/base/deployment.yaml", DEPLOYMENT);
        repo.git.write("apps/shop/base/service.yaml", SERVICE);
        repo.git.write("apps/shop/overlays/staging/kustomization.yaml", overlay("level=debug", "2"));
        repo.git.write("apps/shop/overlays/production/kustomization.yaml", """
                resources: [../../base]
                replicas: [{name: shop, count: 3}]
                """);
        String first = repo.commit("shop as a kustomization: a base and an overlay per environment");

        try (Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            RolloutAgents.awaitSynced(agent, "shop/staging", first);
            RolloutAgents.awaitSynced(agent, "shop/production", first);
            await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().unit("evil/staging"))
                    .isInstanceOfSatisfying(UnitOutcome.Failed.class, failed -> assertThat(failed.message())
                            .startsWith("evil/staging apps/evil/kustomization.yaml: remote resource "
                                    + "https://example.com/base.yaml refused")));
            assertThat(RolloutAgents.image(client, ns.name(), "shop")).isEqualTo("registry.example.com/shop:2");
            assertThat(RolloutAgents.image(client, repo.production, "shop")).isEqualTo("registry.example.com/shop:1");
            assertThat(client.apps().deployments().inNamespace(repo.production).withName("shop").get().getSpec()
                    .getReplicas()).isEqualTo(3);
            String firstConfig = configName(client, ns.name());
            assertThat(firstConfig).startsWith("shop-config-");
            assertThat(client.configMaps().inNamespace(ns.name()).withName(firstConfig).get().getData())
                    .containsEntry("level", "debug").containsEntry("greeting", "hello");
            assertThat(client.configMaps().inNamespace(ns.name()).withName(firstConfig).get().getMetadata()
                    .getLabels()).containsEntry("app.kubernetes.io/part-of", "shop")
                    .containsEntry("capstan.dev/chart", "shop").containsEntry("capstan.dev/env", "staging");

            // A generated ConfigMap's content changes: a new name, the Deployment rolled onto it, the old one pruned.
            repo.git.write("apps/shop/overlays/staging/kustomization.yaml", overlay("level=trace", "2"));
            String second = repo.commit("staging: trace logging");
            RolloutAgents.awaitSynced(agent, "shop/staging", second);
            String secondConfig = configName(client, ns.name());
            assertThat(secondConfig).isNotEqualTo(firstConfig);
            assertThat(client.configMaps().inNamespace(ns.name()).withName(secondConfig).get().getData())
                    .containsEntry("level", "trace");
            assertThat(client.configMaps().inNamespace(ns.name()).withName(firstConfig).get()).isNull();
            assertThat(RolloutAgents.history(agent, "shop/staging")).containsExactly("1 superseded", "2 deployed");

            // A hand edit of the generated ConfigMap is drift and is healed.
            await().atMost(WITHIN).until(() -> agent.status().drift().get("shop/staging") != null
                    && agent.status().drift().get("shop/staging").state() == UnitDrift.State.InSync);
            client.configMaps().inNamespace(ns.name()).withName(secondConfig).edit(c -> {
                c.getData().put("level", "off");
                return c;
            });
            await().atMost(WITHIN).untilAsserted(() -> assertThat(client.configMaps().inNamespace(ns.name())
                    .withName(secondConfig).get().getData()).containsEntry("level", "trace"));
            await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().releases().get("shop/staging"))
                    .last().satisfies(r -> assertThat(r.corrections()).singleElement().satisfies(c ->
                            assertThat(c.object()).isEqualTo("ConfigMap " + ns.name() + "/" + secondConfig))));

            // A crash-looping image via images: with new config: the canary fails its gate, the stable one keeps its
            // image and its ConfigMap (the gate never passed, so nothing of the stable release was pruned), and the
            // failed revision's ConfigMap is removed.
            repo.git.write("apps/shop/overlays/staging/kustomization.yaml", overlay("level=warn", "crashloop"));
            String broken = repo.commit("staging: a crash-looping image");
            UnitOutcome.Held held = RolloutAgents.awaitHeld(agent, "shop/staging", broken);
            assertThat(held.message()).contains("CrashLoopBackOff");
            assertThat(RolloutAgents.image(client, ns.name(), "shop")).isEqualTo("registry.example.com/shop:2");
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("shop-canary").get()).isNull();
            await().atMost(WITHIN).untilAsserted(() -> assertThat(configNames(client, ns.name()))
                    .containsExactly(secondConfig));
            assertThat(RolloutAgents.history(agent, "shop/staging")).containsSubsequence("2 deployed", "3 failed");
            assertThat(RolloutAgents.image(client, repo.production, "shop")).isEqualTo("registry.example.com/shop:1");
        }
    }

    @Test
    void theFluxLayoutDeploysUnmodifiedFromKustomizationsNamedInCapstanYaml(TestNamespace ns, LocalCluster cluster,
                                                                          KubernetesClient client) {
        // apps/base/shop shared, apps/<env>/ a kustomization per environment (as flux2-kustomize-helm-example).
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns);
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]\n",
                "charts: []\nkustomizations:\n  - {name: apps, path: \"apps/{env}\"}\n"));
        repo.git.write("apps/base/shop/kustomization.yaml", BASE);
        repo.git.write("apps/base/shop/deployment.yaml", DEPLOYMENT);
        repo.git.write("apps/base/shop/service.yaml", SERVICE);
        repo.git.write("apps/staging/kustomization.yaml", """
                resources: [../base/shop]
                patches:
                  - target: {kind: Deployment, name: shop}
                    patch: |-
                      - {op: replace, path: /spec/replicas, value: 1}
                """);
        repo.git.write("apps/production/kustomization.yaml", "resources: [../base/shop]\n");
        String commit = repo.commit("the Flux layout");

        try (Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            RolloutAgents.awaitSynced(agent, "apps/staging", commit);
            RolloutAgents.awaitSynced(agent, "apps/production", commit);
            assertThat(agent.status().units()).containsOnlyKeys("apps/staging", "apps/production");
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("shop").get().getSpec()
                    .getReplicas()).isEqualTo(1);
            assertThat(client.apps().deployments().inNamespace(repo.production).withName("shop").get().getSpec()
                    .getReplicas()).isEqualTo(2);
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("shop").get().getMetadata()
                    .getLabels()).containsEntry("capstan.dev/chart", "apps");
        }
    }

    private static String overlay(String level, String tag) {
        return """
                resources: [../../base]
                images: [{name: registry.example.com/shop, newTag: "%s"}]
                configMapGenerator:
                  - name: shop-config
                    behavior: merge
                    literals: [%s]
                """.formatted(tag, level);
    }

    /** The ConfigMap the stable Deployment reads its environment from. */
    private static String configName(KubernetesClient client, String namespace) {
        return client.apps().deployments().inNamespace(namespace).withName("shop").get().getSpec().getTemplate()
                .getSpec().getContainers().get(0).getEnvFrom().get(0).getConfigMapRef().getName();
    }

    private static List<String> configNames(KubernetesClient client, String namespace) {
        return client.configMaps().inNamespace(namespace).withLabel("capstan.dev/chart", "shop").list().getItems()
                .stream().map(ConfigMap::getMetadata).map(m -> m.getName()).sorted().toList();
    }
}
