package dev.capstan.agent.observe;

import dev.capstan.agent.config.AlertConfig;
import dev.capstan.agent.webhook.Signatures;
import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to their sinks, each sink on its own thread with a bounded queue: a dead or slow sink delays only
 * its own deliveries, never reconciliation or another sink. Each delivery is retried with exponential backoff
 * (Resilience4j); an answer other than 2xx counts as a failure. Outcomes are counted in
 * {@code capstan_alerts_total{sink,severity,result}} (delivered, failed, dropped when the queue is full).
 */
final class AlertDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);
    private static final int QUEUE = 200;

    private final Map<String, ThreadPoolExecutor> queues = new LinkedHashMap<>();
    private final Map<String, AlertConfig.Sink> sinks;
    // HTTP/1.1: no h2c upgrade dance with plain-http sinks; each sink thread has its own connection anyway.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private final Retry retry;
    private final MeterRegistry metrics;
    private volatile boolean closed;

    AlertDispatcher(AlertConfig config, MeterRegistry metrics, Duration firstBackoff) {
        this.sinks = config.sinks();
        this.metrics = metrics;
        this.retry = Deliveries.retry("alert-delivery", firstBackoff);
        for (String name : sinks.keySet()) {
            queues.put(name, Deliveries.queue("capstan-alerts-" + name, QUEUE));
        }
        // Every series a route can produce exists from the start at 0: Prometheus' increase() cannot see the first
        // failure of a series that appears already at 1, so an alert on failed deliveries would never fire for a
        // sink that fails from its first delivery.
        config.routes().forEach((severity, routed) -> routed.stream().filter(sinks::containsKey).forEach(sink ->
                List.of("delivered", "failed", "dropped").forEach(result -> metrics.counter("capstan_alerts_total",
                        "sink", sink, "severity", severity.label(), "result", result))));
    }

    /** Queues {@code alert} for {@code sink}; never blocks. */
    void send(String sink, Alert alert) {
        ThreadPoolExecutor queue = queues.get(sink);
        try {
            queue.execute(() -> deliver(sinks.get(sink), alert));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            count(sink, alert, "dropped");
            LOG.warn("alert {} for sink {} dropped: its queue is full", alert.key(), sink);
        }
    }

    private void deliver(AlertConfig.Sink sink, Alert alert) {
        try {
            retry.executeCallable(() -> {
                try {
                    post(sink, alert);
                } catch (InterruptedException e) {
                    if (closed) {
                        throw e;
                    }
                    // Not ours: the dispatcher is not closing. Clear it and let the retry try again.
                    Thread.interrupted();
                    LOG.warn("delivery of alert {} to sink {} was interrupted; retrying", alert.key(), sink.name());
                    throw new IOException("interrupted", e);
                }
                return null;
            });
            count(sink.name(), alert, "delivered");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            count(sink.name(), alert, "failed");
            LOG.warn("alert {} not delivered to sink {}: stopping", alert.key(), sink.name());
        } catch (Exception e) {
            count(sink.name(), alert, "failed");
            // The message names the sink and the failure; never the URL (a Slack URL is a secret).
            LOG.error("alert {} not delivered to sink {}: {}", alert.key(), sink.name(), e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private void post(AlertConfig.Sink sink, Alert alert) throws IOException, InterruptedException {
        String body = sink instanceof AlertConfig.Sink.Slack ? AlertPayloads.slack(alert) : AlertPayloads.json(alert);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sink.url().resolve()))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sink instanceof AlertConfig.Sink.Webhook webhook && webhook.signingSecret().isPresent()) {
            byte[] mac = Signatures.hmac(webhook.signingSecret().get().read().value(),
                    body.getBytes(StandardCharsets.UTF_8));
            request.header("X-Capstan-Signature", "sha256=" + HexFormat.of().formatHex(mac));
        }
        HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("sink answered HTTP " + response.statusCode());
        }
    }

    private void count(String sink, Alert alert, String result) {
        metrics.counter("capstan_alerts_total", "sink", sink, "severity", alert.event().severity().label(),
                "result", result).increment();
    }

    @Override
    public void close() {
        closed = true;
        queues.values().forEach(ThreadPoolExecutor::shutdownNow);
    }
}
