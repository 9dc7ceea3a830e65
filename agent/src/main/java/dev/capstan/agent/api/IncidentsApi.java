package dev.capstan.agent.api;

import dev.capstan.agent.observe.Incident;
import dev.capstan.agent.observe.IncidentMarkdown;
import dev.capstan.agent.sync.StatusBoard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Optional;

/**
 * {@code GET /api/incidents} (every incident, newest last) and {@code GET /api/incidents/{id}} (one; with
 * {@code ?format=markdown} the post-mortem draft). From the board's copy: nothing here blocks.
 */
final class IncidentsApi {
    private IncidentsApi() {
    }

    static void mount(Router router, StatusBoard board) {
        router.get("/api/incidents").handler(ctx -> {
            JsonArray all = new JsonArray();
            board.incidents().forEach(i -> all.add(json(i)));
            HttpApi.json(ctx, 200, new JsonObject().put("incidents", all));
        });
        router.get("/api/incidents/:id").handler(ctx -> {
            Optional<Incident> incident = board.incidents().stream()
                    .filter(i -> i.id().equals(ctx.pathParam("id"))).findFirst();
            if (incident.isEmpty()) {
                HttpApi.json(ctx, 404, new JsonObject().put("error", "no incident " + ctx.pathParam("id")));
            } else if ("markdown".equals(ctx.queryParams().get("format"))) {
                ctx.response().putHeader("Content-Type", "text/markdown; charset=utf-8")
                        .end(IncidentMarkdown.render(incident.get()));
            } else {
                HttpApi.json(ctx, 200, json(incident.get()));
            }
        });
    }

    static JsonObject json(Incident incident) {
        JsonArray timeline = new JsonArray();
        incident.timeline().forEach(e -> timeline.add(new JsonObject().put("at", e.at().toString())
                .put("event", e.event())));
        return new JsonObject()
                .put("id", incident.id()).put("unit", incident.unit()).put("status", incident.status())
                .put("openedAt", incident.openedAt().toString()).put("summary", incident.summary())
                .put("impact", incident.impact()).put("timeline", timeline)
                .put("signals", new JsonArray(incident.signals()))
                .put("commit", new JsonObject().put("sha", incident.commit())
                        .put("author", incident.commitInfo().author()).put("email", incident.commitInfo().email())
                        .put("authoredAt", incident.commitInfo().authoredAt().toString())
                        .put("message", incident.commitInfo().message()))
                .put("failedRevision", incident.failedRevision())
                .put("restoredRevision", incident.restoredRevision() == 0 ? null : incident.restoredRevision())
                .put("manifestDiff", incident.manifestDiff())
                .put("wentWell", new JsonArray(incident.wentWell()))
                .put("wentWrong", new JsonArray(incident.wentWrong()))
                .put("actionItems", new JsonArray(incident.actionItems()));
    }
}
