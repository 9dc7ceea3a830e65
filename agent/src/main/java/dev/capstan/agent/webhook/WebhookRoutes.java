package dev.capstan.agent.webhook;

import dev.capstan.agent.config.WebhookConfig;
import dev.capstan.agent.config.WebhookConfig.Provider;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/{github,gitlab,gitea,generic}}: rate limited (429), body at most 1 MiB (413), then the
 * {@link WebhookProcessor}. Replies at once; an accepted push only triggers the sync loop, which fetches afterwards.
 */
public final class WebhookRoutes {
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);

    private final WebhookProcessor processor;
    private final Runnable fetchNow;
    private final RateLimiter rateLimiter;
    private final MeterRegistry metrics;

    public WebhookRoutes(WebhookProcessor processor, Runnable fetchNow, WebhookConfig config, MeterRegistry metrics) {
        this.processor = processor;
        this.fetchNow = fetchNow;
        this.metrics = metrics;
        // The configured providers' series exist from the start: a dashboard sees 0, not "no data".
        for (Provider provider : config.secrets().keySet()) {
            for (String result : java.util.List.of("accepted", "ignored", "rejected", "rate_limited")) {
                Counter.builder("capstan_webhooks_total").description("Webhook deliveries by provider and result")
                        .tag("provider", provider.path()).tag("result", result).register(metrics);
            }
        }
        this.rateLimiter = RateLimiter.of("webhooks", RateLimiterConfig.custom()
                .limitForPeriod(config.maxRequestsPerSecond())
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build());
    }

    public void mount(Router router) {
        router.post("/webhooks/:provider")
                .handler(new RateLimit())
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(this::deliver);
    }

    /** Runs before the body is read (a platform handler, in Vert.x Web's order), so a flood costs little. */
    private final class RateLimit implements PlatformHandler {
        @Override
        public void handle(RoutingContext ctx) {
            if (rateLimiter.acquirePermission()) {
                ctx.next();
            } else {
                count(ctx.pathParam("provider"), "rate_limited");
                reply(ctx, 429, new JsonObject().put("error", "too many webhook deliveries; retry later"));
            }
        }
    }

    private void deliver(RoutingContext ctx) {
        Optional<Provider> provider = Arrays.stream(Provider.values())
                .filter(p -> p.path().equals(ctx.pathParam("provider").toLowerCase(Locale.ROOT))).findFirst();
        if (provider.isEmpty()) {
            reply(ctx, 404, new JsonObject().put("error", "unknown webhook provider"));
            return;
        }
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        WebhookProcessor.Decision decision = processor.handle(provider.get(), ctx.request()::getHeader, body);
        count(provider.get().path(), decision.result());
        if (decision.fetch()) {
            fetchNow.run();
        }
        if (decision.status() == 401 || decision.status() == 400) {
            LOG.warn("webhook {} rejected: {}", provider.get().path(), decision.reason());
        }
        JsonObject answer = decision.status() >= 400
                ? new JsonObject().put("error", decision.reason())
                : new JsonObject().put("status", decision.result()).put("reason", decision.reason());
        reply(ctx, decision.status(), answer);
    }

    private void count(String provider, String result) {
        String bounded = Arrays.stream(Provider.values()).map(Provider::path).anyMatch(provider::equals)
                ? provider : "unknown";
        Counter.builder("capstan_webhooks_total").description("Webhook deliveries by provider and result")
                .tag("provider", bounded).tag("result", result).register(metrics).increment();
    }

    private static void reply(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
