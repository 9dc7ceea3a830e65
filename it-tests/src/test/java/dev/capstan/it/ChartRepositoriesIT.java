package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.ChartsConfig;
import dev.capstan.agent.config.SecretRef;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Charts from a real OCI registry and a real classic Helm repository (issue 32): an umbrella chart whose Chart.lock
 * (written by {@code helm dependency update}) pins one dependency from each, and a third-party chart named by
 * reference with its values in git, go through canary, drift healing and rollback like a vendored chart; the cache
 * carries them while the registry is down and across an agent restart; broken and hostile sources fail their unit
 * alone with a plain error; the registry password is in no output.
 */
@KubernetesCluster
class ChartRepositoriesIT {
    private static final Duration WITHIN = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    @Test
    void anUmbrellaWithLockedDependenciesAndAChartByReferenceDeployLikeVendoredCharts(TestNamespace ns,
            LocalCluster cluster, KubernetesClient client) throws Exception {
        try (ChartServers servers = new ChartServers(temp.resolve("servers"))) {
            servers.publishClassic(servers.packaged(servers.chart("backend", "1.0.0", "1")));
            servers.push(servers.packaged(servers.chart("frontend", "1.0.0", "1")));
            String shop100 = servers.push(servers.packaged(servers.chart("shop", "1.0.0", "1")));
            servers.push(servers.packaged(servers.chart("shop", "1.1.0", "crashloop")));
            servers.push(servers.packaged(servers.chart("shop", "1.2.0", "2")));

            RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
            repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]",
                    "charts: [platform, shop]"));
            String lock = umbrella(servers, repo, "~1.0.0");
            assertThat(lock).contains("name: backend", "name: frontend", "version: 1.0.0");
            repo.git.write("charts/shop/chart-source.yaml", reference(servers, "1.0.0", shop100));
            repo.git.write("charts/shop/values.yaml", "greeting: from-git\n");
            repo.git.write("charts/shop/values.staging.yaml", "replicas: 3\n");
            String first = repo.commit("platform (locked dependencies) and shop (a chart by reference)");

            Path cache = temp.resolve("cache");
            try (Agent agent = Agent.start(config(servers, repo, cluster, ns, cache))) {
                RolloutAgents.awaitSynced(agent, "platform/staging", first);
                RolloutAgents.awaitSynced(agent, "shop/staging", first);
                assertThat(RolloutAgents.image(client, ns.name(), "platform-backend"))
                        .isEqualTo("registry.example.com/backend:1");
                assertThat(RolloutAgents.image(client, ns.name(), "platform-frontend"))
                        .isEqualTo("registry.example.com/frontend:1");
                Deployment shop = deployment(client, ns, "shop-shop");
                assertThat(shop.getSpec().getReplicas()).isEqualTo(3);
                assertThat(greeting(shop)).isEqualTo("from-git");
                assertThat(agent.status().releases().get("shop/staging")).last()
                        .satisfies(r -> assertThat(r.chartVersion()).isEqualTo("1.0.0"));

                // Drift of a fetched chart's object is healed like any other.
                await().atMost(WITHIN).until(() -> agent.status().drift().get("shop/staging") != null
                        && agent.status().drift().get("shop/staging").state() == UnitDrift.State.InSync);
                client.apps().deployments().inNamespace(ns.name()).withName("shop-shop").scale(1);
                await().atMost(WITHIN).untilAsserted(() -> assertThat(deployment(client, ns, "shop-shop").getSpec()
                        .getReplicas()).isEqualTo(3));

                // A new chart version that crash-loops: the canary fails, the stable version stays, quarantined.
                repo.git.write("charts/shop/chart-source.yaml", reference(servers, "1.1.0", null));
                String broken = repo.commit("shop 1.1.0");
                UnitOutcome.Held held = RolloutAgents.awaitHeld(agent, "shop/staging", broken);
                assertThat(held.message()).contains("CrashLoopBackOff");
                assertThat(RolloutAgents.image(client, ns.name(), "shop-shop"))
                        .isEqualTo("registry.example.com/shop:1");

                // The registry goes down: a version fetched before still renders (values changed, a new release).
                servers.stopRegistry();
                repo.git.write("charts/shop/chart-source.yaml", reference(servers, "1.0.0", shop100));
                repo.git.write("charts/shop/values.yaml", "greeting: while-the-registry-is-down\n");
                String cached = repo.commit("shop back to 1.0.0, new greeting");
                RolloutAgents.awaitSynced(agent, "shop/staging", cached);
                assertThat(greeting(deployment(client, ns, "shop-shop"))).isEqualTo("while-the-registry-is-down");

                // A version never fetched fails its unit alone, naming the registry; the next cycles retry.
                repo.git.write("charts/shop/chart-source.yaml", reference(servers, "1.2.0", null));
                String fresh = repo.commit("shop 1.2.0 while the registry is down");
                await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().unit("shop/staging"))
                        .isInstanceOfSatisfying(UnitOutcome.Failed.class, failed -> {
                            assertThat(failed.commit()).isEqualTo(fresh);
                            assertThat(failed.stage()).isEqualTo(UnitOutcome.Stage.RENDER);
                            assertThat(failed.message()).startsWith("shop/staging chart-source.yaml: cannot fetch "
                                    + "chart shop 1.2.0 from " + servers.ociRepository() + ": shop:1.2.0: "
                                    + "connection refused");
                        }));
                RolloutAgents.awaitSynced(agent, "platform/staging", fresh);
                servers.startRegistry();
                RolloutAgents.awaitSynced(agent, "shop/staging", fresh);
                assertThat(RolloutAgents.image(client, ns.name(), "shop-shop"))
                        .isEqualTo("registry.example.com/shop:2");
            }

            // The cache is on the agent's volume: a new agent renders a changed unit with the registry down.
            servers.stopRegistry();
            repo.git.write("charts/shop/values.yaml", "greeting: after-a-restart\n");
            String restarted = repo.commit("a new greeting while agent and registry are down");
            try (Agent agent = Agent.start(config(servers, repo, cluster, ns, cache))) {
                RolloutAgents.awaitSynced(agent, "shop/staging", restarted);
                RolloutAgents.awaitSynced(agent, "platform/staging", restarted);
                assertThat(greeting(deployment(client, ns, "shop-shop"))).isEqualTo("after-a-restart");
            }
            assertSecretNowhere(servers.password);
        }
    }

    @Test
    void brokenAndHostileSourcesFailTheirUnitAloneWithAPlainError(TestNamespace ns, LocalCluster cluster)
            throws Exception {
        try (ChartServers servers = new ChartServers(temp.resolve("servers"))) {
            servers.publishClassic(servers.packaged(servers.chart("backend", "1.0.0", "1")));
            servers.push(servers.packaged(servers.chart("frontend", "1.0.0", "1")));
            // Tampered: the archive replaced after the index listed its digest.
            Path good = servers.packaged(servers.chart("tampered", "1.0.0", "1"));
            servers.publishClassic(good);
            byte[] evil = Files.readAllBytes(servers.packaged(servers.chart("tampered", "1.0.0", "evil")));
            Files.write(servers.classicDir.resolve("tampered-1.0.0.tgz"), evil);
            // Zip slip: listed with its true digest (helm repo index refuses it), so only the unpacking can refuse it.
            servers.listByHand("slip", "1.0.0", servers.zipSlip());

            RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
            repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]",
                    "charts: [web, platform, tampered, slip, elsewhere, nologin, nolock]"));
            umbrella(servers, repo, "~1.0.0");
            // The lock was written for ~1.0.0; Chart.yaml now wants ^2.0.0.
            repo.git.write("charts/platform/Chart.yaml", repo.git.read("charts/platform/Chart.yaml")
                    .replace("~1.0.0", "^2.0.0"));
            repo.git.write("charts/tampered/chart-source.yaml", "repository: " + servers.classicRepository()
                    + "\nchart: tampered\nversion: 1.0.0\n");
            repo.git.write("charts/slip/chart-source.yaml", "repository: " + servers.classicRepository()
                    + "\nchart: slip\nversion: 1.0.0\n");
            repo.git.write("charts/elsewhere/chart-source.yaml", "repository: https://charts.example.com\n"
                    + "chart: ingress-nginx\nversion: 4.15.1\n");
            // The registry's own host under another name: the agent has no login for it.
            repo.git.write("charts/nologin/chart-source.yaml", "repository: oci://localhost:" + servers.registryPort
                    + "/charts\nchart: frontend\nversion: 1.0.0\n");
            repo.git.write("charts/nolock/Chart.yaml", "apiVersion: v2\nname: nolock\nversion: 0.1.0\n"
                    + "dependencies:\n  - {name: backend, version: 1.0.0, repository: \""
                    + servers.classicRepository() + "\"}\n");
            String commit = repo.commit("one good chart and six that cannot be rendered");

            try (Agent agent = Agent.start(config(servers, repo, cluster, ns, temp.resolve("cache")))) {
                RolloutAgents.awaitSynced(agent, "web/staging", commit);
                assertFailed(agent, "platform/staging", "platform/staging Chart.lock: the lock file (Chart.lock) is "
                        + "out of sync with the dependencies file (Chart.yaml): dependency backend: Chart.lock pins "
                        + "1.0.0, which Chart.yaml's version '^2.0.0' does not allow");
                assertFailed(agent, "tampered/staging", "is not the index's sha256:");
                assertFailed(agent, "slip/staging", "entry 'slip/../../../../tmp/capstan-slipped' leaves the chart's "
                        + "directory; nothing rendered from it");
                assertFailed(agent, "elsewhere/staging", "repository https://charts.example.com is not allowed by "
                        + "the agent config (charts.allowedRepositories: [http://127.0.0.1:, oci://127.0.0.1:, "
                        + "oci://localhost:])");
                assertFailed(agent, "nologin/staging", "HTTP 401 (a login for this host in the agent config's "
                        + "charts.repositories?)");
                assertFailed(agent, "nolock/staging", "nolock/staging Chart.yaml: dependency backend comes from "
                        + servers.classicRepository() + " and no Chart.lock pins its version");
                assertThat(Path.of("/tmp/capstan-slipped")).doesNotExist();
            }
            assertSecretNowhere(servers.password);
        }
    }

    @Test
    void capstanRenderAndLintFetchAsTheAgentDoesAndRenderWhatHelmRenders() throws Exception {
        try (ChartServers servers = new ChartServers(temp.resolve("servers"))) {
            servers.publishClassic(servers.packaged(servers.chart("backend", "1.0.0", "1")));
            servers.push(servers.packaged(servers.chart("frontend", "1.0.0", "1")));
            servers.push(servers.packaged(servers.chart("shop", "1.0.0", "1")));
            Path repo = temp.resolve("repo");
            ChartServers.write(repo.resolve("capstan.yaml"), """
                    environments: [{name: staging, namespace: shop}]
                    charts: [platform, shop]
                    """);
            ChartServers.write(repo.resolve("charts/shop/chart-source.yaml"), reference(servers, "1.0.0", null));
            ChartServers.write(repo.resolve("charts/shop/values.yaml"), "greeting: from-git\n");
            ChartServers.write(repo.resolve("charts/shop/values.staging.yaml"), "replicas: 3\n");
            Path platform = repo.resolve("charts/platform");
            ChartServers.write(platform.resolve("Chart.yaml"), "apiVersion: v2\nname: platform\nversion: 0.1.0\n"
                    + "dependencies:\n  - {name: backend, version: \"~1.0.0\", repository: \""
                    + servers.classicRepository() + "\"}\n");
            servers.lock(platform);
            // Helm's own render of the umbrella, from the charts/ its dependency update downloaded; then committed
            // (here: left) without them, as Capstan's users do.
            String helmPlatform = servers.helm("template", "platform", platform.toString(), "--namespace", "shop");
            ChartServers.deleteTree(platform.resolve("charts"));
            Path agentConfig = temp.resolve("agent.yaml");
            ChartServers.write(agentConfig, """
                    repo: {url: "https://git.example.com/gitops.git"}
                    charts:
                      cacheDir: %s
                      allowedRepositories: ["http://127.0.0.1:", "oci://127.0.0.1:"]
                      repositories:
                        - {host: "127.0.0.1:%d", username: %s, passwordFile: %s, caFile: %s}
                    """.formatted(temp.resolve("cli-cache"), servers.registryPort, ChartServers.USER,
                    servers.passwordFile, servers.caFile));

            Cli render = Cli.run("render", repo.toString(), "--agent-config", agentConfig.toString());
            assertThat(render.exit()).as(render.err()).isZero();
            // Helm's own render of the same chart, version and values, pulled from the same registry.
            String helm = servers.helm("template", "shop", servers.ociRepository() + "/shop", "--version", "1.0.0",
                    "--namespace", "shop", "-f", repo.resolve("charts/shop/values.yaml").toString(), "-f",
                    repo.resolve("charts/shop/values.staging.yaml").toString(), "--ca-file", servers.caFile.toString());
            assertThat(containerOf(render.out(), "shop-shop")).isEqualTo(containerOf(helm, "shop-shop"))
                    .contains("from-git");
            assertThat(containerOf(render.out(), "platform-backend")).isEqualTo(containerOf(helmPlatform,
                    "platform-backend")).contains("registry.example.com/backend:1");
            assertThat(render.out()).contains("replicas: 3");
            assertThat(temp.resolve("cli-cache/archives")).isNotEmptyDirectory();

            Cli lint = Cli.run("lint", repo.toString(), "--agent-config", agentConfig.toString());
            assertThat(lint.exit()).as(lint.out() + lint.err()).isZero();
            // Both were rendered and checked: the object rules speak of each one's Deployment.
            assertThat(lint.out()).contains("2 chart(s)", "shop/staging", "platform/staging");

            // Without the agent config: the default policy (https and oci only, no login, public CAs).
            Cli refused = Cli.run("render", repo.toString(), "--chart", "platform");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("ERROR platform/staging Chart.lock: repository "
                    + servers.classicRepository() + " is not allowed by the agent config");
            assertThat(render.out() + render.err() + lint.out() + lint.err() + refused.err())
                    .doesNotContain(servers.password);
        }
    }

    private record Cli(int exit, String out, String err) {
        static Cli run(String... args) {
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            picocli.CommandLine cli = new picocli.CommandLine(new dev.capstan.agent.cli.CapstanCli());
            cli.setOut(new java.io.PrintWriter(out));
            cli.setErr(new java.io.PrintWriter(err));
            int exit = cli.execute(args);
            return new Cli(exit, out.toString(), err.toString());
        }
    }

    /** The containers of Deployment {@code name} in a multi-document render, as YAML. */
    private static String containerOf(String rendered, String name) {
        return dev.capstan.agent.model.Yaml.readDocuments(rendered, "render", "").stream()
                .filter(d -> d instanceof java.util.Map<?, ?> m && "Deployment".equals(m.get("kind"))
                        && name.equals(((java.util.Map<?, ?>) m.get("metadata")).get("name")))
                .map(d -> ((java.util.Map<?, ?>) ((java.util.Map<?, ?>) ((java.util.Map<?, ?>) ((java.util.Map<?, ?>)
                        d).get("spec")).get("template")).get("spec")).get("containers").toString())
                .findFirst().orElseThrow(() -> new AssertionError("no Deployment " + name + " in " + rendered));
    }

    /** charts/platform: an umbrella whose Chart.lock helm wrote, committed without charts/. */
    private static String umbrella(ChartServers servers, RolloutRepo repo, String range) {
        String chartYaml = "apiVersion: v2\nname: platform\nversion: 0.1.0\ndependencies:\n"
                + "  - name: backend\n    version: \"" + range + "\"\n    repository: " + servers.classicRepository()
                + "\n  - name: frontend\n    version: \"" + range + "\"\n    repository: " + servers.ociRepository()
                + "\n    condition: frontend.enabled\n";
        Path work = servers.dir.resolve("umbrella-" + range.hashCode()).resolve("platform");
        ChartServers.write(work.resolve("Chart.yaml"), chartYaml);
        String lock = servers.lock(work);
        repo.git.write("charts/platform/Chart.yaml", chartYaml);
        repo.git.write("charts/platform/Chart.lock", lock);
        repo.git.write("charts/platform/values.yaml", "frontend: {enabled: true}\n");
        return lock;
    }

    private static String reference(ChartServers servers, String version, String digest) {
        return "repository: " + servers.ociRepository() + "\nchart: shop\nversion: " + version + "\n"
                + (digest == null ? "" : "digest: " + digest + "\n");
    }

    private static AgentConfig config(ChartServers servers, RolloutRepo repo, LocalCluster cluster,
                                      TestNamespace ns, Path cache) {
        ChartsConfig charts = new ChartsConfig(Optional.empty(), List.of("http://127.0.0.1:", "oci://127.0.0.1:",
                "oci://localhost:"),
                List.of(new ChartsConfig.Login("127.0.0.1:" + servers.registryPort, Optional.of(ChartServers.USER),
                        Optional.of(new SecretRef.FromFile(servers.passwordFile)), Optional.empty(),
                        Optional.of(servers.caFile)),
                        // The same registry by another name: its CA, but no login.
                        new ChartsConfig.Login("localhost:" + servers.registryPort, Optional.empty(), Optional.empty(),
                                Optional.empty(), Optional.of(servers.caFile))),
                ChartsConfig.DEFAULT_MAX_ARCHIVE_BYTES);
        return Examples.agentConfig(repo.git.url(), Duration.ofMillis(300), cache, cluster, ns).withCharts(charts);
    }

    private static void assertFailed(Agent agent, String unit, String message) {
        await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().unit(unit))
                .isInstanceOfSatisfying(UnitOutcome.Failed.class, failed -> {
                    assertThat(failed.stage()).isEqualTo(UnitOutcome.Stage.RENDER);
                    assertThat(failed.message()).contains(message);
                }));
    }

    private void assertSecretNowhere(String secret) {
        assertThat(logs.events()).isNotEmpty();
        assertThat(logs.events()).noneSatisfy(event -> assertThat(event.getFormattedMessage()).contains(secret));
        assertThat(logs.events()).anySatisfy(event -> assertThat(event.getFormattedMessage())
                .contains("fetched chart"));
    }

    private static Deployment deployment(KubernetesClient client, TestNamespace ns, String name) {
        return client.apps().deployments().inNamespace(ns.name()).withName(name).get();
    }

    private static String greeting(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("GREETING")).findFirst().orElseThrow().getValue();
    }
}
