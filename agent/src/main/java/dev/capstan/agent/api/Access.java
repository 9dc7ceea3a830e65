package dev.capstan.agent.api;

import dev.capstan.agent.config.ApiConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every request. It refuses paths that are not canonical (so the path authorized is the path
 * the router dispatches), then decides who may call what, denying by default: the configured probes, the page's
 * static files ({@code GET}) and webhook deliveries ({@code POST /webhooks/<provider>}, which carry a signature
 * instead) are open; any other {@code GET}/{@code HEAD} needs a viewer token, any other method a deployer. Each
 * token has its own request budget; invalid tokens are counted, logged (never the token) and limited per
 * client address, so spraying tokens neither hides nor takes the budget of real callers. Without a tokens file
 * everything is open under one budget. API answers are never cached and never sniffed; no CORS headers.
 */
final class Access implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(Access.class);
    private static final Set<String> PAGE = Set.of("/", "/app.js", "/app.css");
    private static final String WEBHOOKS = "/webhooks/";
    static final int FAILURES_ALLOWED = 20;
    static final Duration FAILURE_WINDOW = Duration.ofSeconds(10);

    private final Optional<ApiTokens> tokens;
    private final SameOrigin sameOrigin;
    private final Set<String> open;
    private final int perSecond;
    private final RateLimiter anonymous;
    private final Map<String, RateLimiter> perCaller = new ConcurrentHashMap<>();
    private final FailedAuthentications failures = new FailedAuthentications(FAILURES_ALLOWED, FAILURE_WINDOW,
            System::nanoTime);
    private final Counter missing;
    private final Counter invalid;
    private final Counter limited;

    Access(Optional<ApiTokens> tokens, ApiConfig config, MeterRegistry metrics) {
        this.tokens = tokens;
        this.sameOrigin = new SameOrigin(config.hostNames());
        this.open = config.openEndpoints();
        this.perSecond = config.maxRequestsPerSecond();
        this.anonymous = limiter("api");
        String name = "capstan_api_auth_failures_total";
        String description = "Requests refused for want of a valid token, by reason";
        this.missing = Counter.builder(name).description(description).tag("reason", "missing").register(metrics);
        this.invalid = Counter.builder(name).description(description).tag("reason", "invalid").register(metrics);
        this.limited = Counter.builder(name).description(description).tag("reason", "rate_limited")
                .register(metrics);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.request().path();
        Optional<String> problem = CanonicalPath.problem(path);
        if (problem.isPresent()) {
            HttpApi.json(ctx, 400, new JsonObject().put("error", problem.get()));
            return;
        }
        if (path.startsWith("/api/")) {
            ctx.response().putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff");
        }
        Optional<Role> required = required(ctx.request().method(), path);
        if (required.isEmpty()) {
            ctx.next();
            return;
        }
        if (tokens.isEmpty()) {
            // Without tokens a browser can act alone: no foreign host names, no cross-site state changes.
            boolean changesState = !(ctx.request().method() == HttpMethod.GET
                    || ctx.request().method() == HttpMethod.HEAD) && !path.startsWith(WEBHOOKS);
            Optional<String> refused = sameOrigin.refusal(changesState, ctx.request().getHeader("Host"),
                    ctx.request().getHeader("Origin"), ctx.request().getHeader("Sec-Fetch-Site"),
                    ctx.request().getHeader("Content-Type"));
            if (refused.isPresent()) {
                HttpApi.json(ctx, changesState ? 403 : 421, new JsonObject().put("error", refused.get()));
                return;
            }
            if (anonymous.acquirePermission()) {
                ctx.next();
            } else {
                tooMany(ctx, "too many requests; retry later", Duration.ofSeconds(1));
            }
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        boolean bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
        Optional<ApiTokens.Caller> caller = bearer ? tokens.get().authenticate(header.substring(7).strip())
                : Optional.empty();
        if (caller.isEmpty()) {
            refuse(ctx, bearer);
        } else if (!caller.get().role().allows(required.get())) {
            HttpApi.json(ctx, 403, new JsonObject().put("error", "token '" + caller.get().name() + "' has role "
                    + caller.get().role().name().toLowerCase(Locale.ROOT) + "; this needs "
                    + required.get().name().toLowerCase(Locale.ROOT)));
        } else if (!perCaller.computeIfAbsent(caller.get().name(), this::limiter).acquirePermission()) {
            tooMany(ctx, "too many requests for token '" + caller.get().name() + "'; retry later",
                    Duration.ofSeconds(1));
        } else {
            ctx.put("caller", caller.get().name());
            ctx.put("role", caller.get().role().name().toLowerCase(Locale.ROOT));
            ctx.next();
        }
    }

    private void refuse(RoutingContext ctx, boolean presented) {
        if (!presented) {
            // No token at all (a page before its login, a probe): nothing is being guessed.
            missing.increment();
            unauthorized(ctx);
            return;
        }
        String address = ctx.request().remoteAddress() == null ? "unknown"
                : ctx.request().remoteAddress().hostAddress();
        FailedAuthentications.Verdict verdict = failures.failed(address);
        invalid.increment();
        if (verdict.firstInWindow()) {
            LOG.warn("API request from {} refused: invalid bearer token ({} {})", address, ctx.request().method(),
                    ctx.request().path());
        }
        if (verdict.limited()) {
            limited.increment();
            if (verdict.failuresInWindow() == FAILURES_ALLOWED + 1) {
                LOG.warn("API client {} failed to authenticate {} times within {}s: refused with 429 for {}s", address,
                        verdict.failuresInWindow(), FAILURE_WINDOW.toSeconds(), verdict.retryAfter().toSeconds() + 1);
            }
            tooMany(ctx, "too many failed authentications from this address; retry later", verdict.retryAfter());
            return;
        }
        unauthorized(ctx);
    }

    private static void unauthorized(RoutingContext ctx) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"capstan\"");
        HttpApi.json(ctx, 401, new JsonObject().put("error", "a valid bearer token is required"));
    }

    private static void tooMany(RoutingContext ctx, String message, Duration retryAfter) {
        ctx.response().putHeader("Retry-After", String.valueOf(Math.max(1, retryAfter.toSeconds() + 1)));
        HttpApi.json(ctx, 429, new JsonObject().put("error", message));
    }

    private RateLimiter limiter(String name) {
        return RateLimiter.of(name, RateLimiterConfig.custom().limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build());
    }

    /** The role a request on a canonical path needs; empty when it is open. Deny by default. */
    Optional<Role> required(HttpMethod method, String path) {
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (read && (PAGE.contains(path) || open.contains(path.substring(1)))) {
            return Optional.empty();
        }
        if (method == HttpMethod.POST && path.startsWith(WEBHOOKS) && path.indexOf('/', WEBHOOKS.length()) < 0
                && path.length() > WEBHOOKS.length()) {
            return Optional.empty();
        }
        return Optional.of(read ? Role.VIEWER : Role.DEPLOYER);
    }
}
