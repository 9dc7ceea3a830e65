package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.GitAuth;
import dev.capstan.agent.config.SecretRef;
import dev.capstan.agent.config.WebhookConfig;
import dev.capstan.agent.sync.RepoStatus;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.GitHttpServer;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import dev.capstan.testcluster.WebhookSender;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a real smart-HTTP git server and the real cluster: webhooks end to end, and a misbehaving remote
 * (outage, deleted branch, undeployable commit) that must never cost the last good state or the agent's service.
 */
@KubernetesCluster
class GitSourceAgentIT {
    private static final String SECRET = "webhook-secret";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path temp;
    private LocalGitRepo repo;
    private GitHttpServer server;
    private String releaseNamespace = "capstan-system";
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startServer() throws IOException {
        repo = LocalGitRepo.fromDirectory(ClusterBinaries.repoRoot().resolve("examples"), temp.resolve("git"));
        server = GitHttpServer.start(temp.resolve("git"));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void aPushAnnouncedByWebhookIsFetchedAtOnceWithoutWaitingForThePoll(TestNamespace ns, LocalCluster cluster,
                                                                        KubernetesClient client) throws IOException {
        useNamespaces(ns);
        try (Agent agent = Agent.start(config(cluster, Duration.ofHours(1)))) {
            awaitAllSynced(agent, repo.remoteHead());
            WebhookSender github = new WebhookSender("http://127.0.0.1:" + agent.httpPort(), SECRET);
            server.onPush((name, ref) -> github.push(ref, repo.remoteHead()));
            repo.pushTo(server.url("remote.git"));

            repo.write("charts/orders/values.staging.yaml", "replicaCount: 2\n");
            String pushed = repo.commitAndPush("orders: two in staging");

            awaitAllSynced(agent, pushed);
            await().atMost(WAIT).untilAsserted(() -> assertThat(client.apps().deployments()
                    .inNamespace(ns.name()).withName("orders").get().getSpec().getReplicas()).isEqualTo(2));
        }
    }

    @Test
    void onlyUnitsWhoseChartChangedAreRenderedAgain(TestNamespace ns, LocalCluster cluster) {
        useNamespaces(ns);
        try (Agent agent = Agent.start(config(cluster, Duration.ofHours(1)))) {
            awaitAllSynced(agent, repo.remoteHead());
            long rendersBefore = renders(agent);

            repo.write("charts/orders/values.production.yaml", "replicaCount: 3\nqueue: orders\n");
            String second = repo.commitAndPush("orders only");
            agent.syncNow();
            awaitAllSynced(agent, second);
            repo.write("README.md", "docs only\n");
            String third = repo.commitAndPush("no chart touched");
            agent.syncNow();
            awaitAllSynced(agent, third);

            assertThat(renders(agent) - rendersBefore).as("orders/staging and orders/production, once").isEqualTo(2);
        }
    }

    @Test
    void aBurstOfWebhooksCoalescesIntoAtMostTwoFetches(TestNamespace ns, LocalCluster cluster) {
        useNamespaces(ns);
        try (Agent agent = Agent.start(config(cluster, Duration.ofHours(1)))) {
            awaitAllSynced(agent, repo.remoteHead());
            WebhookSender github = new WebhookSender("http://127.0.0.1:" + agent.httpPort(), SECRET);
            repo.write("README.md", "burst\n");
            String newest = repo.commitAndPush("newest");
            long fetchesBefore = fetches(agent);
            int requestsBefore = server.requests();

            server.hold();
            assertThat(github.push("refs/heads/main", newest)).isEqualTo(202);
            await().atMost(WAIT).until(() -> server.requests() > requestsBefore);
            List<Integer> statuses = IntStream.range(0, 20).mapToObj(i -> CompletableFuture.supplyAsync(() ->
                    github.push("refs/heads/main", newest))).map(CompletableFuture::join).toList();
            server.release();

            awaitAllSynced(agent, newest);
            assertThat(statuses).containsOnly(202);
            await().atMost(WAIT).untilAsserted(() -> assertThat(fetches(agent) - fetchesBefore).isEqualTo(2));
        }
    }

    @Test
    void rejectedAndIrrelevantDeliveriesFetchNothing(TestNamespace ns, LocalCluster cluster) {
        useNamespaces(ns);
        try (Agent agent = Agent.start(config(cluster, Duration.ofHours(1)))) {
            awaitAllSynced(agent, repo.remoteHead());
            WebhookSender github = new WebhookSender("http://127.0.0.1:" + agent.httpPort(), SECRET);
            WebhookSender forger = new WebhookSender("http://127.0.0.1:" + agent.httpPort(), "guessed");
            long fetchesBefore = fetches(agent);

            assertThat(forger.push("refs/heads/main", "abc")).isEqualTo(401);
            assertThat(github.send("push", "{\"ref\":\"refs/heads/main\"", github.signature(
                    "{\"ref\":\"refs/heads/main\""), "d-1")).isEqualTo(400);
            assertThat(github.push("refs/heads/feature", "abc")).isEqualTo(202);
            assertThat(github.send("ping", "{}", github.signature("{}"), "d-2")).isEqualTo(200);

            assertThat(fetches(agent)).isEqualTo(fetchesBefore);
        }
    }

    @Test
    void anOutageOpensTheCircuitKeepsTheLastStateAndRecovers(TestNamespace ns, LocalCluster cluster)
            throws Exception {
        useNamespaces(ns);
        try (Agent agent = Agent.start(config(cluster, Duration.ofMillis(200)))) {
            String first = repo.remoteHead();
            awaitAllSynced(agent, first);

            server.setDown(true);
            repo.write("charts/orders/values.staging.yaml", "replicaCount: 2\n");
            String second = repo.commitAndPush("pushed while the server is down");

            await().atMost(WAIT).until(() -> agent.status().repo().remote() == RepoStatus.Remote.CIRCUIT_OPEN);
            assertThat(agent.status().repo().commit()).contains(first);
            assertThat(agent.status().repo().error()).hasValueSatisfying(e -> assertThat(e)
                    .startsWith("remote unavailable: 2 fetches failed in a row"));
            assertThat(agent.status().units().values()).allSatisfy(u -> assertThat(u.commit()).isEqualTo(first));
            assertThat(get(agent, "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(agent, "/api/status").body()).contains("\"remote\":\"CIRCUIT_OPEN\"");
            assertThat(get(agent, "/metrics").body()).contains("capstan_git_remote_up{remote=\"origin\"} 0.0");

            server.setDown(false);
            awaitAllSynced(agent, second);
            assertThat(agent.status().repo().remote()).isEqualTo(RepoStatus.Remote.UP);
            assertThat(get(agent, "/metrics").body()).contains("capstan_git_remote_up{remote=\"origin\"} 1.0");
        }
    }

    @Test
    void aDeletedBranchOrAnUndeployableCommitKeepsTheLastGoodState(TestNamespace ns, LocalCluster cluster,
                                                                    KubernetesClient client) {
        useNamespaces(ns);
        try (Agent agent = Agent.start(config(cluster, Duration.ofMillis(200)))) {
            String good = repo.remoteHead();
            awaitAllSynced(agent, good);

            LocalGitRepo.git(repo.remote(), "update-ref", "-d", "refs/heads/main");
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.status().repo().error())
                    .hasValueSatisfying(e -> assertThat(e).contains("branch 'main' not found")));
            assertThat(agent.status().units().values()).allSatisfy(u -> assertThat(u.commit()).isEqualTo(good));

            LocalGitRepo.git(repo.workTree(), "rm", "-q", "capstan.yaml");
            String broken = repo.commitAndPush("no capstan.yaml");
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.status().repo().error())
                    .hasValueSatisfying(e -> assertThat(e).contains("commit " + broken.substring(0, 12)
                            + " is not deployable: capstan.yaml: not found")));
            assertThat(agent.status().repo().commit()).contains(broken);
            assertThat(agent.status().units().values()).allSatisfy(u -> assertThat(u.commit()).isEqualTo(good));
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("orders").get()).isNotNull();

            LocalGitRepo.git(repo.workTree(), "checkout", "-q", good, "--", "capstan.yaml");
            String fixed = repo.commitAndPush("capstan.yaml is back");
            awaitAllSynced(agent, fixed);
            assertThat(agent.status().repo().error()).isEmpty();
        }
    }

    @Test
    void aChartDroppedFromCapstanYamlIsReportedAsRemovedWithWhatItLeft(TestNamespace ns, LocalCluster cluster) {
        useNamespaces(ns);
        try (Agent agent = Agent.start(config(cluster, Duration.ofMillis(200)))) {
            awaitAllSynced(agent, repo.remoteHead());
            await().atMost(WAIT).until(() -> agent.status().drift().size() == 4);

            repo.write("capstan.yaml", repo.read("capstan.yaml")
                    .replace("charts: [checkout-api, orders]", "charts: [checkout-api]"));
            String dropped = repo.commitAndPush("orders is no longer deployed from here");

            // Not forgotten: its objects are still in the cluster (removedUnits defaults to keep).
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(agent.status().units().get("orders/staging")).isInstanceOfSatisfying(
                        dev.capstan.agent.sync.UnitOutcome.Removed.class, removed -> {
                            assertThat(removed.commit()).isEqualTo(dropped);
                            assertThat(removed.prune()).isFalse();
                            assertThat(removed.leftovers()).isNotEmpty();
                        });
                assertThat(agent.status().units().get("orders/production"))
                        .isInstanceOf(dev.capstan.agent.sync.UnitOutcome.Removed.class);
                assertThat(agent.status().drift().get("orders/staging").objects()).isNotEmpty().allSatisfy(v ->
                        assertThat(v).isInstanceOf(dev.capstan.agent.drift.ObjectVerdict.Extra.class));
            });
            assertThat(agent.status().units().get("checkout-api/staging"))
                    .isInstanceOf(dev.capstan.agent.sync.UnitOutcome.Synced.class);
        }
    }

    private void useNamespaces(TestNamespace ns) {
        releaseNamespace = ns.name();
        String production = ns.another("prod");
        repo.write("capstan.yaml", repo.read("capstan.yaml")
                .replace("namespace: staging", "namespace: " + ns.name())
                .replace("namespace: production", "namespace: " + production));
        repo.commitAndPush("use the test's namespaces");
    }

    private AgentConfig config(LocalCluster cluster, Duration poll) {
        Path secret = temp.resolve("github-secret");
        try {
            Files.writeString(secret, SECRET);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        AgentConfig.Resilience quick = new AgentConfig.Resilience(2, Duration.ofMillis(20), 2, Duration.ofSeconds(1),
                Duration.ofSeconds(10));
        return new AgentConfig(
                new AgentConfig.Repo(server.url("remote.git"), "main", poll, new GitAuth.None(), quick),
                temp.resolve("cache"),
                new AgentConfig.Cluster(Optional.of(cluster.kubeconfig()), Optional.empty()),
                new AgentConfig.Http("127.0.0.1", 0),
                new WebhookConfig(Map.of(WebhookConfig.Provider.GITHUB, new SecretRef.FromFile(secret)), 100),
                new AgentConfig.Releases(releaseNamespace, 10, true));
    }

    private static void awaitAllSynced(Agent agent, String commit) {
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(agent.status().units()).hasSize(4);
            assertThat(agent.status().units().values()).allSatisfy(u -> {
                assertThat(u).isInstanceOf(UnitOutcome.Synced.class);
                assertThat(u.commit()).isEqualTo(commit);
            });
        });
    }

    private static long fetches(Agent agent) {
        return agent.metrics().find("capstan_git_fetch_seconds").timers().stream().mapToLong(Timer::count).sum();
    }

    private static long renders(Agent agent) {
        return agent.metrics().get("capstan_render_seconds").timer().count();
    }

    private HttpResponse<String> get(Agent agent, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
