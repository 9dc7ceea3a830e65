package dev.capstan.agent;

import dev.capstan.agent.api.ApiServer;
import dev.capstan.agent.api.ApiTokens;
import dev.capstan.agent.api.HttpApi;
import dev.capstan.agent.api.ShardViews;
import dev.capstan.agent.cluster.OwnCluster;
import dev.capstan.agent.cluster.PushSignal;
import dev.capstan.agent.cluster.RecordKind;
import dev.capstan.agent.cluster.WriteFence;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.git.GitSource;
import dev.capstan.agent.git.ResilientFetcher;
import dev.capstan.agent.observe.Alerter;
import dev.capstan.agent.observe.CommitStatusReporter;
import dev.capstan.agent.observe.HeapReturn;
import dev.capstan.agent.observe.HeapWatch;
import dev.capstan.agent.observe.IncidentStore;
import dev.capstan.agent.observe.Tracing;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.sync.AgentRole;
import dev.capstan.agent.sync.CommitStatusFeed;
import dev.capstan.agent.sync.CycleTrigger;
import dev.capstan.agent.sync.StatusBoard;
import dev.capstan.agent.sync.SyncEngine;
import dev.capstan.agent.sync.UnitActions;
import dev.capstan.agent.webhook.WebhookProcessor;
import dev.capstan.agent.webhook.WebhookRoutes;
import dev.capstan.agent.webhook.WebhookSecrets;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running agent. A {@link CycleTrigger} runs reconcile cycles on one worker thread (JGit and fabric8 block, so
 * they never run on an event loop) on a jittered poll timer and on accepted webhooks; the HTTP server answers from
 * in-memory state.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final long SECRET_RELOAD_MS = 10_000;
    /** How often the heap is looked at: its warning is hourly at most, its return waits for a quiet check. */
    private static final long HEAP_CHECK_MS = 20_000;
    private static final int INCIDENT_LIMIT = 100;
    private static final long TOKEN_RELOAD_MS = 2_000;

    private final Vertx vertx;
    private final WorkerExecutor worker;
    private final OwnCluster cluster;
    private final GitSource source;
    private final StatusBoard board;
    private final HttpServer server;
    private final CycleTrigger cycles;
    private final PrometheusMeterRegistry metrics;
    private final SyncEngine engine;
    private final List<AutoCloseable> reporters;
    private final AtomicBoolean closing;

    private Agent(Vertx vertx, WorkerExecutor worker, OwnCluster cluster, GitSource source, StatusBoard board,
                  HttpServer server, CycleTrigger cycles, PrometheusMeterRegistry metrics, SyncEngine engine,
                  List<AutoCloseable> reporters, AtomicBoolean closing) {
        this.reporters = reporters;
        this.closing = closing;
        this.engine = engine;
        this.vertx = vertx;
        this.worker = worker;
        this.cluster = cluster;
        this.source = source;
        this.board = board;
        this.server = server;
        this.cycles = cycles;
        this.metrics = metrics;
    }

    /** Starts the agent; returns once the HTTP server listens. The first cycle starts immediately. */
    public static Agent start(AgentConfig config) {
        return start(config, () -> { });
    }

    /**
     * Starts the agent. With HA, it reconciles only while it holds the Lease and serves reads either way;
     * {@code onLostLeadership} runs if it stops leading while not shutting down ({@code capstan run} exits then).
     */
    public static Agent start(AgentConfig config, Runnable onLostLeadership) {
        WebhookSecrets secrets = new WebhookSecrets(config.webhooks());
        secrets.reload();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindJvmMetrics(metrics);
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(metrics))
                .build();
        Tracing tracing = Tracing.create(config.tracing());
        Alerter alerter = new Alerter(config.alerts(), metrics, Clock.systemUTC());
        OwnCluster cluster = OwnCluster.connect(config, metrics);
        GitSource source = new GitSource(config.repo(), config.cacheDir());
        AgentRole role = new AgentRole();
        // With HA, a write needs the Lease of its unit's shard, renewed in time (without, this agent's one shard).
        WriteFence fence = role.fence();
        ReleaseStore store = ReleaseStore.remembering(cluster.records(RecordKind.RELEASES, fence),
                config.releases().historyLimit(), Clock.systemUTC());
        StatusBoard board = new StatusBoard(role, store);
        SyncEngine engine = new SyncEngine(new ResilientFetcher(source, config.repo().resilience(), metrics),
                cluster.clusters(config, metrics), config, store, board, Clock.systemUTC(),
                new SyncEngine.Observability(metrics, tracing.tracer(), alerter,
                        new IncidentStore(cluster.records(RecordKind.INCIDENTS, fence), INCIDENT_LIMIT)));
        WorkerExecutor worker = vertx.createSharedWorkerExecutor("capstan-reconciler", 1, 30, TimeUnit.MINUTES);
        CycleTrigger cycles = new CycleTrigger(vertx, worker, engine::reconcile, config.repo().pollInterval());
        Optional<PushSignal> pushSignal = config.ha().enabled()
                ? Optional.of(cluster.pushSignal(config.ha(), Clock.systemUTC()))
                : Optional.empty();
        // A push announced: by a webhook to this replica, or by another replica's stamp (HA).
        Runnable pushed = () -> {
            board.repoBoard().webhookReceived(java.time.Instant.now());
            cycles.trigger();
        };
        WebhookRoutes webhooks = new WebhookRoutes(new WebhookProcessor(config.repo().branch(), secrets::secret),
                () -> {
                    pushed.run();
                    // The replicas holding the other shards (or the leader, if this one stands by) fetch too.
                    pushSignal.ifPresent(signal -> vertx.executeBlocking(() -> {
                        signal.announce();
                        return null;
                    }, false));
                }, config.webhooks(), metrics);
        Optional<ApiTokens> tokens = config.api().tokensFile().map(file -> new ApiTokens(file, metrics));
        // With HA, every replica serves every unit's status and drift from the views their holders publish.
        Optional<OwnCluster.WatchedRecords> viewRecords = config.ha().enabled()
                ? Optional.of(cluster.watch(RecordKind.SHARD_VIEWS)) : Optional.empty();
        Optional<ShardViews> views = viewRecords.map(watched -> new ShardViews(cluster.records(
                RecordKind.SHARD_VIEWS, WriteFence.open()), watched.current(), board, config.ha().identity()));
        try {
            tokens.ifPresent(ApiTokens::reload);
            HttpServer server = ApiServer.listen(vertx, config.http(), config.api(), HttpApi.router(vertx, board,
                    metrics, webhooks, engine.actions(), cycles::trigger, config.api(), tokens, views));
            vertx.setPeriodic(SECRET_RELOAD_MS, id -> vertx.executeBlocking(() -> {
                secrets.reload();
                return null;
            }).onFailure(e -> LOG.warn("webhook secrets not reloaded, keeping the last ones: {}", e.getMessage())));
            HeapWatch heap = new HeapWatch();
            HeapReturn heapReturn = new HeapReturn();
            vertx.setPeriodic(HEAP_CHECK_MS, id -> {
                heap.check(java.time.Instant.now());
                vertx.executeBlocking(() -> heapReturn.check(java.time.Instant.now()), false);
            });
            tokens.ifPresentOrElse(t -> vertx.setPeriodic(TOKEN_RELOAD_MS, id -> vertx.executeBlocking(() -> {
                t.reload();
                return null;
            })), () -> LOG.warn("the HTTP API is open (no api.tokensFile): bind it to a trusted network only"));
            if (!config.destinations().restricted()) {
                LOG.warn("no destinations in the agent config: units may write any namespace but the agent's own "
                        + "and any cluster-scoped kind (docs/security.md: Destinations)");
            }
            List<AutoCloseable> reporters = new java.util.ArrayList<>(List.of(alerter, tracing));
            viewRecords.ifPresent(reporters::add);
            config.commitStatus().ifPresent(statuses -> {
                CommitStatusReporter reporter = new CommitStatusReporter(statuses, metrics, Duration.ofSeconds(1));
                CommitStatusFeed.start(board, reporter, statuses);
                reporters.add(reporter);
            });
            AtomicBoolean closing = new AtomicBoolean();
            if (config.ha().enabled()) {
                reporters.add(0, HaCampaign.start(config.ha(), cluster, vertx,
                        new HaCampaign.Replica(board, engine, cycles, store, views.orElseThrow()),
                        new HaCampaign.Pushes(pushSignal.orElseThrow(), pushed), closing, onLostLeadership));
            } else {
                cycles.start();
            }
            LOG.info("capstan agent started: branch {}, poll every {}, http port {}, webhooks {}, ha {}",
                    config.repo().branch(), config.repo().pollInterval(), server.actualPort(),
                    config.webhooks().secrets().keySet(), config.ha().enabled() ? config.ha().identity() : "off");
            return new Agent(vertx, worker, cluster, source, board, server, cycles, metrics, engine,
                    reporters, closing);
        } catch (ExecutionException | TimeoutException | ConfigException e) {
            vertx.close();
            engine.close();
            cluster.close();
            if (e instanceof ConfigException invalid) {
                throw invalid;
            }
            throw new IllegalStateException("HTTP server could not listen on " + config.http().host() + ":"
                    + config.http().port() + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            vertx.close();
            engine.close();
            cluster.close();
            throw new IllegalStateException("interrupted while starting", e);
        }
    }

    /** JVM memory, GC, threads, classes, CPU and uptime, under Micrometer's standard names. */
    private static void bindJvmMetrics(PrometheusMeterRegistry metrics) {
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ClassLoaderMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
    }

    public int httpPort() {
        return server.actualPort();
    }

    public StatusBoard status() {
        return board;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** Roll back and resume, as the API offers them. Blocking. */
    public UnitActions actions() {
        return engine.actions();
    }

    /** Asks for a reconcile cycle now (what an accepted webhook does). */
    public void syncNow() {
        cycles.trigger();
    }

    @Override
    public void close() {
        closing.set(true);
        cycles.stop(Duration.ofSeconds(30));
        engine.stop(Duration.ofSeconds(10));
        try {
            worker.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("shutdown did not complete cleanly: {}", e.toString());
        } finally {
            for (AutoCloseable reporter : reporters) {
                try {
                    reporter.close();
                } catch (Exception e) {
                    LOG.warn("{} did not close cleanly: {}", reporter.getClass().getSimpleName(), e.toString());
                }
            }
            engine.close();
            source.close();
            cluster.close();
        }
    }
}
