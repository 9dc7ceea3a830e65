package dev.capstan.agent;

import dev.capstan.agent.api.HttpApi;
import dev.capstan.agent.chart.Capabilities;
import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.cluster.ClusterCapabilities;
import dev.capstan.agent.cluster.KubernetesClients;
import dev.capstan.agent.cluster.ServerSideApplier;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.git.GitSource;
import dev.capstan.agent.sync.Reconciler;
import dev.capstan.agent.sync.StatusBoard;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running agent: a Vert.x timer triggers a reconcile cycle on a single worker thread (JGit and fabric8 are
 * blocking, so they never run on the event loop), and the HTTP server answers from the status board.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final Vertx vertx;
    private final WorkerExecutor worker;
    private final KubernetesClient client;
    private final GitSource source;
    private final StatusBoard board;
    private final HttpServer server;
    private final long timerId;

    private Agent(Vertx vertx, WorkerExecutor worker, KubernetesClient client, GitSource source, StatusBoard board,
                  HttpServer server, long timerId) {
        this.vertx = vertx;
        this.worker = worker;
        this.client = client;
        this.source = source;
        this.board = board;
        this.server = server;
        this.timerId = timerId;
    }

    /** Starts the agent; returns once the HTTP server listens. The first cycle starts immediately. */
    public static Agent start(AgentConfig config) {
        Vertx vertx = Vertx.vertx();
        KubernetesClient client = KubernetesClients.create(config.cluster());
        GitSource source = new GitSource(config.repo(), config.cacheDir());
        StatusBoard board = new StatusBoard();
        Supplier<Capabilities> capabilities = memoize(() -> ClusterCapabilities.discover(client));
        Reconciler reconciler = new Reconciler(source, capabilities, new ChartRenderer(),
                new ServerSideApplier(client), board, Clock.systemUTC());
        WorkerExecutor worker = vertx.createSharedWorkerExecutor("capstan-reconciler", 1, 30, TimeUnit.MINUTES);
        try {
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(HttpApi.router(vertx, board))
                    .listen(config.http().port(), config.http().host())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            AtomicBoolean running = new AtomicBoolean();
            long interval = config.repo().pollInterval().toMillis();
            long timerId = vertx.setPeriodic(0, interval, id -> {
                // Skip a tick while a cycle runs: ticks must not queue up behind a slow cycle.
                if (running.compareAndSet(false, true)) {
                    worker.executeBlocking(() -> {
                        reconciler.reconcile();
                        return null;
                    }).onComplete(done -> running.set(false));
                }
            });
            LOG.info("capstan agent started: repo branch {}, poll every {} ms, http port {}",
                    config.repo().branch(), interval, server.actualPort());
            return new Agent(vertx, worker, client, source, board, server, timerId);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            vertx.close();
            client.close();
            throw new IllegalStateException("HTTP server could not listen on " + config.http().host() + ":"
                    + config.http().port() + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            vertx.close();
            client.close();
            throw new IllegalStateException("interrupted while starting", e);
        }
    }

    public int httpPort() {
        return server.actualPort();
    }

    public StatusBoard status() {
        return board;
    }

    @Override
    public void close() {
        vertx.cancelTimer(timerId);
        try {
            worker.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("shutdown did not complete cleanly: {}", e.toString());
        } finally {
            source.close();
            client.close();
        }
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
