package dev.capstan.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.cluster.Hooks;
import dev.capstan.agent.cluster.StableDeployments;
import dev.capstan.agent.config.AddressPolicy;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.health.CheckRunner;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.Yaml;
import dev.capstan.agent.release.NewRelease;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.work.WorkSlots;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The blue-green decision tree against a cluster and records in memory: the order of the writes (pin before the new
 * version exists, switch, promote, rendered Services last), traffic back on the old pods first when the new version
 * fails under traffic, a resume after the switch that keeps the new version serving, and what cannot be switched.
 */
class BlueGreenRolloutTest {
    private static final Environment BLUE_GREEN = new Environment("staging", "shop", "default",
            new Environment.Rollout(Environment.Strategy.BLUE_GREEN, List.of(100), Duration.ofSeconds(5),
                    new Environment.BlueGreen(Duration.ofMillis(300), true)), List.of());
    /** The live Deployment runs 4 replicas (an HPA's count, say) whose ReplicaSet's hash is {@code 5d8f}. */
    private static final StableDeployments STABLE = new StableDeployments() {
        @Override
        public Integer replicas(ObjectKey deployment) {
            return 6;
        }

        @Override
        public Optional<String> templateHash(ObjectKey deployment) {
            return Optional.of("5d8f");
        }
    };

    private final MemoryCluster cluster = new MemoryCluster();
    private final ReleaseStore store = ReleaseStore.remembering(new MemoryRecords(), 20, Clock.systemUTC());
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final RolloutTarget target = new RolloutTarget(cluster, STABLE,
            (hooks, events, timeout) -> new Hooks.Outcome.Passed(), UnaryOperator.identity());
    private final RolloutController controller = new RolloutController(target, new Gate(cluster,
            new CheckRunner(AddressPolicy.allowing(List.of())), metrics, new WorkSlots(1)), store,
            Clock.systemUTC(), metrics, OpenTelemetry.noop().getTracer("test"));
    /** The live Service's selector as each step started. */
    private final Map<String, Map<?, ?>> selectorAtStep = new LinkedHashMap<>();

    private RolloutRequest request(String tag, Optional<Release> resumed, RenderedObject... extra) {
        List<RenderedObject> objects = new ArrayList<>(List.of(
                object("v1", "Service", "api-svc", "spec: {selector: {app: api}, type: NodePort, ports: "
                        + "[{port: 80, nodePort: 30080}]}"),
                object("apps/v1", "Deployment", "api", """
                        spec:
                          selector: {matchLabels: {app: api}}
                          template:
                            metadata: {labels: {app: api}}
                            spec: {containers: [{name: app, image: "registry.example.com/api:%s"}]}
                        """.formatted(tag))));
        objects.addAll(List.of(extra));
        DesiredState desired = new DesiredState("web", "staging", "commit-" + tag, objects, "digest-" + tag);
        NewRelease draft = new NewRelease("web", "staging", "commit-" + tag, "1.0.0", tag, "digest-" + tag,
                desired.manifest(), "source-" + tag, 0, "");
        return new RolloutRequest(desired, draft, BLUE_GREEN, resumed, new RolloutObserver() {
            @Override
            public void stepStarted(String phase) {
                selectorAtStep.put(phase, cluster.selector("api-svc"));
            }
        });
    }

    private static RenderedObject object(String apiVersion, String kind, String name, String rest) {
        return new RenderedObject(new ObjectKey(apiVersion, kind, "shop", name), name + ".yaml", Yaml.readMap(
                "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: " + name
                        + ", namespace: shop}\n" + rest, "web", name + ".yaml"));
    }

    private RolloutResult roll(String tag) {
        selectorAtStep.clear();
        return controller.roll(request(tag, Optional.empty()));
    }

    private List<String> history() {
        return store.history("web", "staging").stream().map(r -> r.revision() + " " + r.status().label()
                + (r.hold() == Release.Hold.NONE ? "" : " " + r.hold().label())).toList();
    }

    @Test
    void theNewVersionIsTriedBesideTheOldThenTheServicesSwitchThenTheOldIsScaledDown() {
        roll("1");
        cluster.writes.clear();

        assertThat(roll("2")).isInstanceOf(RolloutResult.Deployed.class);

        assertThat(cluster.writes).containsSubsequence("apply api-svc", "apply api-green", "apply api-svc-preview",
                "apply api-svc", "apply api", "apply api-svc", "delete api-green", "delete api-svc-preview");
        assertThat(cluster.writes.indexOf("apply api-svc")).as("pinned before the new version exists")
                .isLessThan(cluster.writes.indexOf("apply api-green"));
        assertThat(selectorAtStep).containsOnlyKeys("preview", "switch", "hold", "promote", "full");
        assertThat(selectorAtStep.get("switch")).as("old pods only while green is tried")
                .isEqualTo(Map.of("app", "api", "pod-template-hash", "5d8f"));
        assertThat(selectorAtStep.get("hold")).isEqualTo(Map.of("app", "api", "capstan.dev/track", "green"));
        assertThat(selectorAtStep.get("full")).as("still green only while the old version is rolled away")
                .isEqualTo(Map.of("app", "api", "capstan.dev/track", "green"));
        assertThat(cluster.selector("api-svc")).isEqualTo(Map.of("app", "api"));
        assertThat(cluster.image("api")).endsWith(":2");
        assertThat(cluster.canaries("web", "staging")).isEmpty();
        assertThat(history()).containsExactly("1 superseded", "2 deployed");
    }

