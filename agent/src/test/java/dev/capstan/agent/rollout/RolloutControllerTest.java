package dev.capstan.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.agent.cluster.Hooks;
import dev.capstan.agent.cluster.WriteFence;
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
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The rollout's decision tree — steps, rollback, quarantine, resume, transient failures, rejections, unchanged units —
 * against a cluster and records in memory: the real controller, gate and release store, no API server.
 */
class RolloutControllerTest {
    private static final Environment CANARY = environment(Environment.Strategy.CANARY, List.of(50, 100));
    private static final Environment ROLLING = environment(Environment.Strategy.ROLLING, List.of(100));

    private final MemoryCluster cluster = new MemoryCluster();
    private final ReleaseStore store = ReleaseStore.remembering(new MemoryRecords(), 20, Clock.systemUTC());

    /** The hooks the controller ran, by name. */
    private final List<String> hooksRun = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** How the hooks the controller runs end. */
    private volatile Hooks.Outcome hooksEnd = new Hooks.Outcome.Passed();

    private RolloutController controller(UnaryOperator<List<RenderedObject>> changedOnly) {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        Hooks hooks = (declared, events, timeout) -> {
            declared.stream().filter(h -> h.events().stream().anyMatch(events::contains))
                    .forEach(h -> hooksRun.add(h.object().key().name()));
            return hooksEnd;
        };
        return new RolloutController(new RolloutTarget(cluster, key -> null, hooks, changedOnly),
                new Gate(cluster, new CheckRunner(AddressPolicy.allowing(List.of())), metrics, new WorkSlots(1)),
                store, Clock.systemUTC(), metrics, OpenTelemetry.noop().getTracer("test"));
    }

    private final RolloutController controller = controller(UnaryOperator.identity());

    private static Environment environment(Environment.Strategy strategy, List<Integer> steps) {
        return new Environment("staging", "shop", "default", new Environment.Rollout(strategy, steps,
                Duration.ofSeconds(5)), List.of());
    }

    private static RolloutRequest request(String tag, Environment env, Optional<Release> resumed) {
        List<RenderedObject> objects = List.of(object("v1", "ConfigMap", "cfg", "data: {a: '1'}"),
                object("apps/v1", "Deployment", "api", """
                        spec:
                          replicas: 4
                          selector: {matchLabels: {app: api}}
                          template:
                            metadata: {labels: {app: api}}
                            spec: {containers: [{name: app, image: "registry.example.com/api:%s"}]}
                        """.formatted(tag)));
        DesiredState desired = new DesiredState("web", "staging", "commit-" + tag, objects, "digest-" + tag);
        NewRelease draft = new NewRelease("web", "staging", "commit-" + tag, "1.0.0", tag, "digest-" + tag,
                desired.manifest(), "source-" + tag, 0, "");
        return new RolloutRequest(desired, draft, env, resumed, new RolloutObserver() { });
    }

    private static RenderedObject object(String apiVersion, String kind, String name, String rest) {
        return new RenderedObject(new ObjectKey(apiVersion, kind, "shop", name), name + ".yaml", Yaml.readMap(
                "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: " + name
                        + ", namespace: shop, labels: {app: api}}\n" + rest, "web", name + ".yaml"));
    }

    private RolloutResult roll(String tag, Environment env) {
        return controller.roll(request(tag, env, Optional.empty()));
    }

    private List<String> history() {
        return store.history("web", "staging").stream().map(r -> r.revision() + " " + r.status().label()
                + (r.hold() == Release.Hold.NONE ? "" : " " + r.hold().label())).toList();
    }

    @Test
    void aFirstDeployIsOneGatedFullStep() {
        assertThat(roll("1", CANARY)).isInstanceOf(RolloutResult.Deployed.class);
        assertThat(cluster.writes).containsExactly("dry-run cfg", "dry-run api", "apply cfg", "apply api");
        assertThat(history()).containsExactly("1 deployed");
    }

    @Test
    void aNewImageGoesToACanaryFirstThenEverywhereAndTheCanaryIsRemoved() {
        roll("1", CANARY);
        cluster.writes.clear();

        assertThat(roll("2", CANARY)).isInstanceOf(RolloutResult.Deployed.class);
        assertThat(cluster.writes).containsSubsequence("apply api-canary", "apply api", "delete api-canary");
        assertThat(cluster.image("api")).endsWith(":2");
        assertThat(cluster.canaries("web", "staging")).isEmpty();
        assertThat(history()).containsExactly("1 superseded", "2 deployed");
    }

    @Test
    void aCrashLoopingCanaryIsRemovedAndItsCommitQuarantinedWithoutTouchingTheStable() {
        roll("1", CANARY);

        RolloutResult result = roll("crashloop", CANARY);
        assertThat(result).isInstanceOfSatisfying(RolloutResult.RolledBack.class, rolledBack -> {
            assertThat(rolledBack.restored()).isEmpty();
            assertThat(rolledBack.signals()).singleElement().asString().contains("api-canary")
                    .contains("CrashLoopBackOff");
        });
        assertThat(cluster.image("api")).endsWith(":1");
        assertThat(cluster.canaries("web", "staging")).isEmpty();
        assertThat(history()).containsExactly("1 deployed", "2 failed quarantined");
    }

