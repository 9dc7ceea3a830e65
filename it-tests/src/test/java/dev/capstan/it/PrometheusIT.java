package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.AlertConfig;
import dev.capstan.agent.config.SecretRef;
import dev.capstan.agent.config.WebhookConfig;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.PrometheusServer;
import dev.capstan.testcluster.WebhookSender;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capstan's Prometheus side against the real thing (Debian's prometheus and promtool): the alert rules pass
 * {@code promtool check rules} and their unit tests; a Prometheus scraping a running agent answers every query of the
 * Grafana dashboard with data and fires the rollback alert on the series the agent exports. (The Prometheus gate is
 * tested against the same real server in {@link RolloutIT}.)
 */
@KubernetesCluster
class PrometheusIT {
    private static final String WEBHOOK_SECRET = "prometheus-it-webhook-secret";
    private static final Path MANIFESTS = ClusterBinaries.repoRoot().resolve("manifests");

    @TempDir
    Path temp;

    @Test
    void theAlertRulesPassPromtoolAndTheirUnitTests() throws Exception {
        Path rules = alertRules(temp);
        Files.copy(ClusterBinaries.repoRoot().resolve("it-tests/src/test/resources/prometheus/rules-test.yaml"),
                temp.resolve("rules-test.yaml"));

        String checked = promtool("check", "rules", rules.toString());
        String tested = promtool("test", "rules", temp.resolve("rules-test.yaml").toString());

        assertThat(checked).contains("SUCCESS: 7 rules found");
        assertThat(tested).contains("SUCCESS");
    }

    @Test
    void everyDashboardQueryAnswersFromAScrapedAgentAndTheRollbackAlertFires(TestNamespace ns, LocalCluster cluster,
                                                                           KubernetesClient client)
            throws Exception {
        try (CheckServer checks = CheckServer.start(); SinkServer sinks = SinkServer.start()) {
            RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, """
                        rollout: {strategy: canary, steps: [50, 100], stepTimeout: 30s}
                        drift: report
                        smoke: [{name: home, url: "%s/healthz", expectStatus: 200, successes: 1, interval: 100ms}]
                    """.formatted(checks.url()));
            try (Agent agent = Agent.start(config(repo, cluster, ns, sinks));
                    PrometheusServer prometheus = PrometheusServer.start(temp.resolve("prometheus"),
                            List.of("127.0.0.1:" + agent.httpPort()), alertRules(temp.resolve("rules")))) {
                // Scraped from the start, as in a cluster: increase() sees the counters move.
                RolloutAgents.awaitSynced(agent, "web/staging", repo.git.remoteHead());
                String second = repo.image("2", "web 2, announced by webhook");
                assertThat(new WebhookSender("http://127.0.0.1:" + agent.httpPort(), WEBHOOK_SECRET)
                        .push("refs/heads/main", second) / 100).isEqualTo(2);
                RolloutAgents.awaitSynced(agent, "web/staging", second);
                RolloutAgents.awaitHeld(agent, "web/staging", repo.image("crashloop", "web: a crash-looping build"));
                client.apps().deployments().inNamespace(repo.staging).withName("web").edit(d -> {
                    d.getSpec().setReplicas(7);
                    return d;
                });
                await().atMost(RolloutIT.ROLLOUT).until(() -> agent.status().drift().get("web/staging").state()
                        == UnitDrift.State.OutOfSync);

                List<String> queries = dashboardQueries();
                assertThat(queries).hasSizeGreaterThan(15);
                for (String query : queries) {
                    await(query).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                            .until(() -> !prometheus.query(query).isEmpty());
                }
                await("CapstanRollbackPerformed firing").atMost(Duration.ofSeconds(60))
                        .until(() -> !prometheus.query("ALERTS{alertname=\"CapstanRollbackPerformed\","
                                + "alertstate=\"firing\",kind=\"automatic\"}").isEmpty());
                await("CapstanUnitDrift pending").atMost(Duration.ofSeconds(60))
                        .until(() -> !prometheus.query("ALERTS{alertname=\"CapstanUnitDrift\",chart=\"web\","
                                + "env=\"staging\"}").isEmpty());
                assertThat(prometheus.query("ALERTS{alertname=\"CapstanGitUnreachable\"}")).isEmpty();
            }
        }
    }

    /** The dashboard's queries, with Grafana's {@code $__rate_interval} as a window the test's scrapes fill. */
    private static List<String> dashboardQueries() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(MANIFESTS.resolve("grafana-dashboard.json").toFile());
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText().replace("$__rate_interval", "1m"));
            }
        }
        return queries;
    }

    /** The PrometheusRule's spec (its rule groups) as a rule file, in {@code dir}. */
    private static Path alertRules(Path dir) throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode spec = yaml.readTree(MANIFESTS.resolve("prometheus-rules.yaml").toFile()).path("spec");
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("capstan-rules.yaml"), yaml.writeValueAsString(spec));
    }

    /** A rollback pages the sink: the alert series the dashboard shows. */
    private static AlertConfig alerts(SinkServer sinks) {
        return new AlertConfig(Map.of("pager", new AlertConfig.Sink.Webhook("pager",
                new AlertConfig.Url.Plain(sinks.url("/pager")), java.util.Optional.empty())),
                Map.of(AlertConfig.Severity.CRITICAL, List.of("pager")), Duration.ofMinutes(10),
                Duration.ofMinutes(5));
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PrometheusServer.PROMTOOL.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private AgentConfig config(RolloutRepo repo, LocalCluster cluster, TestNamespace ns, SinkServer sinks)
            throws Exception {
        AgentConfig base = Examples.agentConfig(repo.git.url(), Duration.ofMillis(300), temp.resolve("cache"),
                cluster, ns);
        Path secret = Files.writeString(temp.resolve("webhook-secret"), WEBHOOK_SECRET);
        return new AgentConfig(base.repo(), base.cacheDir(), base.cluster(), base.http(),
                new WebhookConfig(Map.of(WebhookConfig.Provider.GITHUB, new SecretRef.FromFile(secret)), 20),
                base.releases(), alerts(sinks), AgentConfig.Tracing.off())
                .withChecks(base.checks());
    }
}
