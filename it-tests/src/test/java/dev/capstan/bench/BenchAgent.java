package dev.capstan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.TetheredProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged agent as its own process for a scripted benchmark: one config (a free HTTP port, the records in
 * {@code releases}), started as often as the benchmark wants, read through its HTTP API.
 */
final class BenchAgent {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Path dir;
    private final Path config;
    private final int port;

    private BenchAgent(Path dir, Path config, int port) {
        this.dir = dir;
        this.config = config;
        this.port = port;
    }

    /** @param releases the agent config's {@code releases} mapping, e.g. {@code {namespace: soak-records}} */
    static BenchAgent configure(Path dir, String repoUrl, LocalCluster cluster, String pollInterval, String releases)
            throws IOException {
        return configure(dir, repoUrl, cluster, pollInterval, releases, "");
    }

    /** As above, with {@code moreYaml} (top-level keys of the agent config) added. */
    static BenchAgent configure(Path dir, String repoUrl, LocalCluster cluster, String pollInterval, String releases,
                                String moreYaml) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                repo: {url: "%s", branch: main, pollInterval: %s}
                cacheDir: "%s"
                cluster: {kubeconfig: "%s"}
                http: {host: 127.0.0.1, port: %d}
                releases: %s
                """.formatted(repoUrl, pollInterval, dir.resolve("cache"), cluster.kubeconfig(), port, releases)
                + moreYaml);
        return new BenchAgent(dir, config, port);
    }

    /** Starts {@code java <jvmFlags> -jar capstan.jar run}; its output goes to {@code <dir>/<name>.log}. */
    TetheredProcess start(String name, List<String> jvmFlags) throws IOException {
        return start(name, jvmFlags, List.of());
    }

    /** As {@link #start(String, List)}, with {@code environment} ({@code NAME=value}) added to the agent's. */
    TetheredProcess start(String name, List<String> jvmFlags, List<String> environment) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", ClusterBinaries.repoRoot().resolve("agent/target/capstan.jar").toString(),
                "run", "--config", config.toString()));
        return TetheredProcess.start(name, dir, command, environment.stream().map(e -> e.split("=", 2))
                .collect(java.util.stream.Collectors.toMap(e -> e[0], e -> e[1])));
    }

    /** The agent's base URL. */
    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The JSON the agent answers at {@code path}; null while it does not answer (starting, killed). */
    JsonNode json(String path) {
        String body = text(path);
        try {
            return body == null ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** The body of a 200 answer at {@code path}; null otherwise. */
    String text(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
