package dev.capstan.agent.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.agent.config.Check;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Runs one evaluation of a declared check over HTTP: a smoke GET, or a Prometheus instant query. A transport error
 * is retried twice, quickly (Resilience4j), then reported as not-yet: the gate's own timeout bounds the wait.
 * Bodies are read up to 64 KiB; URLs are shown without their query (it may hold tokens). Blocking.
 */
public final class CheckRunner {
    private static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Retry retry = Retry.of("health-check", RetryConfig.custom().maxAttempts(3)
            .waitDuration(Duration.ofMillis(100)).retryExceptions(IOException.class).build());

    public CheckResult run(Check check) {
        return switch (check) {
            case Check.Http smoke -> smoke(smoke);
            case Check.Prometheus query -> prometheus(query);
        };
    }

    private CheckResult smoke(Check.Http check) {
        HttpResponse<byte[]> response;
        try {
            response = get(URI.create(check.url()), check.requestTimeout());
        } catch (IOException e) {
            return new CheckResult.NotYet(check.name(), "GET " + shown(check.url()) + ": " + e.getMessage());
        }
        if (response.statusCode() != check.expectStatus()) {
            return new CheckResult.NotYet(check.name(), "GET " + shown(check.url()) + " answered "
                    + response.statusCode() + ", expected " + check.expectStatus());
        }
        if (check.bodyMatches().isPresent()) {
            String body = new String(response.body(), 0, Math.min(MAX_BODY, response.body().length),
                    StandardCharsets.UTF_8);
            if (!check.bodyMatches().get().matcher(body).find()) {
                return new CheckResult.NotYet(check.name(), "GET " + shown(check.url()) + ": body does not match /"
                        + check.bodyMatches().get().pattern() + "/");
            }
        }
        return new CheckResult.Passed(check.name(), "GET " + shown(check.url()) + " answered "
                + response.statusCode());
    }

    private CheckResult prometheus(Check.Prometheus check) {
        String base = check.url().endsWith("/") ? check.url() : check.url() + "/";
        URI uri = URI.create(base + "api/v1/query?query=" + URLEncoder.encode(check.query(), StandardCharsets.UTF_8));
        JsonNode answer;
        try {
            HttpResponse<byte[]> response = get(uri, Duration.ofSeconds(5));
            if (response.statusCode() != 200) {
                return new CheckResult.NotYet(check.name(), "Prometheus at " + shown(check.url()) + " answered "
                        + response.statusCode());
            }
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            return new CheckResult.NotYet(check.name(), "Prometheus at " + shown(check.url()) + ": "
                    + e.getMessage());
        }
        return PrometheusAnswer.judge(check, answer);
    }

    private HttpResponse<byte[]> get(URI uri, Duration timeout) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            return retry.executeCallable(() -> http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
        } catch (IOException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (Exception e) {
            throw new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }

    /** The URL without query or fragment, which may carry tokens. */
    static String shown(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', '#'}) {
            int at = url.indexOf(c);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        return url.substring(0, cut);
    }
}
