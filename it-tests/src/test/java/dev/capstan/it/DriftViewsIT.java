package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two ways people look at drift: `capstan diff` (the real jar) and the web page (in headless Chromium). */
@KubernetesCluster
class DriftViewsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void capstanDiffExitsZeroOneOrTwoLikeKubectlDiff(TestNamespace ns, LocalCluster cluster,
                                                     KubernetesClient client) {
        LocalGitRepo repo = exampleRepo(ns);
        try (Agent agent = Agent.start(config(repo, cluster, ns))) {
            await().atMost(WAIT).until(() -> agent.status().drift().size() == 4 && agent.status().drift().values()
                    .stream().allMatch(d -> d.state() == UnitDrift.State.InSync));
        }
        String dir = repo.workTree().toString();
        String kubeconfig = cluster.kubeconfig().toString();

        // The agent's install is named after its records' namespace, the test's.
        CapstanProcess.Result clean = CapstanProcess.run("diff", dir, "--env", "staging", "--kubeconfig", kubeconfig,
                "--install", ns.name());
        client.apps().deployments().inNamespace(ns.name()).withName("orders").patch(
                PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"replicas\":5}}");
        CapstanProcess.Result drifted = CapstanProcess.run("diff", dir, "--env", "staging", "--kubeconfig",
                kubeconfig, "--install", ns.name());
        Path dead = temp.resolve("dead-kubeconfig");
        writeDeadKubeconfig(dead);
        CapstanProcess.Result unreachable = CapstanProcess.run("diff", dir, "--env", "staging", "--kubeconfig",
                dead.toString());

        assertThat(clean.exit()).as(clean.err()).isZero();
        assertThat(clean.out()).isEmpty();
        assertThat(drifted.exit()).as(drifted.err()).isEqualTo(1);
        assertThat(drifted.out()).contains("--- live/Deployment/" + ns.name() + "/orders", "-  replicas: 5",
                "+  replicas: 1").doesNotContain("checkout-api");
        assertThat(unreachable.exit()).isEqualTo(2);
        assertThat(unreachable.err()).isEqualTo("capstan diff: cannot compare with cluster https://127.0.0.1:1 "
                + "(kubeconfig " + dead + ", context dead, user u): connection refused\n");
        CapstanProcess.Result noHistory = CapstanProcess.run("history", "orders", "staging", "--kubeconfig",
                dead.toString());
        assertThat(noHistory.exit()).isEqualTo(2);
        assertThat(noHistory.err()).isEqualTo("capstan history: cannot read the release records in namespace "
                + "capstan-system of cluster https://127.0.0.1:1 (kubeconfig " + dead + ", context dead, user u): "
                + "connection refused\n");
    }

    @Test
    void refusedCredentialsAreNamedWithTheClusterAndTheUser(LocalCluster cluster) {
        Path intruder = temp.resolve("intruder-kubeconfig");
        writeKubeconfig(intruder, cluster.apiUrl(), "intruder");

        CapstanProcess.Result history = CapstanProcess.run("history", "orders", "staging", "--kubeconfig",
                intruder.toString());

        assertThat(history.exit()).isEqualTo(2);
        assertThat(history.err()).isEqualTo("capstan history: cannot read the release records in namespace "
                + "capstan-system of cluster " + cluster.apiUrl() + " (kubeconfig " + intruder + ", context dead, "
                + "user intruder): 401 Unauthorized: the API server refused the credentials of user intruder "
                + "(expired or revoked token, or wrong certificate)\n");
        assertThat(history.err()).doesNotContain("not-a-valid-token");
    }

    @Test
    void theWebPageListsUnitsAndShowsAUnitsDrift(TestNamespace ns, LocalCluster cluster, KubernetesClient client)
            throws Exception {
        LocalGitRepo repo = exampleRepo(ns);
        try (Agent agent = Agent.start(config(repo, cluster, ns))) {
            await().atMost(WAIT).until(() -> agent.status().drift().size() == 4);
            client.apps().deployments().inNamespace(ns.name()).withName("orders").patch(
                    PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"replicas\":4}}");
            await().atMost(WAIT).until(() -> agent.status().drift().get("orders/staging").state()
                    == UnitDrift.State.OutOfSync);
            String base = "http://127.0.0.1:" + agent.httpPort();

            String dom = headlessChromium(base + "/#orders/staging");

            assertThat(dom).contains("checkout-api/production", "checkout-api/staging", "orders/production",
                    "orders/staging", "OutOfSync", "1 Modified", "spec.replicas: 4 → 1",
                    "/api/drift/orders/staging?format=diff");
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.headers().firstValue("Content-Security-Policy")).contains(
                    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
                            + "frame-ancestors 'none'");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        }
    }

    /** The DOM after the page's scripts ran, as Chromium rendered it. */
    private String headlessChromium(String url) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(temp.resolve("chromium-profile"));
        Process chromium = new ProcessBuilder(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=10000", "--dump-dom", url))
                .redirectError(temp.resolve("chromium.log").toFile())
                .start();
        String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(chromium.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return dom;
    }

    private static void writeDeadKubeconfig(Path file) {
        writeKubeconfig(file, "https://127.0.0.1:1", "u");
    }

    private static void writeKubeconfig(Path file, String server, String user) {
        try {
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: dead, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                    users: [{name: %s, user: {token: not-a-valid-token}}]
                    contexts: [{name: dead, context: {cluster: dead, user: %s}}]
                    current-context: dead
                    """.formatted(server, user, user));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private LocalGitRepo exampleRepo(TestNamespace ns) {
        return Examples.reportingRepo(temp.resolve("git"), ns);
    }

    private AgentConfig config(LocalGitRepo repo, LocalCluster cluster, TestNamespace ns) {
        return Examples.agentConfig(repo.url(), Duration.ofMillis(300), temp.resolve("cache"), cluster, ns);
    }
}
