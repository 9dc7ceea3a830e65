package dev.capstan.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.config.Environment;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.StoredManifests;
import dev.capstan.agent.model.Yaml;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutPlannerTest {
    private static final Environment.Rollout CANARY = new Environment.Rollout(Environment.Strategy.CANARY,
            List.of(10, 50, 100), Duration.ofMinutes(1));

    private static RenderedObject deployment(String image, int replicas) {
        return new RenderedObject(new ObjectKey("apps/v1", "Deployment", "prod", "api"), "deployment.yaml",
                Yaml.readMap("""
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: api, namespace: prod, labels: {app: api}}
                        spec:
                          replicas: %d
                          selector: {matchLabels: {app: api}}
                          template:
                            metadata: {labels: {app: api}}
                            spec: {containers: [{name: app, image: "%s"}]}
                        """.formatted(replicas, image), "api", "deployment.yaml"));
    }

    private static final RenderedObject CONFIG = new RenderedObject(
            new ObjectKey("v1", "ConfigMap", "prod", "cfg"), "cm.yaml", Yaml.readMap(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: prod}\ndata: {a: '2'}\n",
                    "api", "cm.yaml"));

    @Test
    void aChangedPodTemplateGetsACanaryPerStepThenTheFullApply() {
        List<Step> steps = RolloutPlanner.plan(CANARY, List.of(CONFIG, deployment("api:2", 10)),
                List.of(deployment("api:1", 10)), key -> null);
        assertThat(steps).hasSize(3);
        Step.CanaryStep first = (Step.CanaryStep) steps.get(0);
        assertThat(first.phase()).isEqualTo("canary 10%");
        assertThat(first.others()).containsExactly(CONFIG);
        assertThat(first.canaries()).singleElement().satisfies(canary -> {
            assertThat(canary.key().name()).isEqualTo("api-canary");
            Map<?, ?> spec = (Map<?, ?>) canary.content().get("spec");
            assertThat(spec.get("replicas")).isEqualTo(1);
            assertThat(Yaml.write(spec.get("selector"))).contains("app: api").contains("capstan.dev/track: canary");
            assertThat(Yaml.write(spec.get("template"))).contains("api:2").contains("capstan.dev/track: canary");
        });
        Step.CanaryStep second = (Step.CanaryStep) steps.get(1);
        assertThat(second.others()).isEmpty();
        assertThat(((Map<?, ?>) second.canaries().get(0).content().get("spec")).get("replicas")).isEqualTo(5);
        assertThat(steps.get(2)).isEqualTo(new Step.Full(List.of(CONFIG, deployment("api:2", 10))));
    }

    @Test
    void canaryReplicasFollowTheLiveStableDeploymentWhenAnAutoscalerScaledIt() {
        List<Step> steps = RolloutPlanner.plan(CANARY, List.of(deployment("api:2", 2)),
                List.of(deployment("api:1", 2)), key -> 30);
        assertThat(((Map<?, ?>) ((Step.CanaryStep) steps.get(0)).canaries().get(0).content().get("spec"))
                .get("replicas")).isEqualTo(3);
        assertThat(Canary.replicas(25, 3)).isEqualTo(1);
        assertThat(Canary.replicas(50, 3)).isEqualTo(2);
    }

    @Test
    void aFirstDeployAnUnchangedTemplateOrTheRollingStrategyIsOneFullStep() {
        List<RenderedObject> desired = List.of(CONFIG, deployment("api:2", 3));
        assertThat(RolloutPlanner.plan(CANARY, desired, List.of(), key -> null))
                .containsExactly(new Step.Full(desired));
        assertThat(RolloutPlanner.plan(CANARY, desired, List.of(deployment("api:2", 3)), key -> null))
                .containsExactly(new Step.Full(desired));
        assertThat(RolloutPlanner.plan(Environment.Rollout.rollingDefault(), desired,
                List.of(deployment("api:1", 3)), key -> null)).containsExactly(new Step.Full(desired));
    }

    @Test
    void storedManifestsReadBackAsTheObjectsThatWereApplied() {
        var desired = new dev.capstan.agent.model.DesiredState("api", "prod", "c1",
                List.of(CONFIG, deployment("api:1", 2)), "digest");
        List<RenderedObject> parsed = StoredManifests.parse("api", desired.manifest());
        assertThat(parsed).extracting(RenderedObject::key).containsExactly(CONFIG.key(),
                deployment("api:1", 2).key());
        assertThat(parsed.get(1).content()).isEqualTo(deployment("api:1", 2).content());
    }

    private static final Environment.Rollout BLUE_GREEN = new Environment.Rollout(Environment.Strategy.BLUE_GREEN,
            List.of(100), Duration.ofMinutes(1), new Environment.BlueGreen(Duration.ofMinutes(2), true));
    private static final RenderedObject SERVICE = new RenderedObject(new ObjectKey("v1", "Service", "prod", "api"),
            "svc.yaml", Yaml.readMap("""
                    apiVersion: v1
                    kind: Service
                    metadata: {name: api, namespace: prod}
                    spec:
                      type: LoadBalancer
                      clusterIP: 10.0.0.7
                      selector: {app: api}
                      ports: [{port: 80, targetPort: 8080, nodePort: 31000}]
                    """, "api", "svc.yaml"));

    /** The live Deployment: 7 replicas (an HPA's count), its pods from ReplicaSet hash {@code 7c9}. */
    private static final dev.capstan.agent.cluster.StableDeployments LIVE =
            new dev.capstan.agent.cluster.StableDeployments() {
                @Override
                public Integer replicas(ObjectKey deployment) {
                    return 7;
                }

                @Override
                public java.util.Optional<String> templateHash(ObjectKey deployment) {
                    return java.util.Optional.of("7c9");
                }
            };

    @Test
    void blueGreenPinsTheServicesToTheOldPodsTriesGreenSwitchesHoldsPromotesThenRendersAll() {
        List<RenderedObject> desired = List.of(CONFIG, SERVICE, deployment("api:2", 3));
        List<Step> steps = RolloutPlanner.plan(BLUE_GREEN, desired, List.of(CONFIG, SERVICE, deployment("api:1", 3)),
                LIVE);

        assertThat(steps).extracting(Step::phase).containsExactly("preview", "switch", "hold", "promote", "full");
        Step.Preview preview = (Step.Preview) steps.get(0);
        assertThat(preview.others()).containsExactly(CONFIG);
        assertThat(selector(preview.pinned().get(0))).isEqualTo(Map.of("app", "api", "pod-template-hash", "7c9"));
        RenderedObject green = preview.greens().get(0);
        assertThat(green.key().name()).isEqualTo("api-green");
        assertThat(spec(green).get("replicas")).as("as many as the live one runs").isEqualTo(7);
        assertThat(spec(green).get("selector")).isEqualTo(Map.of("matchLabels", Map.of("app", "api",
                "capstan.dev/track", "green")));
        RenderedObject previewService = preview.previews().get(0);
        assertThat(previewService.key().name()).isEqualTo("api-preview");
        assertThat(spec(previewService)).doesNotContainKey("clusterIP").containsEntry("type", "ClusterIP")
                .containsEntry("selector", Map.of("app", "api", "capstan.dev/track", "green"));
        assertThat(spec(previewService).get("ports")).isEqualTo(List.of(Map.of("port", 80, "targetPort", 8080)));
        assertThat(selector(((Step.Switch) steps.get(1)).switched().get(0)))
                .isEqualTo(Map.of("app", "api", "capstan.dev/track", "green"));
        assertThat(((Step.Hold) steps.get(2)).delay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(steps.get(2).trafficBack()).isEqualTo(preview.pinned());
        assertThat(steps.get(3).apply()).containsExactly(deployment("api:2", 3));
        assertThat(steps.get(4)).isEqualTo(new Step.Full(desired, List.of(SERVICE)));
        assertThat(SERVICE.content()).as("the rendered objects are not changed")
                .isEqualTo(desired.get(1).content());
    }

    @Test
    void blueGreenHasNothingToSwitchOnAFirstDeployOrWhenTheOldVersionDoesNotRun() {
        List<RenderedObject> desired = List.of(SERVICE, deployment("api:2", 3));
        assertThat(RolloutPlanner.plan(BLUE_GREEN, desired, List.of(), LIVE)).containsExactly(new Step.Full(desired));
        assertThat(RolloutPlanner.plan(BLUE_GREEN, desired, List.of(SERVICE, deployment("api:1", 3)), key -> null))
                .as("no live ReplicaSet to pin the Service to").containsExactly(new Step.Full(desired));
    }

    @Test
    void blueGreenRefusesAChartThatRendersTheNameOfTheGreenCopy() {
        RenderedObject taken = new RenderedObject(new ObjectKey("v1", "Service", "prod", "api-preview"), "p.yaml",
                Yaml.readMap("apiVersion: v1\nkind: Service\nmetadata: {name: api-preview, namespace: prod}\n",
                        "api", "p.yaml"));
        List<RenderedObject> desired = List.of(SERVICE, taken, deployment("api:2", 3));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RolloutPlanner.plan(BLUE_GREEN, desired,
                List.of(SERVICE, taken, deployment("api:1", 3)), LIVE))
                .isInstanceOf(BlueGreenPlanner.Unswitchable.class)
                .hasMessageContaining("renders Service api-preview itself");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(RenderedObject object) {
        return (Map<String, Object>) object.content().get("spec");
    }

    private static Map<?, ?> selector(RenderedObject service) {
        return (Map<?, ?>) spec(service).get("selector");
    }
}
