package dev.capstan.agent.api;

import dev.capstan.agent.drift.FieldChange;
import dev.capstan.agent.drift.ObjectVerdict;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.sync.StatusBoard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code GET /api/drift} and {@code GET /api/drift/{chart}/{env}}: the last drift check as JSON, or with
 * {@code ?format=diff} as a unified diff of the owned fields' YAML. Reads the status board and, with sharding,
 * the other shards' published views.
 */
final class DriftApi {
    private DriftApi() {
    }

    /** A unit's drift as served: its JSON and its unified diff. */
    private record Served(JsonObject json, String diff) {
    }

    static void mount(Router router, StatusBoard board, Optional<ShardViews> views) {
        router.get("/api/drift").handler(ctx -> answer(ctx, served(board, views).values()));
        router.get("/api/drift/:chart/:env").handler(ctx -> {
            Served drift = one(board, views, ctx.pathParam("chart") + "/" + ctx.pathParam("env"));
            if (drift == null) {
                ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("error", "no unit " + ctx.pathParam("chart") + "/"
                                + ctx.pathParam("env")).encode());
                return;
            }
            answer(ctx, List.of(drift));
        });
    }

    /** This replica's units' drift, and with sharding the other shards' as their holders published it. */
    private static Map<String, Served> served(StatusBoard board, Optional<ShardViews> views) {
        Map<String, Served> byId = new TreeMap<>();
        board.drift().values().forEach(d -> byId.put(d.unit(), new Served(json(d), d.diff())));
        views.ifPresent(v -> v.others().forEach((id, other) -> other.drift().ifPresent(drift ->
                byId.putIfAbsent(id, new Served(drift, other.diff())))));
        return byId;
    }

    private static Served one(StatusBoard board, Optional<ShardViews> views, String unit) {
        UnitDrift mine = board.drift().get(unit);
        if (mine != null) {
            return new Served(json(mine), mine.diff());
        }
        return views.flatMap(v -> Optional.ofNullable(v.others().get(unit)))
                .flatMap(other -> other.drift().map(drift -> new Served(drift, other.diff()))).orElse(null);
    }

    private static void answer(RoutingContext ctx, Collection<Served> drifts) {
        String format = ctx.queryParams().get("format");
        if ("diff".equals(format)) {
            StringBuilder diff = new StringBuilder();
            drifts.forEach(d -> diff.append(d.diff()));
            ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(diff.toString());
            return;
        }
        if (format != null && !format.equals("json")) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", "format must be json or diff").encode());
            return;
        }
        JsonArray units = new JsonArray();
        drifts.forEach(d -> units.add(d.json()));
        ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("units", units)
                .encode());
    }

    static JsonObject json(UnitDrift drift) {
        JsonArray objects = new JsonArray();
        for (ObjectVerdict verdict : drift.objects()) {
            ObjectKey key = verdict.key();
            JsonObject object = new JsonObject().put("apiVersion", key.apiVersion()).put("kind", key.kind())
                    .put("namespace", key.namespace()).put("name", key.name()).put("verdict", verdict.name());
            if (verdict instanceof ObjectVerdict.Modified modified) {
                JsonArray changes = new JsonArray();
                for (FieldChange change : modified.changes()) {
                    changes.add(new JsonObject().put("path", change.path()).put("live", change.live())
                            .put("desired", change.desired()));
                }
                object.put("changes", changes);
            }
            objects.add(object);
        }
        String[] parts = drift.unit().split("/", 2);
        return new JsonObject().put("unit", drift.unit()).put("chart", parts[0]).put("env", parts[1])
                .put("commit", drift.commit()).put("checkedAt", drift.checkedAt().toString())
                .put("state", drift.state().name()).put("reason", drift.reason().isEmpty() ? null : drift.reason())
                .put("objects", objects);
    }
}