    @Test
    void aFailureAfterTheFullStepIsRolledBackAsANewGatedRevision() {
        roll("1", ROLLING);

        RolloutResult result = roll("crashloop", ROLLING);
        assertThat(result).isInstanceOfSatisfying(RolloutResult.RolledBack.class, rolledBack -> assertThat(
                rolledBack.restored()).map(Release::rollbackTo).contains(1));
        assertThat(cluster.image("api")).endsWith(":1");
        assertThat(history()).containsExactly("1 superseded", "2 failed quarantined", "3 deployed");
    }

    @Test
    void aRevisionResumedAtItsFullStepDoesNotRunItsCanaryAgain() {
        roll("1", CANARY);
        RolloutRequest interrupted = request("2", CANARY, Optional.empty());
        Release progressing = store.save(store.create(interrupted.draft(), Release.Status.PROGRESSING)
                .withPhase("full", Clock.systemUTC().instant()));
        cluster.writes.clear();

        RolloutResult result = controller.roll(request("2", CANARY, Optional.of(progressing)));
        assertThat(result.release().revision()).isEqualTo(2);
        assertThat(result).isInstanceOf(RolloutResult.Deployed.class);
        assertThat(cluster.writes).doesNotContain("apply api-canary").contains("apply api");
        assertThat(history()).containsExactly("1 superseded", "2 deployed");
    }

