package dev.capstan.testcluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A real Prometheus (Debian's {@code prometheus} package, which {@code bin/test} installs) on loopback, scraping the
 * given targets every second, with its data in a temp dir. For the Prometheus gate and the dashboard's queries.
 */
public final class PrometheusServer implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/prometheus");
    public static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private final TetheredProcess process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusServer(TetheredProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** One scrape job per target ({@code host:port}, path {@code /metrics}); returns once every target is up. */
    public static PrometheusServer start(Path workDir, List<String> targets) {
        return start(workDir, targets, null);
    }

    /** As {@link #start(Path, List)}, evaluating the alerting rules in {@code ruleFile} (null: none) every second. */
    public static PrometheusServer start(Path workDir, List<String> targets, Path ruleFile) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's prometheus package"
                    + " (bin/test does)");
        }
        try {
            Files.createDirectories(workDir);
            StringBuilder config = new StringBuilder("""
                    global: {scrape_interval: 1s, evaluation_interval: 1s}
                    """);
            if (ruleFile != null) {
                config.append("rule_files: [\"").append(ruleFile).append("\"]\n");
            }
            config.append("scrape_configs:\n");
            for (int i = 0; i < targets.size(); i++) {
                config.append("  - {job_name: target").append(i).append(", static_configs: [{targets: [\"")
                        .append(targets.get(i)).append("\"]}]}\n");
            }
            Path file = Files.writeString(workDir.resolve("prometheus.yml"), config);
            int port = LocalCluster.freePort();
            TetheredProcess process = TetheredProcess.start("prometheus", workDir, List.of(BINARY.toString(),
                    "--config.file=" + file, "--storage.tsdb.path=" + workDir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
            PrometheusServer server = new PrometheusServer(process, port);
            Awaitility.await("Prometheus scraping " + targets).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> server.query("sum(up)").size() == 1 && server.value("sum(up)") == targets.size());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL, as the Prometheus gate's {@code url}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** An instant query's result vector (empty when the query matches no series). */
    public JsonArray query(String promql) {
        try {
            URI uri = URI.create(url() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonObject answer = new JsonObject(response.body());
            if (!"success".equals(answer.getString("status"))) {
                throw new IllegalStateException(promql + ": " + answer.getString("error"));
            }
            return answer.getJsonObject("data").getJsonArray("result");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The single sample an instant query returns. */
    public double value(String promql) {
        JsonArray result = query(promql);
        if (result.size() != 1) {
            throw new IllegalStateException(promql + " returned " + result.size() + " series");
        }
        return Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
    }

    @Override
    public void close() {
        process.close();
    }
}
