package dev.capstan.agent.api;

import dev.capstan.agent.release.Release;
import dev.capstan.agent.sync.StatusBoard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/** {@code GET /api/releases} and {@code GET /api/releases/{chart}/{env}}: release history, from the board's copy. */
final class ReleasesApi {
    private ReleasesApi() {
    }

    static void mount(Router router, StatusBoard board) {
        router.get("/api/releases").handler(ctx -> answer(ctx, board.releases()));
        router.get("/api/releases/:chart/:env").handler(ctx -> {
            String unit = ctx.pathParam("chart") + "/" + ctx.pathParam("env");
            List<Release> history = board.releases().get(unit);
            if (history == null) {
                ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("error", "no releases of " + unit).encode());
                return;
            }
            answer(ctx, Map.of(unit, history));
        });
    }

    /** Drift healed while the revision was deployed: when, which object and fields, changed by whom. */
    private static JsonArray corrections(Release release) {
        JsonArray corrections = new JsonArray();
        release.corrections().forEach(c -> corrections.add(new JsonObject().put("at", c.at().toString())
                .put("object", c.object()).put("fields", new JsonArray(c.fields()))
                .put("changedBy", c.changedBy().isEmpty() ? null : c.changedBy())));
        return corrections;
    }

    private static void answer(RoutingContext ctx, Map<String, List<Release>> histories) {
        JsonArray units = new JsonArray();
        histories.forEach((unit, history) -> {
            JsonArray revisions = new JsonArray();
            history.forEach(r -> revisions.add(new JsonObject()
                    .put("revision", r.revision()).put("commit", r.commit())
                    .put("chartVersion", r.chartVersion()).put("appVersion", r.appVersion())
                    .put("status", r.status().label()).put("startedAt", r.startedAt().toString())
                    .put("updatedAt", r.updatedAt().toString()).put("digest", r.digest())
                    .put("message", r.message().isEmpty() ? null : r.message())
                    .put("phase", r.phase().isEmpty() ? null : r.phase())
                    .put("failingChecks", r.failingChecks().isEmpty() ? null : new JsonArray(r.failingChecks()))
                    .put("rollbackTo", r.rollbackTo() == 0 ? null : r.rollbackTo())
                    .put("hold", r.hold() == Release.Hold.NONE ? null : r.hold().label())
                    .put("corrections", r.corrections().isEmpty() ? null : corrections(r))
                    .put("author", r.origin().author().isEmpty() ? null : r.origin().author())
                    .put("subject", r.origin().subject().isEmpty() ? null : r.origin().subject())
                    .put("by", r.origin().by().isEmpty() ? null : r.origin().by())));
            units.add(new JsonObject().put("unit", unit).put("releases", revisions));
        });
        ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("units", units)
                .encode());
    }
}