    @Test
    void aNewVersionThatFailsUnderTrafficHasTheServicesBackOnTheOldPodsBeforeAnythingElse() {
        roll("1");
        cluster.failUnderTraffic();
        cluster.writes.clear();

        RolloutResult result = roll("2");

        assertThat(result).isInstanceOfSatisfying(RolloutResult.RolledBack.class, rolledBack -> {
            assertThat(rolledBack.restored()).as("the old version never stopped: no rollback revision").isEmpty();
            assertThat(rolledBack.signals()).singleElement().asString().contains("api-green", "under traffic");
        });
        List<String> afterSwitch = cluster.writes.subList(cluster.writes.indexOf("apply api-green") + 1,
                cluster.writes.size());
        assertThat(afterSwitch).containsSubsequence("apply api-svc", "apply api-svc", "delete api-green",
                "apply api-svc");
        assertThat(afterSwitch.subList(0, afterSwitch.indexOf("delete api-green")))
                .as("switched, then switched back, before the new version is removed")
                .containsExactly("apply api-svc-preview", "apply api-svc", "apply api-svc");
        assertThat(cluster.selector("api-svc")).isEqualTo(Map.of("app", "api"));
        assertThat(cluster.image("api")).endsWith(":1");
        assertThat(cluster.canaries("web", "staging")).isEmpty();
        assertThat(history()).containsExactly("1 deployed", "2 failed quarantined");
        assertThat(store.history("web", "staging").get(1).message())
                .contains("step switch failed; traffic back on revision 1, the new version removed");
        assertThat(metrics.get("capstan_traffic_back_seconds").timer().count()).isEqualTo(1);
    }

    @Test
    void aNewVersionThatFailsBeforeTheSwitchNeverGetsTheServices() {
        roll("1");
        cluster.writes.clear();

        assertThat(roll("crashloop")).isInstanceOf(RolloutResult.RolledBack.class);

        assertThat(selectorAtStep).containsOnlyKeys("preview");
        assertThat(cluster.writes).containsSubsequence("apply api-svc", "apply api-green", "delete api-green",
                "apply api-svc");
        assertThat(cluster.selector("api-svc")).isEqualTo(Map.of("app", "api"));
        assertThat(cluster.image("api")).endsWith(":1");
        assertThat(history()).containsExactly("1 deployed", "2 failed quarantined");
        assertThat(store.history("web", "staging").get(1).message()).endsWith("traffic never left revision 1");
        assertThat(metrics.get("capstan_traffic_back_seconds").timer().count()).isZero();
    }

    @Test
    void aRolloutResumedAfterItsSwitchKeepsTheNewVersionServingAndGoesOnFromThere() {
        roll("1");
        RolloutRequest first = request("2", Optional.empty());
        List<Step> steps = RolloutPlanner.plan(BLUE_GREEN.rollout(), first.desired().objects(),
                request("1", Optional.empty()).desired().objects(), STABLE);
        cluster.apply(steps.get(0).apply());
        cluster.apply(steps.get(1).apply());
        Release progressing = store.save(store.create(first.draft(), Release.Status.PROGRESSING)
                .withPhase("hold", Clock.systemUTC().instant()));
        cluster.writes.clear();

        RolloutResult result = controller.roll(request("2", Optional.of(progressing)));

        assertThat(result).isInstanceOf(RolloutResult.Deployed.class);
        assertThat(result.release().revision()).isEqualTo(2);
        assertThat(cluster.writes.get(0)).as("the serving copy is not removed on resume").isNotEqualTo(
                "delete api-green");
        assertThat(cluster.writes).doesNotContain("apply api-green").containsSubsequence("apply api",
                "apply api-svc", "delete api-green");
        assertThat(selectorAtStep).containsOnlyKeys("hold", "promote", "full");
        assertThat(history()).containsExactly("1 superseded", "2 deployed");
    }

    @Test
    void aServiceSelectingThePodsOfTwoDeploymentsCannotBeSwitchedAndNothingIsApplied() {
        RenderedObject worker = object("apps/v1", "Deployment", "worker", """
                spec:
                  selector: {matchLabels: {app: api, role: worker}}
                  template:
                    metadata: {labels: {app: api, role: worker}}
                    spec: {containers: [{name: app, image: "registry.example.com/worker:1"}]}
                """);
        controller.roll(request("1", Optional.empty(), worker));
        cluster.writes.clear();

        RolloutResult result = controller.roll(request("2", Optional.empty(), worker));

        assertThat(result).isInstanceOfSatisfying(RolloutResult.Rejected.class, rejected -> assertThat(
                rejected.message()).contains("Service api-svc selects the pods of Deployment api and of worker"));
        assertThat(cluster.writes).isEmpty();
        assertThat(cluster.image("api")).endsWith(":1");
    }
}
