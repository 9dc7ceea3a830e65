package dev.capstan.agent.api;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes connections that hold a slot without finishing a request: a client gets {@code headerDeadline} from
 * connecting (or from its last answer, on a kept-alive connection) to send a request's headers, and
 * {@code requestDeadline} from there until the answer is sent (a body trickled byte by byte counts against it).
 * Silent connections are closed by the server's idle timeout as well. Runs on the event loop: timers only.
 */
public final class SlowClients {
    private final Vertx vertx;
    private final long headerDeadlineMs;
    private final long requestDeadlineMs;
    private final Map<HttpConnection, Long> waitingForHeaders = new ConcurrentHashMap<>();

    public SlowClients(Vertx vertx, Duration headerDeadline, Duration requestDeadline) {
        this.vertx = vertx;
        this.headerDeadlineMs = headerDeadline.toMillis();
        this.requestDeadlineMs = requestDeadline.toMillis();
    }

    /** For {@code HttpServer.connectionHandler}. */
    public void connected(HttpConnection connection) {
        awaitHeaders(connection);
        connection.closeHandler(ignored -> cancel(connection));
    }

    /** Wraps the router: the headers came, so the request's own deadline starts. */
    public Handler<HttpServerRequest> guard(Handler<HttpServerRequest> router) {
        return request -> {
            HttpConnection connection = request.connection();
            cancel(connection);
            long timer = vertx.setTimer(requestDeadlineMs, id -> connection.close());
            request.response().endHandler(ignored -> {
                vertx.cancelTimer(timer);
                awaitHeaders(connection);
            });
            request.response().closeHandler(ignored -> vertx.cancelTimer(timer));
            router.handle(request);
        };
    }

    private void awaitHeaders(HttpConnection connection) {
        long timer = vertx.setTimer(headerDeadlineMs, id -> {
            waitingForHeaders.remove(connection);
            connection.close();
        });
        Long previous = waitingForHeaders.put(connection, timer);
        if (previous != null) {
            vertx.cancelTimer(previous);
        }
    }

    private void cancel(HttpConnection connection) {
        Long timer = waitingForHeaders.remove(connection);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
    }
}
