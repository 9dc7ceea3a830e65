package dev.capstan.agent.api;

import dev.capstan.agent.sync.StatusBoard;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The HTTP routes. Handlers only read the status board: nothing here blocks the event loop. */
public final class HttpApi {
    private HttpApi() {
    }

    public static Router router(Vertx vertx, StatusBoard board) {
        Router router = Router.router(vertx);
        router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
        router.get("/readyz").handler(ctx -> {
            boolean ready = board.ready();
            json(ctx, ready ? 200 : 503, new JsonObject().put("status", ready ? "ready" : "starting"));
        });
        router.route().last().handler(ctx -> json(ctx, 404, new JsonObject().put("error", "not found")));
        return router;
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
