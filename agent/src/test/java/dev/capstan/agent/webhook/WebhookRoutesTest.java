package dev.capstan.agent.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.config.SecretRef;
import dev.capstan.agent.config.WebhookConfig;
import dev.capstan.agent.config.WebhookConfig.Provider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook routes over real HTTP on loopback: limits and status codes as a provider sees them. */
class WebhookRoutesTest {
    private static final String SECRET = "s3cret";
    private static final String PUSH = "{\"ref\":\"refs/heads/main\",\"after\":\"abc\"}";

    private final AtomicInteger fetches = new AtomicInteger();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        WebhookConfig config = new WebhookConfig(Map.of(Provider.GENERIC, new SecretRef.FromFile(Path.of("x"))), 5);
        WebhookProcessor processor = new WebhookProcessor("main",
                p -> p == Provider.GENERIC ? Optional.of(SECRET) : Optional.empty());
        Router router = Router.router(vertx);
        new WebhookRoutes(processor, fetches::incrementAndGet, config, metrics).mount(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anAcceptedPushIsAnsweredThenFetched() throws Exception {
        HttpResponse<String> response = post("generic", PUSH, sign(PUSH));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).contains("\"status\":\"accepted\"");
        assertThat(fetches).hasValue(1);
        assertThat(metrics.get("capstan_webhooks_total").tag("result", "accepted").counter().count()).isEqualTo(1);
    }

    @Test
    void aBadSignatureIs401AndFetchesNothing() throws Exception {
        HttpResponse<String> response = post("generic", PUSH, "sha256=" + "0".repeat(64));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"error\":\"signature missing or wrong\"}");
        assertThat(fetches).hasValue(0);
    }

    @Test
    void aBodyOverOneMebibyteIs413() throws Exception {
        String huge = "{\"ref\":\"refs/heads/main\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}";

        assertThat(post("generic", huge, sign(huge)).statusCode()).isEqualTo(413);
        assertThat(fetches).hasValue(0);
    }

    @Test
    void signedDeliveriesShareTheBudgetAndAFloodOfBadSignaturesDoesNotTakeIt() throws Exception {
        int refused = 0;
        for (int i = 0; i < 30; i++) {
            if (post("generic", "{}", "sha256=" + "0".repeat(64)).statusCode() == 401) {
                refused++;
            }
        }
        assertThat(refused).as("under the per-address cap, each refused for its signature").isEqualTo(30);
        assertThat(post("generic", PUSH, sign(PUSH)).statusCode()).as("the real one still gets through")
                .isEqualTo(202);

        long limited = atOnce(12, PUSH, sign(PUSH)).stream().filter(status -> status == 429).count();
        assertThat(limited).as("12 signed deliveries at once, 5 a second").isGreaterThanOrEqualTo(6);
        assertThat(fetches.get()).isLessThanOrEqualTo(7);
    }

    @Test
    void oneAddressFloodingPastTenTimesTheBudgetIsCutOffBeforeItsBodiesAreRead() throws Exception {
        long limited = atOnce(120, "{}", "x").stream().filter(status -> status == 429).count();

        assertThat(limited).as("120 at once, 50 a second from one address").isGreaterThanOrEqualTo(60);
        assertThat(metrics.get("capstan_webhooks_total").tag("result", "rate_limited").counter().count())
                .isEqualTo(limited);
    }

    @Test
    void unknownAndUnconfiguredProvidersAre404() throws Exception {
        assertThat(post("bitbucket", PUSH, sign(PUSH)).statusCode()).isEqualTo(404);
        assertThat(post("github", PUSH, sign(PUSH)).statusCode()).isEqualTo(404);
    }

    /** {@code count} deliveries sent together; their statuses. */
    private java.util.List<Integer> atOnce(int count, String body, String signature) {
        java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sent = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(http.sendAsync(request("generic", body, signature), HttpResponse.BodyHandlers.ofString()));
        }
        return sent.stream().map(java.util.concurrent.CompletableFuture::join).map(HttpResponse::statusCode).toList();
    }

    private HttpRequest request(String provider, String body, String signature) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/webhooks/" + provider))
                .header("X-Capstan-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> post(String provider, String body, String signature) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
                        + "/webhooks/" + provider))
                .header("X-Capstan-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String sign(String body) {
        return "sha256=" + HexFormat.of().formatHex(Signatures.hmac(SECRET, body.getBytes(StandardCharsets.UTF_8)));
    }
}
