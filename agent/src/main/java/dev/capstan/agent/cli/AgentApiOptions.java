package dev.capstan.agent.cli;

import dev.capstan.agent.model.PlainCause;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where a running agent's API is and the token to show it, for commands that talk to the agent. */
final class AgentApiOptions {
    @Option(names = "--server", paramLabel = "URL", description = "The agent's API (default ${DEFAULT-VALUE}).")
    String server = "http://127.0.0.1:8080";

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding an API token (when the agent has api.tokensFile); default: the"
                    + " CAPSTAN_TOKEN environment variable. A file, so the token never shows in ps or history.")
    Path tokenFile;

    /** POSTs {@code body} (JSON, may be empty) to {@code path}; the agent answers JSON. */
    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** GETs {@code path} (with its query). */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    private HttpRequest.Builder request(String path) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(30));
        String token = token();
        return token.isEmpty() ? request : request.header("Authorization", "Bearer " + token);
    }

    private String token() throws IOException {
        if (tokenFile != null) {
            try {
                return Files.readString(tokenFile).strip();
            } catch (IOException e) {
                throw new TokenFileException("--token-file " + tokenFile + ": cannot read it ("
                        + PlainCause.of(e) + ")", e);
            }
        }
        String fromEnvironment = System.getenv("CAPSTAN_TOKEN");
        return fromEnvironment == null ? "" : fromEnvironment.strip();
    }

    /** A call to the agent that may fail before any answer. */
    @FunctionalInterface
    interface Call {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }

    /**
     * The agent's answer, or empty after saying on {@code err} why there was none (unreachable, a bad
     * {@code --server}, an unreadable token file) — the command then exits with the usage code.
     */
    Optional<HttpResponse<String>> answer(String command, PrintWriter err, Call call) {
        try {
            return Optional.of(call.send());
        } catch (IOException e) {
            err.println("capstan " + command + ": " + unreachable(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalArgumentException e) {
            err.println("capstan " + command + ": --server: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** What to tell the user when the call failed before an answer: the agent's URL and the cause in plain words. */
    private String unreachable(IOException failure) {
        if (failure instanceof TokenFileException) {
            return failure.getMessage();
        }
        return "cannot reach the agent at " + server + ": " + PlainCause.of(failure);
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The token file could not be read: the agent was never asked. */
    private static final class TokenFileException extends IOException {
        TokenFileException(String message, IOException cause) {
            super(message, cause);
        }
    }
}