    @Test
    void anAgentStoppingDuringAGateLeavesTheRevisionProgressingAtItsStepWithoutRollback() {
        roll("1", CANARY);
        java.util.concurrent.CompletableFuture<RolloutResult> result = new java.util.concurrent.CompletableFuture<>();
        Thread unit = Thread.ofVirtual().start(() -> result.complete(roll("never-ready", CANARY)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cluster.waiting() == 1);

        unit.interrupt();
        assertThat(result).succeedsWithin(Duration.ofSeconds(10)).isInstanceOf(RolloutResult.Interrupted.class);
        assertThat(history()).containsExactly("1 deployed", "2 progressing");
        assertThat(store.history("web", "staging").get(1).phase()).isEqualTo("canary 50%");
        assertThat(cluster.image("api")).endsWith(":1");
    }

    @Test
    void aNewerCommitEndsAWaitingCanaryGateAtOnceRemovingTheCanaryWithoutQuarantine() {
        roll("1", CANARY);
        Supersession supersession = new Supersession();
        RolloutRequest plain = request("never-ready", CANARY, Optional.empty());
        RolloutRequest request = new RolloutRequest(plain.desired(), plain.draft(), plain.env(), plain.resumed(),
                plain.observer(), supersession);
        java.util.concurrent.CompletableFuture<RolloutResult> result = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> result.complete(controller.roll(request)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cluster.waiting() == 1);

        supersession.supersede("0123456789abcdef0123");
        // The step timeout is minutes away: only the supersession can end the gate within the wait.
        assertThat(result).succeedsWithin(Duration.ofSeconds(10)).isInstanceOfSatisfying(
                RolloutResult.Superseded.class, superseded -> {
                    assertThat(superseded.commit()).isEqualTo("0123456789abcdef0123");
                    assertThat(superseded.restored()).isEmpty();
                    assertThat(superseded.release().message()).isEqualTo("superseded by commit 0123456789ab while step "
                            + "canary 50% waited for its gate; canary removed");
                });
        assertThat(history()).containsExactly("1 deployed", "2 failed");
        assertThat(cluster.writes).contains("delete api-canary");
        assertThat(cluster.image("api")).endsWith(":1");
    }

    @Test
    void anApplyTheServerFailsIsNoQuarantineAndIsTriedAgainUnderTheSameRevision() {
        roll("1", ROLLING);
        cluster.failNextApplies(1);

        RolloutResult failed = roll("2", ROLLING);
        assertThat(failed).isInstanceOfSatisfying(RolloutResult.Rejected.class, rejected -> assertThat(
                rejected.message()).startsWith("apply failed (the API server: ").contains("etcd timeout")
                .contains("revision 1 is in place again"));
        assertThat(cluster.image("api")).endsWith(":1");
        assertThat(history()).containsExactly("1 deployed", "2 failed");

        assertThat(roll("2", ROLLING)).isInstanceOf(RolloutResult.Deployed.class);
        assertThat(history()).containsExactly("1 superseded", "2 deployed");
    }

    @Test
    void aChangeSetTheServerRejectsWritesNothingAndIsRecordedOnce() {
        roll("1", CANARY);
        cluster.rejectDryRuns("spec.replicas: Invalid value: -1");
        cluster.writes.clear();

        assertThat(roll("2", CANARY)).isInstanceOf(RolloutResult.Rejected.class);
        assertThat(roll("2", CANARY)).isInstanceOf(RolloutResult.Rejected.class);
        assertThat(cluster.writes).allMatch(write -> write.startsWith("dry-run ") || write.startsWith("delete "));
        assertThat(history()).containsExactly("1 deployed", "2 failed");
    }

    @Test
    void aHookThePolicyRefusesFailsTheReleaseAtItsDryRunWithNothingWrittenNorRun() {
        roll("1", CANARY);
        cluster.rejectHooks("reserved: namespace capstan-system is the agent's own");
        cluster.writes.clear();
        RolloutRequest plain = request("2", CANARY, Optional.empty());
        RenderedObject takeover = object("v1", "Secret", "capstan-api-tokens", "stringData: {tokens.yaml: x}");
        RolloutRequest hooked = new RolloutRequest(plain.desired().withHooks(List.of(new dev.capstan.agent.model.Hook(
                takeover, java.util.Set.of(dev.capstan.agent.model.Hook.Event.PRE_UPGRADE), 0,
                java.util.Set.of(dev.capstan.agent.model.Hook.DeletePolicy.BEFORE_HOOK_CREATION)))), plain.draft(),
                plain.env(), plain.resumed(), plain.observer());

        assertThat(controller.roll(hooked)).isInstanceOfSatisfying(RolloutResult.Rejected.class, rejected ->
                assertThat(rejected.message()).contains("capstan-api-tokens", "the agent's own"));
        assertThat(cluster.writes).contains("admit-hook capstan-api-tokens")
                .noneMatch(write -> write.startsWith("apply ") || write.startsWith("delete "));
        assertThat(hooksRun).as("no hook ran").isEmpty();
        assertThat(cluster.image("api")).endsWith(":1");
        assertThat(history()).containsExactly("1 deployed", "2 failed");
    }

    @Test
    void anAgentStoppingWhileAHookRunsLeavesTheRevisionProgressingNotQuarantined() {
        roll("1", CANARY);
        hooksEnd = new Hooks.Outcome.Interrupted();
        RolloutRequest plain = request("2", CANARY, Optional.empty());
        RenderedObject migrate = object("batch/v1", "Job", "migrate", "spec: {template: {spec: {containers: []}}}");
        RolloutRequest hooked = new RolloutRequest(plain.desired().withHooks(List.of(new dev.capstan.agent.model.Hook(
                migrate, java.util.Set.of(dev.capstan.agent.model.Hook.Event.PRE_UPGRADE), 0, java.util.Set.of()))),
                plain.draft(), plain.env(), plain.resumed(), plain.observer());

        assertThat(controller.roll(hooked)).isInstanceOf(RolloutResult.Interrupted.class);
        assertThat(hooksRun).containsExactly("migrate");
        assertThat(history()).containsExactly("1 deployed", "2 progressing");
        assertThat(cluster.image("api")).endsWith(":1");
    }

    @Test
    void aReplicaWokenPastItsLeaseGoesNoStepFurtherEvenWithNothingToSend() {
        // bench PausedLeaderSoak: a leader paused past its Lease woke, resumed at a full step with nothing changed and
        // logged "rollout step full: applying 0 of 3 objects" before the record write stopped it.
        RolloutController sendingOnlyChanges = controller(objects -> objects.stream()
                .filter(o -> !o.equals(cluster.live.get(o.key()))).toList());
        sendingOnlyChanges.roll(request("1", CANARY, Optional.empty()));
        roll("2", CANARY);
        Release progressing = store.save(store.history("web", "staging").get(1).withStatus(Release.Status.PROGRESSING,
                Clock.systemUTC().instant()).withPhase("full", Clock.systemUTC().instant()));
        List<String> historyBefore = history();
        List<String> stepsStarted = new ArrayList<>();
        RolloutRequest resumed = request("2", CANARY, Optional.of(progressing));
        RolloutRequest watched = new RolloutRequest(resumed.desired(), resumed.draft(), resumed.env(),
                resumed.resumed(), new RolloutObserver() {
                    @Override
                    public void stepStarted(String phase) {
                        stepsStarted.add(phase);
                    }
                });
        cluster.writes.clear();
        cluster.loseLease();

        assertThatThrownBy(() -> sendingOnlyChanges.roll(watched)).isInstanceOf(WriteFence.LeaseLost.class);
        assertThat(stepsStarted).isEmpty();
        assertThat(cluster.writes).isEmpty();
        assertThat(history()).isEqualTo(historyBefore);
    }

    @Test
    void anUnchangedUnitSendsNoWrite() {
        RolloutController sendingOnlyChanges = controller(objects -> objects.stream()
                .filter(o -> !o.equals(cluster.live.get(o.key()))).toList());
        sendingOnlyChanges.roll(request("1", CANARY, Optional.empty()));
        cluster.writes.clear();

        assertThat(sendingOnlyChanges.roll(request("1", CANARY, Optional.empty())))
                .isInstanceOf(RolloutResult.Deployed.class);
        assertThat(cluster.writes).isEmpty();
    }
}
