package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.AlertConfig;
import dev.capstan.agent.config.SecretRef;
import dev.capstan.agent.config.WebhookConfig;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics, alerts, incidents and traces after real rollouts and rollbacks: alerts reach the sinks of their severity
 * exactly once per incident and resolve on recovery; a hanging, failing sink does not hold reconciliation up; the
 * incident timeline is complete and in order; spans reach an OTLP endpoint; no secret reaches a log line.
 */
@KubernetesCluster
class ObservabilityIT {
    private static final String CHART_SECRET = "canary-chart-secret-7f3a";
    private static final String SIGNING_SECRET = "canary-signing-secret-91c2";
    private static final String SLACK_TOKEN = "canary-slack-token-55d0";
    private static final String WEBHOOK_SECRET = "canary-webhook-secret-0b7e";

    @TempDir
    Path temp;
    private final HttpClient http = HttpClient.newHttpClient();
    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    @Test
    void aRollbackAlertsOnceOpensAnIncidentAndResolvesOnRecovery(TestNamespace ns, LocalCluster cluster)
            throws Exception {
        try (SinkServer sinks = SinkServer.start()) {
            RolloutRepo repo = repoWithSecret(ns, "    rollout: {strategy: rolling, stepTimeout: 30s}");
            AgentConfig config = config(repo, cluster, ns, alerts(sinks, Duration.ofMinutes(10)),
                    AgentConfig.Tracing.off());
            try (Agent agent = Agent.start(config)) {
                RolloutAgents.awaitSynced(agent, "web/staging", repo.git.remoteHead());
                assertThat(sinks.at("/pager")).as("a deploy is low severity: log only").isEmpty();

                sinks.hold("/dead");
                sinks.answer("/dead", 500);
                repo.git.write("charts/web/values.staging.yaml", "image: {tag: \"crashloop\"}\n"
                        + "password: " + CHART_SECRET + "-2\n");
                String bad = repo.commit("web: crash-looping image");
                RolloutAgents.awaitHeld(agent, "web/staging", bad);
                // The dead sink holds its delivery: reconciliation did not wait for it.
                await().atMost(RolloutIT.ROLLOUT).until(() -> sinks.inFlight("/dead") == 1);
                String fixed = repo.image("3", "web 3");
                RolloutAgents.awaitSynced(agent, "web/staging", fixed);
                assertThat(sinks.inFlight("/dead")).as("still held while the fix deployed").isEqualTo(1);
                sinks.release("/dead");

                await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> {
                    assertThat(events(sinks, "/pager")).containsExactly("firing rollback", "resolved rollback");
                    assertThat(sinks.at("/incidents")).hasSize(2);
                    assertThat(counter(agent, "dead", "failed")).isEqualTo(2);
                });
                JsonObject firing = new JsonObject(sinks.at("/pager").get(0).body());
                assertThat(firing.getString("severity")).isEqualTo("critical");
                assertThat(firing.getString("commit")).isEqualTo(bad);
                assertThat(sinks.at("/pager").get(0).headers().get("X-capstan-signature")).singleElement()
                        .satisfies(h -> assertThat(h).startsWith("sha256="));
                assertThat(sinks.at("/incidents").get(0).body()).contains("[CRITICAL] web/staging");
                // Each delivery is tried 4 times (an attempt cut short before it reached the sink is not seen here).
                assertThat(events(sinks, "/dead")).as("each delivery retried")
                        .filteredOn("firing rollback"::equals).hasSizeBetween(3, 4);
                assertThat(events(sinks, "/dead")).filteredOn("resolved rollback"::equals).hasSizeBetween(3, 4);

                double cycles = agent.metrics().get("capstan_reconcile_cycle_seconds").timer().count();
                await().atMost(RolloutIT.ROLLOUT).until(() -> agent.metrics().get("capstan_reconcile_cycle_seconds")
                        .timer().count() >= cycles + 5);
                assertThat(sinks.at("/pager")).as("exactly once per incident").hasSize(2);

                String id = firing.getString("incident");
                JsonObject incident = new JsonObject(get(agent, "/api/incidents/" + id));
                assertTimeline(incident.getJsonArray("timeline"));
                assertThat(incident.getJsonArray("signals").encode()).contains("CrashLoopBackOff");
                assertThat(incident.getJsonObject("commit").getString("sha")).isEqualTo(bad);
                assertThat(incident.getJsonObject("commit").getString("author")).isEqualTo("Test Author");
                assertThat(incident.getJsonObject("commit").getString("message"))
                        .isEqualTo("web: crash-looping image");
                assertThat(incident.getString("manifestDiff")).contains("registry.example.com/web:1")
                        .contains("registry.example.com/web:crashloop").contains("masked:");
                assertThat(incident.getString("status")).isEqualTo("resolved");
                assertThat(get(agent, "/api/incidents/" + id + "?format=markdown"))
                        .contains("# Incident " + id, "## Timeline", "## Root-cause signal", "## What went well");
                assertThat(new JsonObject(get(agent, "/api/incidents")).getJsonArray("incidents")).hasSize(1);
                String server = "http://127.0.0.1:" + agent.httpPort();
                CapstanProcess.Result listed = CapstanProcess.run("incidents", "--server", server);
                assertThat(listed.exit()).as(listed.err()).isZero();
                assertThat(listed.out().lines().toList()).hasSize(2).element(1).asString()
                        .startsWith(id).contains("web/staging", "resolved");
                CapstanProcess.Result draft = CapstanProcess.run("incidents", id, "--server", server);
                assertThat(draft.out()).startsWith("# Incident " + id).contains("## Timeline");
                CapstanProcess.Result unknown = CapstanProcess.run("incidents", "web-staging-r99", "--server",
                        server);
                assertThat(unknown.exit()).isEqualTo(1);
                assertThat(unknown.err()).isEqualTo("capstan incidents: no incident web-staging-r99 (HTTP 404)\n");
                CapstanProcess.Result down = CapstanProcess.run("incidents", "--server", "http://127.0.0.1:1");
                assertThat(down.exit()).isEqualTo(2);
                assertThat(down.err()).isEqualTo("capstan incidents: cannot reach the agent at http://127.0.0.1:1: "
                        + "connection refused\n");

                String metrics = get(agent, "/metrics");
                assertThat(metrics).contains("capstan_rollbacks_total{kind=\"automatic\"} 1.0",
                        "capstan_rollouts_total{outcome=\"rolled_back\"} 1.0",
                        "capstan_unit_reconcile_seconds_count{chart=\"web\",env=\"staging\"}",
                        "capstan_objects_applied_total{result=\"applied\"}", "capstan_health_gate_seconds_count",
                        "capstan_alerts_total{result=\"delivered\",severity=\"critical\",sink=\"pager\"} 2.0",
                        "jvm_memory_used_bytes", "vertx_pool_in_use",
                        "resilience4j_circuitbreaker_state");
                assertDashboardsUseRealMetrics(metrics);
            }
        }
        assertNoSecretLogged();
    }

    @Test
    void aUnitFailingLongerThanItsLimitAlertsHighAndResolvesWhenFixed(TestNamespace ns, LocalCluster cluster)
            throws Exception {
        try (SinkServer sinks = SinkServer.start()) {
            RolloutRepo repo = repoWithSecret(ns, null);
            try (Agent agent = Agent.start(config(repo, cluster, ns, alerts(sinks, Duration.ofSeconds(1)),
                    AgentConfig.Tracing.off()))) {
                RolloutAgents.awaitSynced(agent, "web/staging", repo.git.remoteHead());
                repo.git.write("charts/web/templates/broken.yaml", "kind: {{ values.missing }}\n");
                String broken = repo.commit("web: a template that cannot render");

                await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> assertThat(sinks.at("/incidents"))
                        .singleElement().satisfies(r -> assertThat(r.body()).contains("[HIGH] web/staging")
                                .contains("failing for")));
                assertThat(agent.status().units().get("web/staging").commit()).isEqualTo(broken);

                dev.capstan.testcluster.LocalGitRepo.git(repo.git.workTree(), "rm", "-q",
                        "charts/web/templates/broken.yaml");
                String fixed = repo.commit("web: template removed");
                RolloutAgents.awaitSynced(agent, "web/staging", fixed);
                await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> assertThat(sinks.at("/incidents")).hasSize(2)
                        .last().satisfies(r -> assertThat(r.body()).contains("RESOLVED [HIGH] web/staging")));
            }
        }
        assertNoSecretLogged();
    }

    @Test
    void spansOfAReconcileReachTheOtlpEndpoint(TestNamespace ns, LocalCluster cluster) throws Exception {
        try (SinkServer collector = SinkServer.start()) {
            RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
            AgentConfig.Tracing tracing = new AgentConfig.Tracing(Optional.of(URI.create(collector.url(""))));
            try (Agent agent = Agent.start(config(repo, cluster, ns, AlertConfig.none(), tracing))) {
                RolloutAgents.awaitSynced(agent, "web/staging", repo.git.remoteHead());
                await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> {
                    String exported = collector.at("/v1/traces").stream().map(SinkServer.Received::body)
                            .collect(Collectors.joining());
                    assertThat(exported).contains("capstan.reconcile", "capstan.fetch", "capstan.unit",
                            "capstan.render", "capstan.apply", "capstan.gate", "capstan.chart", "web");
                });
            }
        }
    }

    private RolloutRepo repoWithSecret(TestNamespace ns, String rollout) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        if (rollout != null) {
            repo.rollout("staging", rollout);
        }
        repo.git.write("charts/web/templates/secret.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: web-credentials}
                data: {password: {{ values.password | b64enc | quote }}}
                """);
        repo.git.write("charts/web/values.yaml", repo.git.read("charts/web/values.yaml") + "password: "
                + CHART_SECRET + "-1\n");
        repo.commit("staging only, with a secret");
        return repo;
    }

    private AlertConfig alerts(SinkServer sinks, Duration failingFor) throws Exception {
        Path signing = Files.writeString(temp.resolve("signing"), SIGNING_SECRET);
        Path slack = Files.writeString(temp.resolve("slack-url"), sinks.url("/incidents") + "?token=" + SLACK_TOKEN);
        Map<String, AlertConfig.Sink> sinkMap = Map.of(
                "pager", new AlertConfig.Sink.Webhook("pager", new AlertConfig.Url.Plain(sinks.url("/pager")),
                        Optional.of(new SecretRef.FromFile(signing))),
                "incidents", new AlertConfig.Sink.Slack("incidents", new AlertConfig.Url.Secret(
                        new SecretRef.FromFile(slack))),
                "dead", new AlertConfig.Sink.Webhook("dead", new AlertConfig.Url.Plain(sinks.url("/dead")),
                        Optional.empty()));
        return new AlertConfig(sinkMap, Map.of(
                AlertConfig.Severity.CRITICAL, List.of("pager", "incidents", "dead"),
                AlertConfig.Severity.HIGH, List.of("incidents"),
                AlertConfig.Severity.LOW, List.of()), failingFor, Duration.ofMinutes(5));
    }

    private AgentConfig config(RolloutRepo repo, LocalCluster cluster, TestNamespace ns, AlertConfig alerts,
                               AgentConfig.Tracing tracing) {
        AgentConfig base = Examples.agentConfig(repo.git.url(), Duration.ofMillis(300), temp.resolve("cache"),
                cluster, ns);
        Path webhookSecret = temp.resolve("webhook-secret");
        try {
            Files.writeString(webhookSecret, WEBHOOK_SECRET);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new AgentConfig(base.repo(), base.cacheDir(), base.cluster(), base.http(),
                new WebhookConfig(Map.of(WebhookConfig.Provider.GITHUB, new SecretRef.FromFile(webhookSecret)), 20),
                base.releases(), alerts, tracing);
    }

    private static List<String> events(SinkServer sinks, String path) {
        return sinks.at(path).stream().map(r -> new JsonObject(r.body()))
                .map(j -> j.getString("status") + " " + j.getString("event")).toList();
    }

    private static double counter(Agent agent, String sink, String result) {
        var counter = agent.metrics().find("capstan_alerts_total").tag("sink", sink).tag("result", result)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    /** Every step of the incident is there, in this order, and the times never go back. */
    private static void assertTimeline(JsonArray timeline) {
        List<String> events = new ArrayList<>();
        Instant previous = Instant.EPOCH;
        for (int i = 0; i < timeline.size(); i++) {
            JsonObject entry = timeline.getJsonObject(i);
            Instant at = Instant.parse(entry.getString("at"));
            assertThat(at).isAfterOrEqualTo(previous);
            previous = at;
            events.add(entry.getString("event"));
        }
        List<String> expected = List.of("authored by Test Author", "commit fetched", "rendered", "apply full",
                "failure detected", "rollback applied", "recovery confirmed");
        int position = -1;
        for (String step : expected) {
            int found = -1;
            for (int i = position + 1; i < events.size(); i++) {
                if (events.get(i).contains(step)) {
                    found = i;
                    break;
                }
            }
            assertThat(found).as("'" + step + "' after position " + position + " in " + events).isGreaterThan(-1);
            position = found;
        }
    }

    /** Every capstan_ and jvm_ metric the dashboard and the alert rules use is one the agent exports. */
    private static void assertDashboardsUseRealMetrics(String scrape) throws Exception {
        Set<String> exported = new TreeSet<>();
        Matcher names = Pattern.compile("(?m)^([a-z_]+)[{ ]").matcher(scrape);
        while (names.find()) {
            exported.add(names.group(1));
        }
        Path manifests = ClusterBinaries.repoRoot().resolve("manifests");
        String used = Files.readString(manifests.resolve("grafana-dashboard.json"))
                + Files.readString(manifests.resolve("prometheus-rules.yaml"));
        Matcher metric = Pattern.compile("(capstan|jvm)_[a-z_]+").matcher(used);
        Set<String> referenced = new TreeSet<>();
        while (metric.find()) {
            referenced.add(metric.group());
        }
        assertThat(referenced).isNotEmpty();
        assertThat(referenced).allSatisfy(name -> assertThat(exported).as(name).contains(name));
    }

    private void assertNoSecretLogged() {
        List<String> lines = logs.events().stream().map(e -> e.getFormattedMessage() + " " + e.getMDCPropertyMap()
                + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
        assertThat(lines).isNotEmpty();
        String encoded = java.util.Base64.getEncoder().encodeToString((CHART_SECRET + "-1").getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain(CHART_SECRET, SIGNING_SECRET,
                SLACK_TOKEN, WEBHOOK_SECRET, encoded));
    }

    private String get(Agent agent, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
