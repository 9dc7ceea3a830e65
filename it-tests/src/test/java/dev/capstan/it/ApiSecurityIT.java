package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.AlertConfig;
import dev.capstan.agent.config.ApiConfig;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.testcluster.LocalCluster;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's access rules on a running agent: every endpoint × no token, a wrong token and each role; token rotation
 * without restart; no CORS; HTTPS with a PEM certificate.
 */
@KubernetesCluster
class ApiSecurityIT {
    private static final String VIEWER = "viewer-token-0123456789";
    private static final String DEPLOYER = "deployer-token-0123456789";
    private static final String ADMIN = "admin-token-0123456789ab";

    @TempDir
    Path temp;
    private final HttpClient http = HttpClient.newHttpClient();

    private record Call(String method, String path, Expect expect) {
    }

    /** What the endpoint needs: nothing, a viewer, or a deployer. */
    private enum Expect { OPEN, VIEWER, DEPLOYER }

    private static final List<Call> ENDPOINTS = List.of(
            new Call("GET", "/healthz", Expect.OPEN),
            new Call("GET", "/readyz", Expect.OPEN),
            new Call("GET", "/metrics", Expect.OPEN),
            new Call("GET", "/", Expect.OPEN),
            new Call("GET", "/app.js", Expect.OPEN),
            new Call("GET", "/api/status", Expect.VIEWER),
            new Call("GET", "/api/drift", Expect.VIEWER),
            new Call("GET", "/api/drift/web/staging?format=diff", Expect.VIEWER),
            new Call("GET", "/api/releases", Expect.VIEWER),
            new Call("GET", "/api/releases/web/staging", Expect.VIEWER),
            new Call("GET", "/api/incidents", Expect.VIEWER),
            new Call("GET", "/api/whoami", Expect.VIEWER),
            new Call("POST", "/api/sync", Expect.DEPLOYER),
            new Call("POST", "/api/releases/web/staging/rollback", Expect.DEPLOYER),
            new Call("POST", "/api/releases/web/staging/resume", Expect.DEPLOYER));

