package dev.capstan.agent.sync;

import dev.capstan.agent.config.AddressPolicy;
import dev.capstan.agent.config.AlertConfig;
import dev.capstan.agent.drift.ManifestDiff;
import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.git.CommitInfo;
import dev.capstan.agent.git.Revision;
import dev.capstan.agent.health.CheckRunner;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.observe.Alerter;
import dev.capstan.agent.observe.IncidentStore;
import dev.capstan.agent.plan.Plan;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.render.UnitRenderer;
import dev.capstan.agent.repo.DirectoryTree;
import dev.capstan.agent.rollout.Gate;
import dev.capstan.agent.rollout.MemoryCluster;
import dev.capstan.agent.rollout.MemoryRecords;
import dev.capstan.agent.rollout.RolloutController;
import dev.capstan.agent.rollout.RolloutTarget;
import dev.capstan.agent.work.WorkSlots;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The reconcile loop's parts wired as {@link SyncEngine} wires them — real renderer, rollout controller, gate,
 * release store, incident recorder and board — over a cluster and records in memory, and a repository of one
 * Capstan chart ({@code web}, one environment {@code staging}, canary 50 % then full) on disk.
 */
final class LoopFixture implements AutoCloseable {
    private static final String CAPSTAN_YAML = """
            environments:
              - name: staging
                namespace: shop
                rollout: {strategy: canary, steps: [50, 100], stepTimeout: 2s}
            charts: [web]
            """;

    final MemoryCluster cluster = new MemoryCluster();
    final MemoryConnection connection = new MemoryConnection(cluster);
    final TestClock clock = new TestClock(Instant.parse("2026-12-07T10:00:00Z"));
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    final ReleaseStore store = ReleaseStore.remembering(new MemoryRecords(), 20, clock);
    final IncidentStore incidents = new IncidentStore(new MemoryRecords(), 10);
    final StatusBoard board = new StatusBoard(new AgentRole(), store);
    final Alerter alerter = new Alerter(AlertConfig.none(), metrics, clock);
    final UnitRenderer renderer = UnitRenderer.forInstall("capstan-system");
    final ClusterTargets clusters;
    final ReleaseRecorder releases;
    final SyncServices services;
    final UnitWork work;
    private final Path repo;

    LoopFixture(Path repo) {
        this.repo = repo;
        Tracer tracer = OpenTelemetry.noop().getTracer("test");
        CheckRunner checks = new CheckRunner(AddressPolicy.allowing(List.of()));
        clusters = new ClusterTargets(connection.alone(), cluster -> new RolloutController(RolloutTarget.of(cluster),
                new Gate(cluster.health(), checks, metrics, new WorkSlots(1)), store, clock, metrics, tracer));
        releases = new ReleaseRecorder(store, board.unitStates());
        IncidentRecorder recorder = new IncidentRecorder(incidents, store, new ManifestDiff(new SecretMask()),
                board.incidentLog(), clock);
        services = new SyncServices(clusters, store, releases, recorder, board, clock,
                new SyncServices.Reporting(metrics, tracer, alerter));
        work = new UnitWork(services, renderer, (name, versions) -> { }, List::of);
    }

    /** A commit of the repository whose Deployment {@code web} runs image tag {@code tag}, 4 replicas. */
    Revision commit(String id, String tag) {
        return commit(id, tag, 4);
    }

    /** A commit whose Deployment {@code web} runs {@code replicas} of image tag {@code tag}. */
    Revision commit(String id, String tag, int replicas) {
        capstanYaml(CAPSTAN_YAML);
        chart("web", tag, replicas);
        return new Revision(id, new DirectoryTree(repo), new CommitInfo("Ada", "ada@example.com", Instant.EPOCH,
                "web " + tag));
    }

    /** Writes chart {@code name}: one Deployment of that name running {@code replicas} of image tag {@code tag}. */
    void chart(String name, String tag, int replicas) {
        try {
            Path templates = Files.createDirectories(repo.resolve("charts").resolve(name).resolve("templates"));
            Files.writeString(templates.resolveSibling("Chart.yaml"), "apiVersion: capstan/v1\nname: " + name
                    + "\nversion: 1.0.0\n");
            Files.writeString(templates.resolveSibling("values.yaml"), "tag: \"" + tag + "\"\nreplicas: " + replicas
                    + "\n");
            Files.writeString(templates.resolve("deployment.yaml"), """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: %s
                    spec:
                      replicas: {{ values.replicas }}
                      selector: {matchLabels: {app: %s}}
                      template:
                        metadata: {labels: {app: %s}}
                        spec:
                          containers:
                            - name: app
                              image: "registry.example.com/%s:{{ values.tag }}"
                    """.formatted(name, name, name, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code capstan.yaml} as {@code text}: what a later commit changed. */
    void capstanYaml(String text) {
        try {
            Files.writeString(repo.resolve("capstan.yaml"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository as it is now, planned. */
    Plan plan() {
        return Planner.plan(new DirectoryTree(repo));
    }

    /** The one unit of the repository. */
    Unit unit() {
        return Planner.plan(new DirectoryTree(repo)).units().get(0);
    }

    /** What the unit renders to at {@code commit}. */
    DesiredState desired(Revision commit) {
        return renderer.render(commit.tree(), unit(), commit.commit(), 0, connection.capabilities().get()).desired();
    }

    /** The unit's revisions as {@code "1 deployed"}, {@code "2 failed quarantined"}..., oldest first. */
    List<String> history() {
        return store.history("web", "staging").stream().map(r -> r.revision() + " " + r.status().label()
                + (r.hold() == Release.Hold.NONE ? "" : " " + r.hold().label())).toList();
    }

    @Override
    public void close() {
        renderer.close();
        alerter.close();
    }

    /** A clock a test moves. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
