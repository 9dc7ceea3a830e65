package dev.capstan.agent.helm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The only "cluster" Helm's engine can reach from the render process: a loopback server that serves no resources.
 * Helm's {@code lookup} asks discovery for the kind (an empty list here) and then the object (404), and so returns an
 * empty map, as in Argo CD: a render stays pure whatever {@code KUBECONFIG} or service account the agent has.
 */
public final class NullApiServer implements AutoCloseable {
    private static final Pattern DISCOVERY = Pattern.compile("/api/v1|/apis/[a-z0-9.-]+/[a-z0-9]+");

    private final HttpServer server;
    private volatile int requests;

    private NullApiServer(HttpServer server) {
        this.server = server;
    }

    public static NullApiServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        NullApiServer nullServer = new NullApiServer(server);
        server.createContext("/", nullServer::answer);
        server.start();
        return nullServer;
    }

    /** A kubeconfig that points Helm's client at this server. */
    public String kubeconfig() {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: none
                  cluster:
                    server: http://127.0.0.1:%d
                contexts:
                - name: none
                  context:
                    cluster: none
                    user: none
                current-context: none
                users:
                - name: none
                  user: {}
                """.formatted(server.getAddress().getPort());
    }

    int requests() {
        return requests;
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests++;
        String path = exchange.getRequestURI().getPath();
        boolean discovery = "GET".equals(exchange.getRequestMethod()) && DISCOVERY.matcher(path).matches();
        String body = discovery
                ? "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\""
                        + (path.startsWith("/api/") ? "v1" : path.substring("/apis/".length())) + "\",\"resources\":[]}"
                : "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\","
                        + "\"message\":\"a Capstan render reads no cluster\",\"code\":404}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(discovery ? 200 : 404, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
