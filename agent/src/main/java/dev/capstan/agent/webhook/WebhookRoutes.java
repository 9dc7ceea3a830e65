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
 * {@code POST /webhooks/{github,gitlab,gitea,generic}}: body at most 1 MiB (413), then the {@link WebhookProcessor}.
 * Replies at once; an accepted push only triggers the sync loop, which fetches afterwards. Two budgets, so that a
 * flood of badly signed deliveries cannot crowd out the real ones: the deliveries whose signature holds share
 * {@code maxRequestsPerSecond} (429 past it); the others are refused (401) on a budget of their own and logged at most
 * once per {@value #LOG_WINDOW_SECONDS} s with a count of the rest. Before any body is read, each client address may
 * send ten times the budget (429 past it): a flood costs its sender, and little of the agent.
 */
public final class WebhookRoutes {
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);

    private final WebhookProcessor processor;
    private final Runnable fetchNow;
    static final int LOG_WINDOW_SECONDS = 10;
    private static final int ADDRESSES_TRACKED = 4096;

    private final RateLimiter signed;
    private final int perAddressPerSecond;
    private final java.util.Map<String, RateLimiter> perAddress = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong rejectedLogWindow = new java.util.concurrent.atomic
            .AtomicLong(Long.MIN_VALUE);
    private final java.util.concurrent.atomic.AtomicInteger rejectedUnlogged = new java.util.concurrent.atomic
            .AtomicInteger();
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
        this.signed = limiter(config.maxRequestsPerSecond());
        this.perAddressPerSecond = 10 * config.maxRequestsPerSecond();
    }

    private static RateLimiter limiter(int perSecond) {
        return RateLimiter.of("webhooks", RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
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
            String address = ctx.request().remoteAddress() == null ? "unknown"
                    : ctx.request().remoteAddress().hostAddress();
            if (perAddress.size() > ADDRESSES_TRACKED) {
                perAddress.clear(); // many senders: start their budgets again rather than grow without bound
            }
            if (perAddress.computeIfAbsent(address, a -> limiter(perAddressPerSecond)).acquirePermission()) {
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
        boolean signatureHeld = decision.status() != 401 && decision.status() != 404;
        if (signatureHeld && !signed.acquirePermission()) {
            count(provider.get().path(), "rate_limited");
            reply(ctx, 429, new JsonObject().put("error", "too many webhook deliveries; retry later"));
            return;
        }
        count(provider.get().path(), decision.result());
        if (decision.fetch()) {
            fetchNow.run();
        }
        if (decision.status() == 401 || decision.status() == 400) {
            logRejected(provider.get(), decision.reason());
        }
        JsonObject answer = decision.status() >= 400
                ? new JsonObject().put("error", decision.reason())
                : new JsonObject().put("status", decision.result()).put("reason", decision.reason());
        reply(ctx, decision.status(), answer);
    }

    /** One line per window at most, saying how many more were refused: a flood does not flood the log. */
    private void logRejected(Provider provider, String reason) {
        long window = System.nanoTime() / Duration.ofSeconds(LOG_WINDOW_SECONDS).toNanos();
        long logged = rejectedLogWindow.get();
        if (logged != window && rejectedLogWindow.compareAndSet(logged, window)) {
            int more = rejectedUnlogged.getAndSet(0);
            LOG.warn("webhook {} rejected: {}{}", provider.path(), reason, more == 0 ? ""
                    : " (and " + more + " more rejected deliveries in the last " + LOG_WINDOW_SECONDS + " s)");
        } else {
            rejectedUnlogged.incrementAndGet();
        }
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
