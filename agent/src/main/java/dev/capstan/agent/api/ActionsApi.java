package dev.capstan.agent.api;

import dev.capstan.agent.sync.AgentRole;
import dev.capstan.agent.sync.Shards;
import dev.capstan.agent.sync.StatusBoard;
import dev.capstan.agent.sync.UnitActions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code POST /api/sync}, {@code POST /api/releases/{chart}/{env}/rollback} (optional {@code {"revision": N}}) and
 * {@code POST /api/releases/{chart}/{env}/resume}. The request is checked against in-memory state on the event loop;
 * the work itself is queued on the unit's worker and the answer is 202.
 */
final class ActionsApi {
    private static final long MAX_BODY = 4 * 1024;

    private ActionsApi() {
    }

    static void mount(Router router, UnitActions actions, Runnable syncNow, StatusBoard board) {
        // Only the leader acts; a standby says who does.
        router.post("/api/*").handler(ctx -> {
            AgentRole.Leadership leadership = board.leadership();
            if (leadership.ha() && !leadership.leader()) {
                HttpApi.json(ctx, 503, new JsonObject().put("error", "this replica (" + leadership.identity()
                        + ") is a standby; the leader is " + (leadership.currentLeader().isEmpty() ? "not known yet"
                        : leadership.currentLeader())));
            } else {
                ctx.next();
            }
        });
        router.post("/api/sync").handler(ctx -> {
            syncNow.run();
            HttpApi.json(ctx, 202, new JsonObject().put("status", "sync requested"));
        });
        // Sharded: a unit is acted on by the replica that holds its shard; any other says which replica that is.
        router.post("/api/releases/:chart/:env/*").handler(ctx -> {
            Shards shards = board.role().shards();
            String unit = ctx.pathParam("chart") + "/" + ctx.pathParam("env");
            if (shards.owns(unit)) {
                ctx.next();
                return;
            }
            int shard = shards.shardOfUnit(unit);
            String holder = shards.holderOfUnit(unit).orElse("");
            HttpApi.json(ctx, 409, new JsonObject().put("error", "unit " + unit
                    + " is on shard " + shard + ", which " + (holder.isEmpty() ? "no replica holds yet"
                    : "replica " + holder + " holds: send it there")).put("shard", shard)
                    .put("holder", holder.isEmpty() ? null : holder));
        });
        router.post("/api/releases/:chart/:env/*").handler(BodyHandler.create().setBodyLimit(MAX_BODY));
        router.post("/api/releases/:chart/:env/rollback").handler(ctx -> {
            Optional<Integer> revision;
            try {
                revision = revision(ctx);
            } catch (IllegalArgumentException e) {
                HttpApi.json(ctx, 400, new JsonObject().put("error", e.getMessage()));
                return;
            }
            String caller = ctx.get("caller");
            String by = caller == null ? "the open API" : "token " + caller;
            answer(ctx, () -> actions.rollback(ctx.pathParam("chart"), ctx.pathParam("env"), revision, by));
        });
        router.post("/api/releases/:chart/:env/resume").handler(ctx -> answer(ctx,
                () -> actions.resume(ctx.pathParam("chart"), ctx.pathParam("env"))));
    }

    /** The revision from the JSON body ({@code {"revision": 3}}) or the query ({@code ?revision=3}), if any. */
    static Optional<Integer> revision(RoutingContext ctx) {
        String query = ctx.queryParams().get("revision");
        if (query != null) {
            return Optional.of(positive(query));
        }
        if (ctx.body() == null || ctx.body().length() == 0) {
            return Optional.empty();
        }
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("body: expected a JSON object like {\"revision\": 3}");
        }
        if (body == null || !body.containsKey("revision")) {
            return Optional.empty();
        }
        Object value = body.getValue("revision");
        if (!(value instanceof Integer || value instanceof Long)) {
            throw new IllegalArgumentException("revision: expected a positive integer, found " + value);
        }
        return Optional.of(positive(value.toString()));
    }

    private static int positive(String text) {
        try {
            int revision = Integer.parseInt(text.strip());
            if (revision > 0) {
                return revision;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("revision: expected a positive integer, found '" + text + "'");
    }

    private static void answer(RoutingContext ctx, Supplier<UnitActions.Answer> call) {
        switch (call.get()) {
            case UnitActions.Answer.Accepted accepted -> HttpApi.json(ctx, 202, new JsonObject()
                    .put("status", accepted.message()));
            case UnitActions.Answer.Refused refused -> HttpApi.json(ctx, refused.status(), new JsonObject()
                    .put("error", refused.message()));
        }
    }
}
