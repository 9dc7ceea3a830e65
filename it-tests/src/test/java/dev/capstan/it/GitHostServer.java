package dev.capstan.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commit status APIs of GitHub, GitLab and Gitea on loopback, checking each request against the provider's
 * documentation: the method and path (GitLab's project path URL-encoded), the authentication header, the JSON body's
 * fields and the states the provider accepts. A request that does not match is refused as the provider would
 * (401, 404, 422) and its reason kept; an accepted one is recorded. GitLab's refusal of a status equal to the
 * current one is imitated too. {@link #failWith} makes every request fail.
 */
final class GitHostServer implements AutoCloseable {
    /** A status the host accepted. */
    record Posted(String provider, String repository, String sha, String state, String context, String description,
                  String targetUrl) {
    }

    private static final Pattern GITHUB = Pattern.compile("/github/repos/([^/]+/[^/]+)/statuses/([0-9a-f]{40})");
    private static final Pattern GITEA = Pattern.compile("/gitea/api/v1/repos/([^/]+/[^/]+)/statuses/([0-9a-f]{40})");
    private static final Pattern GITLAB = Pattern.compile("/gitlab/api/v4/projects/([^/]+)/statuses/([0-9a-f]{40})");

    private final HttpServer server;
    private final String token;
    private final List<Posted> posted = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final Map<String, String> gitlabCurrent = new ConcurrentHashMap<>();
    private final AtomicInteger failing = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.concurrent.CountDownLatch stopping = new java.util.concurrent.CountDownLatch(1);
    private static final int HANG = -1;

    private GitHostServer(HttpServer server, String token) {
        this.server = server;
        this.token = token;
    }

    static GitHostServer start(String token) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        GitHostServer host = new GitHostServer(server, token);
        server.createContext("/", host::handle);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return host;
    }

    /** The API root to configure for {@code provider} (github, gitlab, gitea). */
    String apiUrl(String provider) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/" + provider;
        return switch (provider) {
            case "gitlab" -> base + "/api/v4";
            case "gitea" -> base + "/api/v1";
            default -> base;
        };
    }

    List<Posted> posted() {
        return List.copyOf(posted);
    }

    List<String> refused() {
        return List.copyOf(refused);
    }

    int requests() {
        return requests.get();
    }

    /** From now on every request is answered {@code status} (0: answered normally again). */
    void failWith(int status) {
        failing.set(status);
    }

    /** From now on no request is answered until the server stops: a host that hangs. */
    void hang() {
        failing.set(HANG);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        if (failing.get() == HANG) {
            try {
                stopping.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        if (failing.get() != 0) {
            reply(exchange, failing.get(), "{\"message\":\"unavailable\"}");
            return;
        }
        String path = exchange.getRequestURI().getRawPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (!exchange.getRequestMethod().equals("POST")) {
            refuse(exchange, 404, "method " + exchange.getRequestMethod() + " on " + path);
            return;
        }
        Matcher github = GITHUB.matcher(path);
        Matcher gitea = GITEA.matcher(path);
        Matcher gitlab = GITLAB.matcher(path);
        if (github.matches()) {
            accept(exchange, "github", github.group(1), github.group(2), body, "Authorization", "Bearer " + token,
                    Set.of("error", "failure", "pending", "success"), "context");
        } else if (gitea.matches()) {
            accept(exchange, "gitea", gitea.group(1), gitea.group(2), body, "Authorization", "token " + token,
                    Set.of("pending", "success", "error", "failure", "warning"), "context");
        } else if (gitlab.matches()) {
            if (!gitlab.group(1).contains("%2F") && !gitlab.group(1).matches("\\d+")) {
                refuse(exchange, 404, "gitlab: the project path must be URL-encoded: " + gitlab.group(1));
                return;
            }
            accept(exchange, "gitlab", java.net.URLDecoder.decode(gitlab.group(1), StandardCharsets.UTF_8),
                    gitlab.group(2), body, "PRIVATE-TOKEN", token,
                    Set.of("pending", "running", "success", "failed", "canceled", "skipped"), "name");
        } else {
            refuse(exchange, 404, "no such API path " + path);
        }
    }

    private void accept(HttpExchange exchange, String provider, String repository, String sha, String body,
                        String authHeader, String expectedAuth, Set<String> states, String contextField)
            throws IOException {
        if (!expectedAuth.equals(exchange.getRequestHeaders().getFirst(authHeader))) {
            refuse(exchange, 401, provider + ": " + authHeader + " missing or wrong");
            return;
        }
        if (provider.equals("github") && !String.valueOf(exchange.getRequestHeaders().getFirst("Accept"))
                .contains("application/vnd.github+json")) {
            refuse(exchange, 415, "github: Accept must be application/vnd.github+json");
            return;
        }
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (DecodeException e) {
            refuse(exchange, 400, provider + ": body is not JSON");
            return;
        }
        String state = json.getString("state");
        String context = json.getString(contextField);
        String description = json.getString("description", "");
        String target = json.getString("target_url");
        if (state == null || !states.contains(state)) {
            refuse(exchange, 422, provider + ": state " + state + " is not one of " + states);
            return;
        }
        if (context == null || context.isBlank() || description.length() > 140
                || target != null && !target.startsWith("http")) {
            refuse(exchange, 422, provider + ": " + contextField + ", description (<= 140) or target_url invalid: "
                    + body);
            return;
        }
        if (provider.equals("gitlab") && state.equals(gitlabCurrent.put(sha + " " + context, state))) {
            reply(exchange, 400, "{\"message\":\"Cannot transition status via :run from :" + state + "\"}");
            return;
        }
        posted.add(new Posted(provider, repository, sha, state, context, description, target));
        reply(exchange, 201, "{\"id\":" + posted.size() + ",\"state\":\"" + state + "\"}");
    }

    private void refuse(HttpExchange exchange, int status, String reason) throws IOException {
        refused.add(reason);
        reply(exchange, status, new JsonObject().put("message", reason).encode());
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        ExchangeReplies.reply(exchange, status, body);
    }

    @Override
    public void close() {
        stopping.countDown();
        server.stop(0);
    }
}
