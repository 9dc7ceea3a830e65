package dev.capstan.testcluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A real smart-HTTP git server on loopback: Git's own {@code git http-backend} behind a small CGI bridge, serving the
 * bare repositories under one directory at {@code /git/<name>}. Optional basic auth; {@link #setDown} answers 503
 * to everything (an outage); after each accepted push it calls the push listener, as a hosting service sends its
 * webhook.
 */
public final class GitHttpServer implements AutoCloseable {
    private final Path projectRoot;
    private final Optional<String> expectedAuthorization;
    private final HttpServer server;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile BiConsumer<String, String> pushListener = (repo, ref) -> { };
    private volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);

    private GitHttpServer(Path projectRoot, Optional<String> expectedAuthorization, HttpServer server) {
        this.projectRoot = projectRoot;
        this.expectedAuthorization = expectedAuthorization;
        this.server = server;
    }

    /** Serves the bare repositories under {@code projectRoot}; with {@code username}/{@code password}, basic auth. */
    public static GitHttpServer start(Path projectRoot, String username, String password) throws IOException {
        Optional<String> auth = username == null ? Optional.empty() : Optional.of("Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        GitHttpServer server = new GitHttpServer(projectRoot, auth, http);
        http.createContext("/git/", server::handle);
        http.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "git-http");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        return server;
    }

    public static GitHttpServer start(Path projectRoot) throws IOException {
        return start(projectRoot, null, null);
    }

    /** The clone URL of {@code <projectRoot>/<name>}. */
    public String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/git/" + name;
    }

    public void setDown(boolean isDown) {
        down.set(isDown);
    }

    /** Requests served so far (fetches cost one or two each). */
    public int requests() {
        return requests.get();
    }

    /** Holds every request until {@link #release()}: a server that is slow exactly as long as a test needs. */
    public void hold() {
        gate = new java.util.concurrent.CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    /**
     * Called with (repository name, ref) after each push the server accepted. The ref is always
     * {@code refs/heads/main}: the tests push only there, and the bridge does not parse the pack protocol.
     */
    public void onPush(BiConsumer<String, String> listener) {
        this.pushListener = listener;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (down.get()) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            if (expectedAuthorization.isPresent() && !expectedAuthorization.get()
                    .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            runBackend(exchange);
        }
    }

    private void runBackend(HttpExchange exchange) throws IOException {
        String pathInfo = exchange.getRequestURI().getRawPath().substring("/git".length());
        ProcessBuilder builder = new ProcessBuilder("git", "http-backend");
        Map<String, String> env = builder.environment();
        env.put("GIT_PROJECT_ROOT", projectRoot.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("PATH_INFO", pathInfo);
        env.put("REQUEST_METHOD", exchange.getRequestMethod());
        env.put("QUERY_STRING", Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""));
        env.put("REMOTE_ADDR", "127.0.0.1");
        env.put("REMOTE_USER", "git");
        header(exchange, "Content-Type").ifPresent(v -> env.put("CONTENT_TYPE", v));
        header(exchange, "Content-Encoding").ifPresent(v -> env.put("HTTP_CONTENT_ENCODING", v));
        header(exchange, "Git-Protocol").ifPresent(v -> env.put("GIT_PROTOCOL", v));
        Process process = builder.start();
        CompletableFuture<Void> input = CompletableFuture.runAsync(() -> {
            try (OutputStream stdin = process.getOutputStream(); InputStream body = exchange.getRequestBody()) {
                body.transferTo(stdin);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] output = process.getInputStream().readAllBytes();
        input.join();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        int split = headerEnd(output);
        String headers = new String(output, 0, split, StandardCharsets.ISO_8859_1);
        int status = 200;
        for (String line : headers.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ")[0]);
            } else {
                exchange.getResponseHeaders().add(name, value);
            }
        }
        int bodyStart = split + (output.length > split + 1 && output[split] == '\r' ? 4 : 2);
        byte[] body = java.util.Arrays.copyOfRange(output, Math.min(bodyStart, output.length), output.length);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        if (status == 200 && pathInfo.endsWith("/git-receive-pack")) {
            String repo = pathInfo.substring(1, pathInfo.length() - "/git-receive-pack".length());
            pushListener.accept(repo, "refs/heads/main");
        }
    }

    private static int headerEnd(byte[] output) {
        for (int i = 0; i + 1 < output.length; i++) {
            if (output[i] == '\n' && output[i + 1] == '\n') {
                return i;
            }
            if (i + 3 < output.length && output[i] == '\r' && output[i + 1] == '\n' && output[i + 2] == '\r'
                    && output[i + 3] == '\n') {
                return i;
            }
        }
        return output.length;
    }

    private static Optional<String> header(HttpExchange exchange, String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
