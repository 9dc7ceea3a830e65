package dev.capstan.agent.observe;

import dev.capstan.agent.config.CommitStatusConfig;
import dev.capstan.agent.model.PlainCause;
import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts commit statuses to the git host on its own thread, in order, each tried 4 times with exponential backoff: a
 * slow or failing host never delays a rollout (a full queue drops the status and counts it). A status equal to the
 * last one posted for the same commit and context is not sent again. Counted as
 * {@code capstan_commit_statuses_total{provider,result}} (delivered, failed, dropped). The token is read from its
 * file at each delivery and never logged.
 */
public final class CommitStatusReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommitStatusReporter.class);
    private static final int QUEUE = 500;
    private static final int REMEMBERED = 512;

    private final CommitStatusConfig config;
    private final MeterRegistry metrics;
    private final Retry retry;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ThreadPoolExecutor queue = Deliveries.queue("capstan-commit-status", QUEUE);
    private final Map<String, CommitStatus> lastPosted = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CommitStatus> eldest) {
            return size() > REMEMBERED;
        }
    };

    public CommitStatusReporter(CommitStatusConfig config, MeterRegistry metrics, Duration firstBackoff) {
        this.config = config;
        this.metrics = metrics;
        this.retry = Deliveries.retry("commit-status", firstBackoff);
        List.of("delivered", "failed", "dropped").forEach(result -> metrics.counter("capstan_commit_statuses_total",
                "provider", config.provider().label(), "result", result));
    }

    /** Queues {@code status} unless it was the last one posted for its commit and context; never blocks. */
    public void report(CommitStatus status) {
        synchronized (lastPosted) {
            String key = status.commit() + " " + status.context();
            if (status.equals(lastPosted.get(key))) {
                return;
            }
            lastPosted.put(key, status);
        }
        try {
            queue.execute(() -> deliver(status));
        } catch (RejectedExecutionException e) {
            count("dropped");
            LOG.warn("commit status {} {} for {} dropped: the queue is full", status.context(), status.state(),
                    status.commit());
        }
    }

    private void deliver(CommitStatus status) {
        try {
            retry.executeCallable(() -> {
                post(status);
                return null;
            });
            count("delivered");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            count("failed");
        } catch (Exception e) {
            count("failed");
            LOG.warn("commit status {} {} for {} not delivered to {} {}: {}", status.context(), status.state(),
                    status.commit(), config.provider().label(), config.apiUrl(), PlainCause.of(e));
        }
    }

    private void post(CommitStatus status) throws IOException, InterruptedException {
        String token = config.token().read().value();
        HttpResponse<String> response = http.send(CommitStatusRequests.request(config, status, token),
                HttpResponse.BodyHandlers.ofString());
        int code = response.statusCode();
        if (code / 100 != 2 && !CommitStatusRequests.alreadyThere(config, code, response.body())) {
            throw new IOException("HTTP " + code + (code == 401 || code == 403 ? " (is the token allowed to write"
                    + " commit statuses of " + config.repository() + "?)" : code == 404
                    ? " (no repository " + config.repository() + " or commit " + status.commit() + " there)" : ""));
        }
    }

    private void count(String result) {
        metrics.counter("capstan_commit_statuses_total", "provider", config.provider().label(), "result", result)
                .increment();
    }

    @Override
    public void close() {
        queue.shutdown();
        try {
            if (!queue.awaitTermination(2, TimeUnit.SECONDS)) {
                queue.shutdownNow();
            }
        } catch (InterruptedException e) {
            queue.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
