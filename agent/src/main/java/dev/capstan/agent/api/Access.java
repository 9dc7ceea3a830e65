package dev.capstan.agent.api;

import dev.capstan.agent.config.ApiConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The first handler of every request: rate limit, then who may call what. Probes (as configured) and the page's
 * static files (no data in them) are open; webhooks authenticate by signature in their own handler; {@code GET}
 * under {@code /api} needs a viewer token, {@code POST} a deployer. Without a tokens file everything is open. API
 * answers are never cached and never sniffed. No CORS headers: the API is not for other origins.
 */
final class Access implements Handler<RoutingContext> {
    private static final Set<String> PAGE = Set.of("/", "/app.js", "/app.css");

    private final Optional<ApiTokens> tokens;
    private final Set<String> open;
    private final RateLimiter limiter;

    Access(Optional<ApiTokens> tokens, ApiConfig config) {
        this.tokens = tokens;
        this.open = config.openEndpoints();
        this.limiter = RateLimiter.of("api", RateLimiterConfig.custom()
                .limitForPeriod(config.maxRequestsPerSecond()).limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO).build());
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.request().path();
        if (path.startsWith("/webhooks/")) {
            ctx.next();
            return;
        }
        if (path.startsWith("/api/")) {
            ctx.response().putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff");
        }
        Optional<Role> required = required(ctx.request().method(), path);
        if (required.isEmpty() || tokens.isEmpty()) {
            ctx.next();
            return;
        }
        if (!limiter.acquirePermission()) {
            HttpApi.json(ctx, 429, new JsonObject().put("error", "too many requests; retry later"));
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        Optional<ApiTokens.Caller> caller = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? tokens.get().authenticate(header.substring(7).strip()) : Optional.empty();
        if (caller.isEmpty()) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"capstan\"");
            HttpApi.json(ctx, 401, new JsonObject().put("error", "a valid bearer token is required"));
        } else if (!caller.get().role().allows(required.get())) {
            HttpApi.json(ctx, 403, new JsonObject().put("error", "token '" + caller.get().name() + "' has role "
                    + caller.get().role().name().toLowerCase(java.util.Locale.ROOT) + "; this needs "
                    + required.get().name().toLowerCase(java.util.Locale.ROOT)));
        } else {
            ctx.put("caller", caller.get().name());
            ctx.next();
        }
    }

    /** The role a request needs; empty when it is open. */
    Optional<Role> required(HttpMethod method, String path) {
        String probe = path.startsWith("/") ? path.substring(1) : path;
        if (open.contains(probe) || (method == HttpMethod.GET || method == HttpMethod.HEAD) && PAGE.contains(path)) {
            return Optional.empty();
        }
        if (path.startsWith("/api/") && method == HttpMethod.POST) {
            return Optional.of(Role.DEPLOYER);
        }
        return Optional.of(Role.VIEWER);
    }
}
