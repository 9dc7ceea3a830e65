package dev.capstan.agent.api;

import dev.capstan.agent.config.ApiConfig;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.sync.AgentRole;
import dev.capstan.agent.sync.RepoStatus;
import dev.capstan.agent.sync.Shards;
import dev.capstan.agent.sync.StatusBoard;
import dev.capstan.agent.sync.UnitActions;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.agent.webhook.WebhookRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The HTTP routes. Handlers only read in-memory state: nothing here blocks the event loop. */
public final class HttpApi {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpApi.class);
    private HttpApi() {
    }

    public static Router router(Vertx vertx, StatusBoard board, PrometheusMeterRegistry metrics,
                                WebhookRoutes webhooks, UnitActions actions, Runnable syncNow,
                                ApiConfig api, java.util.Optional<ApiTokens> tokens,
                                java.util.Optional<ShardViews> views) {
        Router router = Router.router(vertx);
        router.route().handler(new Access(tokens, api, metrics));
        router.route().failureHandler(HttpApi::failed);
        router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
        router.get("/readyz").handler(ctx -> {
            boolean ready = board.ready();
            json(ctx, ready ? 200 : 503, new JsonObject().put("status", ready ? "ready" : "starting"));
        });
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape()));
        router.get("/api/status").handler(ctx -> json(ctx, 200, status(board, views)));
        // Who the caller is, for the page to offer only the actions its role allows ("open": no tokens configured).
        router.get("/api/whoami").handler(ctx -> json(ctx, 200, new JsonObject()
                .put("name", (String) ctx.get("caller")).put("role", ctx.get("role", "open"))));
        WebPage.mount(router);
        DriftApi.mount(router, board, views);
        ReleasesApi.mount(router, board);
        ActionsApi.mount(router, actions, syncNow, board);
        IncidentsApi.mount(router, board);
        webhooks.mount(router);
        router.route().last().handler(ctx -> json(ctx, 404, new JsonObject().put("error", "not found")));
        return router;
    }

    /** With sharding, the other shards' units come from the views their holders published. */
    static JsonObject status(StatusBoard board, java.util.Optional<ShardViews> views) {
        RepoStatus repo = board.repo();
        JsonObject repoJson = new JsonObject()
                .put("commit", repo.commit().orElse(null))
                .put("remote", repo.remote().name())
                .put("error", repo.error().orElse(null))
                .put("lastFetch", repo.lastFetch().toString())
                .put("lastSuccess", repo.lastSuccess().toString());
        java.util.Map<String, JsonObject> byId = new java.util.TreeMap<>();
        board.units().values().forEach(outcome -> byId.put(outcome.unit(), unit(outcome)));
        views.ifPresent(v -> v.others().forEach((id, other) -> byId.putIfAbsent(id, other.status().copy()
                .put("shard", other.shard()).put("holder", other.holder()))));
        JsonArray units = new JsonArray(new java.util.ArrayList<>(byId.values()));
        AgentRole.Leadership leadership = board.leadership();
        JsonObject agent = new JsonObject().put("role", !leadership.ha() ? "single" : leadership.leader() ? "leader"
                : "standby").put("identity", leadership.identity())
                .put("leader", leadership.currentLeader().isEmpty() ? null : leadership.currentLeader());
        Shards shards = board.role().shards();
        if (shards.count() > 1) {
            agent.put("shards", new JsonObject().put("count", shards.count())
                    .put("held", new JsonArray(java.util.List.copyOf(shards.held()))));
        }
        return new JsonObject().put("agent", agent).put("repo", repoJson).put("units", units);
    }

    static JsonObject unit(UnitOutcome outcome) {
        JsonObject json = new JsonObject().put("unit", outcome.unit()).put("commit", outcome.commit())
                .put("at", outcome.at().toString());
        return switch (outcome) {
            case UnitOutcome.Synced s -> json.put("state", "Synced").put("objects", s.objects())
                    .put("digest", s.digest()).put("revision", s.revision());
            case UnitOutcome.Failed f -> json.put("state", "Failed").put("stage", f.stage().name())
                    .put("message", f.message());
            case UnitOutcome.Held h -> json.put("state", h.hold() == Release.Hold.PINNED
                    ? "Pinned" : "Quarantined").put("revision", h.revision()).put("message", h.message());
            case UnitOutcome.Progressing p -> json.put("state", "Progressing").put("phase", p.phase());
            case UnitOutcome.Waiting w -> json.put("state", "Waiting").put("message", w.reason());
            case UnitOutcome.Removed r -> json.put("state", "Removed").put("message", r.message())
                    .put("prune", r.prune()).put("leftoverObjects", r.leftovers().size())
                    .put("leftovers", new JsonArray(r.leftovers().stream().limit(100).toList()));
        };
    }

    /**
     * Whatever failed in a handler (a body over its limit, an exception) is answered as JSON with its status, never a
     * bare 500 page; an exception is logged by class and route only.
     */
    private static void failed(RoutingContext ctx) {
        int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
        if (ctx.failure() != null) {
            LOG.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(),
                    ctx.failure().getClass().getName());
        }
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        if (ctx.response().headWritten()) {
            ctx.request().connection().close();
            return;
        }
        String error = switch (status) {
            case 413 -> "request body too large";
            case 400 -> "bad request";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 500 -> "internal error; the agent logged it";
            default -> "request failed";
        };
        json(ctx, status, new JsonObject().put("error", error));
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
