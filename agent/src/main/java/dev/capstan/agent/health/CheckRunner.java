package dev.capstan.agent.health;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.agent.config.AddressPolicy;
import dev.capstan.agent.config.Check;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one evaluation of a declared check over HTTP: a smoke GET, or a Prometheus instant query. Everything about a
 * check comes from git, so: the host must pass the {@link AddressPolicy} (no metadata service, no agent API), an
 * evaluation never outlives the deadline it is given (the gate's step timeout), bodies are read up to a limit and
 * matched in linear time (RE2/J), and results carry a status and a fixed reason, never the remote body. A transport
 * error is retried twice, quickly (Resilience4j), then reported as not-yet. URLs are shown without their query (it
 * may hold tokens). Blocking.
 */
public final class CheckRunner {
    static final int MAX_SMOKE_BODY = 64 * 1024;
    static final int MAX_PROMETHEUS_BODY = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Retry retry = Retry.of("health-check", RetryConfig.custom().maxAttempts(3)
            .waitDuration(Duration.ofMillis(100)).retryExceptions(IOException.class).build());
    private final AddressPolicy addresses;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    public CheckRunner(AddressPolicy addresses) {
        this.addresses = addresses;
    }

    /** One evaluation, given up at {@code deadlineNanos} ({@link System#nanoTime()}) whatever the remote does. */
    public CheckResult run(Check check, long deadlineNanos) {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            return new CheckResult.NotYet(check.name(), "no time left in the step");
        }
        Future<CheckResult> evaluation = threads.submit(() -> evaluate(check, deadlineNanos));
        try {
            return evaluation.get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            evaluation.cancel(true);
            return new CheckResult.NotYet(check.name(), "no answer before the step's deadline");
        } catch (InterruptedException e) {
            evaluation.cancel(true);
            Thread.currentThread().interrupt();
            return new CheckResult.NotYet(check.name(), "interrupted");
        } catch (ExecutionException e) {
            return new CheckResult.NotYet(check.name(), "the check could not run (" + e.getCause().getClass()
                    .getSimpleName() + ")");
        }
    }

    private CheckResult evaluate(Check check, long deadlineNanos) {
        return switch (check) {
            case Check.Http smoke -> smoke(smoke, deadlineNanos);
            case Check.Prometheus query -> prometheus(query, deadlineNanos);
        };
    }

    private CheckResult smoke(Check.Http check, long deadlineNanos) {
        String shown = "GET " + shown(check.url());
        Optional<String> refused = addresses.refusal(URI.create(check.url()).getHost());
        if (refused.isPresent()) {
            return new CheckResult.Failed(check.name(), shown + ": " + refused.get());
        }
        Answer answer;
        try {
            answer = get(URI.create(check.url()), timeout(check.requestTimeout(), deadlineNanos), MAX_SMOKE_BODY);
        } catch (IOException e) {
            return new CheckResult.NotYet(check.name(), shown + ": " + transport(e));
        }
        if (answer.status() != check.expectStatus()) {
            return new CheckResult.WrongAnswer(check.name(), shown + " answered " + answer.status() + ", expected "
                    + check.expectStatus());
        }
        if (check.bodyMatches().isPresent()) {
            String body = new String(answer.body(), StandardCharsets.UTF_8);
            if (!check.bodyMatches().get().matcher(body).find()) {
                return new CheckResult.WrongAnswer(check.name(), shown + ": body does not match /"
                        + check.bodyMatches().get().pattern() + "/");
            }
        }
        return new CheckResult.Passed(check.name(), shown + " answered " + answer.status());
    }

    private CheckResult prometheus(Check.Prometheus check, long deadlineNanos) {
        String shown = "Prometheus at " + shown(check.url());
        Optional<String> refused = addresses.refusal(URI.create(check.url()).getHost());
        if (refused.isPresent()) {
            return new CheckResult.Failed(check.name(), shown + ": " + refused.get());
        }
        String base = check.url().endsWith("/") ? check.url() : check.url() + "/";
        URI uri = URI.create(base + "api/v1/query?query=" + URLEncoder.encode(check.query(), StandardCharsets.UTF_8));
        JsonNode json;
        try {
            Answer answer = get(uri, timeout(Duration.ofSeconds(5), deadlineNanos), MAX_PROMETHEUS_BODY);
            if (answer.status() != 200) {
                return new CheckResult.NotYet(check.name(), shown + " answered " + answer.status());
            }
            if (answer.truncated()) {
                return new CheckResult.NotYet(check.name(), shown + ": the answer is larger than "
                        + MAX_PROMETHEUS_BODY / 1024 + " KiB (aggregate the query)");
            }
            json = JSON.readTree(answer.body());
        } catch (JacksonException e) {
            return new CheckResult.NotYet(check.name(), shown + ": the answer is not Prometheus API JSON");
        } catch (IOException e) {
            return new CheckResult.NotYet(check.name(), shown + ": " + transport(e));
        }
        return PrometheusAnswer.judge(check, json);
    }

    private record Answer(int status, byte[] body, boolean truncated) {
    }

    /** GET, reading at most {@code maxBody} bytes of the body. */
    private Answer get(URI uri, Duration timeout, int maxBody) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            return retry.executeCallable(() -> {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    byte[] bytes = body.readNBytes(maxBody);
                    boolean truncated = bytes.length == maxBody && body.read() >= 0;
                    return new Answer(response.statusCode(), bytes, truncated);
                }
            });
        } catch (IOException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (Exception e) {
            throw new IOException(e.getClass().getSimpleName(), e);
        }
    }

    private static Duration timeout(Duration wanted, long deadlineNanos) {
        long left = Math.max(1_000_000, deadlineNanos - System.nanoTime());
        return wanted.toNanos() < left ? wanted : Duration.ofNanos(left);
    }

    /** A transport error in a few words; never more than a short line. */
    private static String transport(IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 160 ? message.substring(0, 160) + "..." : message;
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
