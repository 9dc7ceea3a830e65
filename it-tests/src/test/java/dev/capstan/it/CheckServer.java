package dev.capstan.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What declared checks talk to, on loopback: {@code /healthz} answers a settable status (the smoke check's
 * service), {@code /metrics} exports the service's error ratio (a settable gauge) for a real Prometheus to scrape,
 * and, for hostile-input tests, {@code /api/v1/query} imitates the Prometheus HTTP API with that ratio or any
 * settable raw answer (a Prometheus that is not one), {@code /aaaa} answers 5,000 {@code a}s (a backtracking trap) and
 * {@code /hang} never answers until the server stops.
 */
final class CheckServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger healthStatus = new AtomicInteger(200);
    private final AtomicInteger healthRequests = new AtomicInteger();
    private final AtomicReference<String> errorRate = new AtomicReference<>("0.01");
    private final AtomicReference<String> rawPrometheus = new AtomicReference<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.concurrent.CountDownLatch stopping = new java.util.concurrent.CountDownLatch(1);

    private CheckServer(HttpServer server) {
        this.server = server;
    }

    static CheckServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        CheckServer checks = new CheckServer(server);
        server.createContext("/healthz", exchange -> {
            checks.healthRequests.incrementAndGet();
            ExchangeReplies.reply(exchange, checks.healthStatus.get(), "ok");
        });
        server.createContext("/api/v1/query", exchange -> {
            checks.requests.incrementAndGet();
            String raw = checks.rawPrometheus.get();
            String sample = """
                    {"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"%s"]}]}}
                    """.formatted(checks.errorRate.get());
            ExchangeReplies.reply(exchange, 200, raw != null ? raw : sample);
        });
        server.createContext("/metrics", exchange -> ExchangeReplies.reply(exchange, 200, """
                # TYPE shop_http_errors_ratio gauge
                shop_http_errors_ratio{service="web"} %s
                """.formatted(checks.errorRate.get())));
        server.createContext("/aaaa", exchange -> {
            checks.requests.incrementAndGet();
            ExchangeReplies.reply(exchange, 200, "a".repeat(5_000));
        });
        server.createContext("/hang", exchange -> {
            checks.requests.incrementAndGet();
            try {
                checks.stopping.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return checks;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code host:port}, as a Prometheus scrape target. */
    String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void healthStatus(int status) {
        healthStatus.set(status);
    }

    int healthRequests() {
        return healthRequests.get();
    }

    /** Every request to the Prometheus, trap and hanging paths. */
    int requests() {
        return requests.get();
    }

    /** What the Prometheus path answers from now on, as it is. */
    void prometheusAnswer(String raw) {
        rawPrometheus.set(raw);
    }

    void errorRate(String sample) {
        errorRate.set(sample);
    }

    @Override
    public void close() {
        stopping.countDown();
        server.stop(0);
    }
}
