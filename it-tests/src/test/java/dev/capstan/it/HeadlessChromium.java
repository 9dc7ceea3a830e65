package dev.capstan.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol (a WebSocket): navigate, evaluate, click, wait for
 * a condition in the page, take screenshots. Enough to use the web page as a person would, and nothing more.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    static HeadlessChromium start(Path profile) throws Exception {
        Files.createDirectories(profile);
        Process process = new ProcessBuilder(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1000", "--user-data-dir=" + profile,
                "--remote-debugging-port=0", "about:blank"))
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        String port = Awaitility.await("Chromium's DevTools port").atMost(WAIT).ignoreExceptions()
                .until(() -> Files.readAllLines(portFile).get(0).strip(), p -> !p.isEmpty());
        HttpClient http = HttpClient.newHttpClient();
        JsonArray targets = new JsonArray(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
        String page = targets.stream().map(JsonObject.class::cast).filter(t -> "page".equals(t.getString("type")))
                .findFirst().orElseThrow().getString("webSocketDebuggerUrl");
        HeadlessChromium[] self = new HeadlessChromium[1];
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    JsonObject json = new JsonObject(message.toString());
                    message.setLength(0);
                    if (json.containsKey("id") && self[0] != null) {
                        CompletableFuture<JsonObject> answer = self[0].pending.remove(json.getInteger("id"));
                        if (answer != null) {
                            answer.complete(json);
                        }
                    }
                }
                webSocket.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        self[0] = new HeadlessChromium(process, socket);
        return self[0];
    }

    /** Loads {@code url}; returns once the page says it has loaded its data (body[data-loaded]), if it does. */
    void open(String url) throws Exception {
        send("Page.navigate", new JsonObject().put("url", url));
    }

    /** The value of a JavaScript expression in the page (awaited when it is a promise). */
    Object evaluate(String expression) throws Exception {
        JsonObject result = send("Runtime.evaluate", new JsonObject().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (result.containsKey("exceptionDetails")) {
            throw new IllegalStateException(expression + ": " + result.getJsonObject("exceptionDetails").encode());
        }
        return result.getJsonObject("result").getValue("value");
    }

    /** Waits until the expression is true in the page. */
    void waitFor(String expression) {
        Awaitility.await(expression).atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> Boolean.TRUE.equals(evaluate(expression)));
    }

    /** Clicks the first element matching {@code selector}, once there. */
    void click(String selector) throws Exception {
        String quoted = new JsonArray().add(selector).encode();
        waitFor("document.querySelector(" + quoted.substring(1, quoted.length() - 1) + ") !== null");
        evaluate("document.querySelector(" + quoted.substring(1, quoted.length() - 1) + ").click()");
    }

    /** The text of the first element matching {@code selector} ("" if none). */
    String text(String selector) throws Exception {
        String quoted = new JsonArray().add(selector).encode();
        Object value = evaluate("(document.querySelector(" + quoted.substring(1, quoted.length() - 1)
                + ") || {textContent: ''}).textContent");
        return String.valueOf(value);
    }

    /** Writes a PNG of the viewport (full page height) to {@code file}. */
    void screenshot(Path file) throws Exception {
        JsonObject shot = send("Page.captureScreenshot", new JsonObject().put("format", "png")
                .put("captureBeyondViewport", true));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.getString("data")));
    }

    private JsonObject send(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true)
                .get(10, TimeUnit.SECONDS);
        JsonObject reply = answer.get(30, TimeUnit.SECONDS);
        if (reply.containsKey("error")) {
            throw new IllegalStateException(method + ": " + reply.getJsonObject("error").encode());
        }
        return reply.getJsonObject("result");
    }

    @Override
    public void close() {
        socket.abort();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static void requireNonEmpty(Path png) {
        try {
            if (Files.size(png) < 1000) {
                throw new IllegalStateException(png + " is not a screenshot");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
