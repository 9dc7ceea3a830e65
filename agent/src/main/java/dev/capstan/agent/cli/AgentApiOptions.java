package dev.capstan.agent.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where a running agent's API is, for commands that ask the agent to act (rollback, resume). */
final class AgentApiOptions {
    @Option(names = "--server", paramLabel = "URL", description = "The agent's API (default ${DEFAULT-VALUE}).")
    String server = "http://127.0.0.1:8080";

    /** POSTs {@code body} (JSON, may be empty) to {@code path}; the agent answers JSON. */
    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
