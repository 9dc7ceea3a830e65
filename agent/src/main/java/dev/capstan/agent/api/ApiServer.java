package dev.capstan.agent.api;

import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.ApiConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agent's HTTP server: HTTPS when a certificate is configured, slow clients cut off (see {@link SlowClients}),
 * listening on the configured address. Blocking until it listens.
 */
public final class ApiServer {
    private static final Duration HEADER_DEADLINE = Duration.ofSeconds(10);
    private static final Duration REQUEST_DEADLINE = Duration.ofSeconds(30);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final long LISTEN_SECONDS = 30;

    private ApiServer() {
    }

    /** Serves {@code routes} on {@code http}'s address; fails when it cannot listen within 30 s. */
    public static HttpServer listen(Vertx vertx, AgentConfig.Http http, ApiConfig api,
                                    Handler<HttpServerRequest> routes)
            throws ExecutionException, TimeoutException, InterruptedException {
        SlowClients slowClients = new SlowClients(vertx, HEADER_DEADLINE, REQUEST_DEADLINE);
        return vertx.createHttpServer(options(api))
                .connectionHandler(slowClients::connected)
                .requestHandler(slowClients.guard(routes))
                .listen(http.port(), http.host())
                .toCompletionStage().toCompletableFuture().get(LISTEN_SECONDS, TimeUnit.SECONDS);
    }

    /** HTTPS with the configured PEM certificate and key, else plain HTTP. */
    private static HttpServerOptions options(ApiConfig api) {
        // A connection that says nothing for this long is closed (slow clients: see SlowClients).
        HttpServerOptions options = new HttpServerOptions().setIdleTimeout((int) IDLE_TIMEOUT.toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
        api.tls().ifPresent(tls -> options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString())));
        return options;
    }
}
