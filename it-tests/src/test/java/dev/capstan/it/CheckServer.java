package dev.capstan.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What declared checks talk to, on loopback: {@code /healthz} answers a settable status (the smoke check's
 * service) and {@code /api/v1/query} answers like the Prometheus HTTP API with a settable sample.
 */
final class CheckServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger healthStatus = new AtomicInteger(200);
    private final AtomicInteger healthRequests = new AtomicInteger();
    private final AtomicReference<String> errorRate = new AtomicReference<>("0.01");

    private CheckServer(HttpServer server) {
        this.server = server;
    }

    static CheckServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        CheckServer checks = new CheckServer(server);
        server.createContext("/healthz", exchange -> {
            checks.healthRequests.incrementAndGet();
            reply(exchange, checks.healthStatus.get(), "ok");
        });
        server.createContext("/api/v1/query", exchange -> reply(exchange, 200, """
                {"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"%s"]}]}}
                """.formatted(checks.errorRate.get())));
        server.start();
        return checks;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void healthStatus(int status) {
        healthStatus.set(status);
    }

    int healthRequests() {
        return healthRequests.get();
    }

    void errorRate(String sample) {
        errorRate.set(sample);
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
