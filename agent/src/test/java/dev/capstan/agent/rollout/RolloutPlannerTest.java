package dev.capstan.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.chart.ObjectKey;
import dev.capstan.agent.chart.RenderedObject;
import dev.capstan.agent.chart.Yaml;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.chart.StoredManifests;
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
        var desired = new dev.capstan.agent.chart.DesiredState("api", "prod", "c1",
                List.of(CONFIG, deployment("api:1", 2)), "digest");
        List<RenderedObject> parsed = StoredManifests.parse("api", desired.manifest());
        assertThat(parsed).extracting(RenderedObject::key).containsExactly(CONFIG.key(),
                deployment("api:1", 2).key());
        assertThat(parsed.get(1).content()).isEqualTo(deployment("api:1", 2).content());
    }
}
