package dev.capstan.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything alerts and traces are sent to, on loopback: records each request's body by path; a path can be made to
 * answer an error, or to hold its requests until released (a sink that hangs).
 */
final class SinkServer implements AutoCloseable {
    record Received(String path, String body, Map<String, List<String>> headers) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> releases = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    private SinkServer(HttpServer server) {
        this.server = server;
    }

    static SinkServer start() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        SinkServer sink = new SinkServer(http);
        http.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            AtomicInteger pending = sink.inFlight.computeIfAbsent(path, p -> new AtomicInteger());
            pending.incrementAndGet();
            try {
                byte[] body = exchange.getRequestBody().readAllBytes();
                sink.received.add(new Received(path, new String(body, StandardCharsets.ISO_8859_1),
                        Map.copyOf(exchange.getRequestHeaders())));
                CountDownLatch hold = sink.holds.remove(path);
                if (hold != null) {
                    hold.await(30, TimeUnit.SECONDS);
                }
                exchange.sendResponseHeaders(sink.statuses.getOrDefault(path, 200), -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                pending.decrementAndGet();
                exchange.close();
            }
        });
        http.start();
        return sink;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void answer(String path, int status) {
        statuses.put(path, status);
    }

    /** The next request to {@code path} waits (up to 30 s) until {@link #release}; later ones do not. */
    void hold(String path) {
        CountDownLatch latch = new CountDownLatch(1);
        holds.put(path, latch);
        releases.put(path, latch);
    }

    void release(String path) {
        CountDownLatch latch = releases.remove(path);
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Requests to {@code path} not answered yet. */
    int inFlight(String path) {
        return inFlight.getOrDefault(path, new AtomicInteger()).get();
    }

    List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        releases.values().forEach(CountDownLatch::countDown);
        server.stop(0);
    }
}