    @Test
    void everyEndpointAnswersByRole(TestNamespace ns, LocalCluster cluster) throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        Path tokens = writeTokens(VIEWER, DEPLOYER);
        try (Agent agent = Agent.start(config(repo, cluster, ns, tokens, ApiConfig.PROBES, Optional.empty()))) {
            String base = "http://127.0.0.1:" + agent.httpPort();
            RolloutAgents.awaitSynced(agent, "web/staging", repo.git.remoteHead());
            List<String> table = new ArrayList<>();
            for (Call call : ENDPOINTS) {
                table.add(call.method() + " " + call.path() + ": " + status(base, call, null) + " "
                        + status(base, call, "wrong-token-0123456789") + " " + status(base, call, VIEWER) + " "
                        + status(base, call, DEPLOYER) + " " + status(base, call, ADMIN));
            }
            // Columns: no token, wrong token, viewer, deployer, admin. Allowed calls answer what the endpoint says
            // (202 for sync, 409 for a rollback/resume that has nothing to do): anything but 401/403.
            assertThat(table).containsExactly(
                    "GET /healthz: 200 200 200 200 200",
                    "GET /readyz: 200 200 200 200 200",
                    "GET /metrics: 200 200 200 200 200",
                    "GET /: 200 200 200 200 200",
                    "GET /app.js: 200 200 200 200 200",
                    "GET /api/status: 401 401 200 200 200",
                    "GET /api/drift: 401 401 200 200 200",
                    "GET /api/drift/web/staging?format=diff: 401 401 200 200 200",
                    "GET /api/releases: 401 401 200 200 200",
                    "GET /api/releases/web/staging: 401 401 200 200 200",
                    "GET /api/incidents: 401 401 200 200 200",
                    "GET /api/whoami: 401 401 200 200 200",
                    "POST /api/sync: 401 401 403 202 202",
                    "POST /api/releases/web/staging/rollback: 401 401 403 409 409",
                    "POST /api/releases/web/staging/resume: 401 401 403 409 409");

            assertThat(send(base, "GET", "/api/whoami", DEPLOYER, null).body()).contains("\"role\":\"deployer\"");
            assertThat(send(base, "GET", "/api/whoami", VIEWER, null).body()).contains("\"role\":\"viewer\"");

            HttpResponse<String> signed = send(base, "POST", "/webhooks/github", DEPLOYER, "{}");
            assertThat(signed.statusCode()).as("a webhook needs its signature, a token is not enough")
                    .isIn(401, 404);
            HttpResponse<String> denied = send(base, "GET", "/api/status", null, null);
            assertThat(denied.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"capstan\"");
            HttpResponse<String> cors = http.send(HttpRequest.newBuilder(URI.create(base + "/api/status"))
                    .header("Origin", "https://evil.example.com").header("Authorization", "Bearer " + VIEWER)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(cors.headers().firstValue("Access-Control-Allow-Origin")).as("no CORS").isEmpty();
            assertThat(cors.headers().firstValue("Cache-Control")).contains("no-store");
            HttpResponse<String> page = send(base, "GET", "/", null, null);
            assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
            assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(send(base, "POST", "/api/releases/web/staging/rollback", DEPLOYER, "x".repeat(10_000))
                    .statusCode()).as("body limit").isEqualTo(413);

            // The CLI shows a token from a file (never on its command line): viewer reads, deployer acts.
            Path viewerFile = Files.writeString(temp.resolve("viewer.token"), VIEWER + "\n");
            Path deployerFile = Files.writeString(temp.resolve("deployer.token"), DEPLOYER);
            assertThat(CapstanProcess.run("incidents", "--server", base).err()).contains("(HTTP 401)");
            CapstanProcess.Result listed = CapstanProcess.run("incidents", "--server", base, "--token-file",
                    viewerFile.toString());
            assertThat(listed.exit()).as(listed.err()).isZero();
            assertThat(listed.out()).isEqualTo("no incidents\n");
            assertThat(CapstanProcess.run("resume", "web", "staging", "--server", base, "--token-file",
                    viewerFile.toString()).err()).contains("(HTTP 403)");
            CapstanProcess.Result resumed = CapstanProcess.run("resume", "web", "staging", "--server", base,
                    "--token-file", deployerFile.toString());
            assertThat(resumed.exit()).as("not held: 409, but authorized").isEqualTo(1);
            assertThat(resumed.err()).contains("(HTTP 409)");
            assertThat(CapstanProcess.run("incidents", "--server", base, "--token-file",
                    temp.resolve("no-such.token").toString()).err())
                    .isEqualTo("capstan incidents: --token-file " + temp.resolve("no-such.token")
                            + ": cannot read it (no such file: " + temp.resolve("no-such.token") + ")\n");

            // Rotation: a new file is picked up without a restart; a broken one keeps the last good tokens.
            String rotated = "rotated-viewer-token-42";
            writeTokens(rotated, DEPLOYER);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(send(base, "GET", "/api/status", rotated, null).statusCode()).isEqualTo(200);
                assertThat(send(base, "GET", "/api/status", VIEWER, null).statusCode()).isEqualTo(401);
            });
            Files.writeString(tokens, "- {name: broken, role: emperor, token: whatever-whatever-1}\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.metrics().find("capstan_api_token_reloads_total")
                    .tag("result", "rejected").counter() != null);
            assertThat(send(base, "GET", "/api/status", rotated, null).statusCode()).isEqualTo(200);
        }
    }

    /**
     * Issue 12.1: every way of spelling a path that a router might read differently from the access check. Sent
     * as-is; non-canonical forms are refused before anything else, so nothing can reach a route it may not.
     */
    @Test
    void pathFormsAndMethodsCannotBypassAuthorization(TestNamespace ns, LocalCluster cluster) throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        Path tokens = writeTokens(VIEWER, DEPLOYER);
        try (Agent agent = Agent.start(config(repo, cluster, ns, tokens, ApiConfig.PROBES, Optional.empty()))) {
            int port = agent.httpPort();
            RolloutAgents.awaitSynced(agent, "web/staging", repo.git.remoteHead());
            record Probe(String method, String path, String token) {
            }
            List<Probe> probes = List.of(
                    new Probe("GET", "/webhooks/../api/status", null),
                    new Probe("POST", "/webhooks/../api/releases/web/staging/rollback", null),
                    new Probe("POST", "/webhooks/%2e%2e/api/releases/web/staging/rollback", null),
                    new Probe("POST", "/webhooks/github/../../api/sync", null),
                    new Probe("GET", "/healthz/../api/status", null),
                    new Probe("GET", "/./api/status", null),
                    new Probe("GET", "/%61pi/status", null),
                    new Probe("POST", "//api/sync", VIEWER),
                    new Probe("POST", "/%61pi/sync", VIEWER),
                    new Probe("POST", "/./api/sync", VIEWER),
                    new Probe("POST", "/x/../api/sync", VIEWER),
                    new Probe("POST", "//api/releases/web/staging/resume", VIEWER),
                    new Probe("POST", "/api/releases/web/staging/%72ollback", VIEWER),
                    new Probe("POST", "/api//releases/web/staging/rollback", VIEWER),
                    new Probe("POST", "/api/releases/web/staging/rollback/", VIEWER),
                    new Probe("POST", "/api/releases/web/staging/rollback;x=1", VIEWER),
                    new Probe("POST", "/api/sync%00", VIEWER));
            List<String> answers = new ArrayList<>();
            for (Probe probe : probes) {
                RawHttp.Answer answer = RawHttp.send(port, probe.method(), probe.path(), probe.token(), "");
                answers.add(probe.method() + " " + probe.path() + ": " + answer.status());
                assertThat(answer.headers().get("content-type")).as(probe.path()).isEqualTo("application/json");
            }
            assertThat(answers).allSatisfy(line -> assertThat(line).endsWith(": 400"));

            // Canonical paths, every method: deny by default, by the role each route needs.
            List<String> canonical = new ArrayList<>();
            for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
                for (String path : List.of("/api/status", "/api/sync", "/api/releases/web/staging/rollback",
                        "/healthz", "/webhooks/github", "/nowhere")) {
                    canonical.add(method + " " + path + ": " + RawHttp.send(port, method, path, null, "").status()
                            + " " + RawHttp.send(port, method, path, VIEWER, "").status());
                }
            }
            assertThat(canonical).contains(
                    "GET /api/status: 401 200", "POST /api/status: 401 403", "DELETE /api/status: 401 403",
                    "POST /api/sync: 401 403", "PUT /api/sync: 401 403", "GET /api/sync: 401 404",
                    "POST /api/releases/web/staging/rollback: 401 403", "GET /healthz: 200 200",
                    "POST /healthz: 401 403", "OPTIONS /healthz: 401 403", "GET /webhooks/github: 401 404",
                    "GET /nowhere: 401 404", "POST /nowhere: 401 403");

            assertThat(agent.status().units().get("web/staging")).as("nothing was pinned or resumed")
                    .isInstanceOf(dev.capstan.agent.sync.UnitOutcome.Synced.class);
            assertThat(agent.status().releases().get("web/staging")).hasSize(1);
        }
    }

    /** Issue 12.2/12.3: revoking by emptying or deleting the file; a token sprayer slows only itself. */
    @Test
    void revokedTokensStopWorkingAndSprayingIsCountedAndLimitedPerClient(TestNamespace ns, LocalCluster cluster)
            throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        Path tokens = writeTokens(VIEWER, DEPLOYER);
        AgentConfig base = config(repo, cluster, ns, tokens, ApiConfig.PROBES, Optional.empty());
        AgentConfig config = new AgentConfig(base.repo(), base.cacheDir(), base.cluster(), base.http(),
                base.webhooks(), base.releases(), AlertConfig.none(), AgentConfig.Tracing.off(),
                new ApiConfig(Optional.of(tokens), ApiConfig.PROBES, 50, Optional.empty()));
        try (Agent agent = Agent.start(config)) {
            String url = "http://127.0.0.1:" + agent.httpPort();
            assertThat(send(url, "GET", "/api/status", VIEWER, null).statusCode()).isEqualTo(200);

            Files.writeString(tokens, "");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(send(url, "GET", "/api/status", VIEWER, null).statusCode()).isEqualTo(401));
            writeTokens(VIEWER, DEPLOYER);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(send(url, "GET", "/api/status", VIEWER, null).statusCode()).isEqualTo(200));
            Files.delete(tokens);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(send(url, "GET", "/api/status", DEPLOYER, null).statusCode()).isEqualTo(401));
            writeTokens(VIEWER, DEPLOYER);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(send(url, "GET", "/api/status", VIEWER, null).statusCode()).isEqualTo(200));

            java.util.Map<Integer, Integer> spray = new java.util.TreeMap<>();
            for (int i = 0; i < 500; i++) {
                spray.merge(send(url, "GET", "/api/status", "wrong-token-" + i + "-0123456789", null).statusCode(),
                        1, Integer::sum);
            }
            assertThat(spray.keySet()).isSubsetOf(401, 429).contains(429);
            assertThat(spray.getOrDefault(401, 0)).isLessThanOrEqualTo(3 * 20);
            HttpResponse<String> limited = send(url, "GET", "/api/status", "wrong-token-x-0123456789", null);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
            List<Integer> valid = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                valid.add(send(url, "GET", "/api/status", VIEWER, null).statusCode());
            }
            assertThat(valid).as("a valid caller keeps its own budget").containsOnly(200);
            assertThat(agent.metrics().find("capstan_api_auth_failures_total").tag("reason", "invalid").counter()
                    .count()).isGreaterThanOrEqualTo(500);
            assertThat(agent.metrics().find("capstan_api_auth_failures_total").tag("reason", "rate_limited")
                    .counter().count()).isGreaterThan(0);
        }
    }

    /** Issue 12.10/12.11: blank webhook secrets, JSON for every error, and connections that never finish. */
    @Test
    void anOpenApiRefusesCrossSiteStateChangesAndForeignHostNames(TestNamespace ns, LocalCluster cluster)
            throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {
            int port = agent.httpPort();
            String rollback = "/api/releases/web/staging/rollback";
            RawHttp.Answer form = RawHttp.sendWith(port, "POST", rollback, java.util.Map.of("Origin",
                    "https://evil.example", "Content-Type", "application/x-www-form-urlencoded"), "revision=1");
            assertThat(form.status()).isEqualTo(403);
            assertThat(form.body()).contains("origin https://evil.example");
            RawHttp.Answer plain = RawHttp.sendWith(port, "POST", "/api/releases/web/staging/resume",
                    java.util.Map.of("Content-Type", "text/plain"), "{}");
            assertThat(plain.status()).isEqualTo(403);
            assertThat(plain.body()).contains("must send JSON");
            RawHttp.Answer site = RawHttp.sendWith(port, "POST", "/api/sync", java.util.Map.of("Sec-Fetch-Site",
                    "cross-site"), null);
            assertThat(site.status()).isEqualTo(403);
            RawHttp.Answer rebound = RawHttp.sendWith(port, "GET", "/api/status", java.util.Map.of("Host",
                    "rebind.attacker.example:" + port), null);
            assertThat(rebound.status()).isEqualTo(421);
            assertThat(rebound.body()).contains("host 'rebind.attacker.example'").doesNotContain("web/staging");

            // What the CLI and the page send still works.
            assertThat(RawHttp.sendWith(port, "POST", "/api/sync", java.util.Map.of(), null).status())
                    .isEqualTo(202);
            assertThat(RawHttp.sendWith(port, "POST", "/api/releases/web/staging/resume", java.util.Map.of(
                    "Content-Type", "application/json", "Origin", "http://127.0.0.1:" + port), "{}").status())
                    .as("nothing held: refused for that reason alone").isEqualTo(409);
            assertThat(agent.status().units().get("web/staging"))
                    .isInstanceOf(dev.capstan.agent.sync.UnitOutcome.Synced.class);
        }
    }

    @Test
    void blankSecretsStopStartupErrorsAreJsonAndStalledClientsAreCut(TestNamespace ns, LocalCluster cluster)
            throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        Path blank = Files.writeString(temp.resolve("gitlab-secret"), "\n");
        AgentConfig base = config(repo, cluster, ns, writeTokens(VIEWER, DEPLOYER), ApiConfig.PROBES,
                Optional.empty());
        java.util.function.Function<Path, AgentConfig> withGitlab = secret -> new AgentConfig(base.repo(),
                base.cacheDir(), base.cluster(), base.http(), new dev.capstan.agent.config.WebhookConfig(
                        java.util.Map.of(dev.capstan.agent.config.WebhookConfig.Provider.GITLAB,
                                new dev.capstan.agent.config.SecretRef.FromFile(secret)), 20),
                base.releases(), AlertConfig.none(), AgentConfig.Tracing.off(), base.api());

        assertThatThrownBy(() -> Agent.start(withGitlab.apply(blank))).isInstanceOf(ConfigException.class)
                .hasMessage("webhooks.gitlab.secretFile: secret file " + blank + " is empty");

        Path secret = Files.writeString(temp.resolve("gitlab-secret-2"), "gitlab-token-0123456789\n");
        try (Agent agent = Agent.start(withGitlab.apply(secret))) {
            int port = agent.httpPort();
            RawHttp.Answer empty = RawHttp.send(port, "POST", "/webhooks/gitlab", null, "{}");
            assertThat(empty.status()).isEqualTo(401);
            RawHttp.Answer huge = RawHttp.send(port, "POST", "/webhooks/gitlab", null, "x".repeat(2 * 1024 * 1024));
            assertThat(huge.status()).isEqualTo(413);
            assertThat(huge.headers().get("content-type")).isEqualTo("application/json");
            assertThat(huge.body()).isEqualTo("{\"error\":\"request body too large\"}");

            // A request whose headers never end: the connection is closed, not held.
            try (java.net.Socket stalled = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                stalled.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII));
                stalled.setSoTimeout(60_000);
                assertThat(stalled.getInputStream().read()).as("closed by the agent").isEqualTo(-1);
            }
            assertThat(RawHttp.send(port, "GET", "/healthz", null, null).status()).isEqualTo(200);
        }
    }

    @Test
    void metricsCanRequireATokenAndABadTokensFileStopsStartup(TestNamespace ns, LocalCluster cluster)
            throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        Path tokens = writeTokens(VIEWER, DEPLOYER);
        try (Agent agent = Agent.start(config(repo, cluster, ns, tokens, Set.of("healthz", "readyz"),
                Optional.empty()))) {
            String base = "http://127.0.0.1:" + agent.httpPort();
            assertThat(send(base, "GET", "/metrics", null, null).statusCode()).isEqualTo(401);
            assertThat(send(base, "GET", "/metrics", VIEWER, null).statusCode()).isEqualTo(200);
        }
        Path bad = temp.resolve("bad-tokens.yaml");
        Files.writeString(bad, "- {name: ci, role: deployer, token: short}\n");
        assertThatThrownBy(() -> Agent.start(config(repo, cluster, ns, bad, ApiConfig.PROBES, Optional.empty())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("[0].token: at least 16 characters")
                .hasMessageNotContaining("short");
    }

    @Test
    void theApiSpeaksHttpsWithAPemCertificate(TestNamespace ns, LocalCluster cluster) throws Exception {
        Path cert = temp.resolve("tls.crt");
        Path key = temp.resolve("tls.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor()).isZero();
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = Agent.start(config(repo, cluster, ns, writeTokens(VIEWER, DEPLOYER), ApiConfig.PROBES,
                Optional.of(new ApiConfig.Tls(cert, key))))) {
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(cert)).build();
            HttpResponse<String> answer = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                    + agent.httpPort() + "/api/status")).header("Authorization", "Bearer " + VIEWER).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + agent.httpPort() + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
        }
    }

    private Path writeTokens(String viewer, String deployer) throws Exception {
        Path file = temp.resolve("tokens.yaml");
        Path next = temp.resolve("tokens.yaml.next");
        Files.writeString(next, """
                - {name: dashboard, role: viewer, token: "%s"}
                - {name: ci, role: deployer, token: "%s"}
                - {name: ops, role: admin, token: "%s"}
                """.formatted(viewer, deployer, ADMIN));
        // Like a Secret volume update: the new file appears whole.
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private AgentConfig config(RolloutRepo repo, LocalCluster cluster, TestNamespace ns, Path tokens,
                               Set<String> open, Optional<ApiConfig.Tls> tls) {
        AgentConfig base = Examples.agentConfig(repo.git.url(), Duration.ofMillis(300), temp.resolve("cache"),
                cluster, ns);
        return new AgentConfig(base.repo(), base.cacheDir(), base.cluster(), base.http(), base.webhooks(),
                base.releases(), AlertConfig.none(), AgentConfig.Tracing.off(),
                new ApiConfig(Optional.of(tokens), open, 1000, tls));
    }

    private int status(String base, Call call, String token) throws Exception {
        return send(base, call.method(), call.path(), token, call.method().equals("POST") ? "" : null).statusCode();
    }

    private HttpResponse<String> send(String base, String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            store.setCertificateEntry("capstan", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
