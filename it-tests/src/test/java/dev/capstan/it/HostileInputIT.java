package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.drift.ObjectVerdict;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the agent attacked through what git and the cluster hand it, against the real control plane. Each bad
 * input fails its own unit with a clear reason; other units carry on; nothing is half-applied; no secret or remote
 * body is repeated.
 */
@KubernetesCluster
class HostileInputIT {
    private static final Duration WITHIN = Duration.ofSeconds(90);
    private static final String FAKE_KEY = "AKIAFAKEKEY1234567890EXAMPLE";

    @TempDir
    Path temp;
    private final HttpClient http = HttpClient.newHttpClient();

    /** The rollout fixture's staging alone, with every chart under charts/ deployed (no charts: list). */
    private RolloutRepo repo(TestNamespace ns) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]\n", ""));
        return repo;
    }

    /** A copy of the fixture's web chart under another name (its objects are named after the release). */
    private static void copyChart(LocalGitRepo git, String name) {
        for (String file : List.of("Chart.yaml", "values.yaml", "templates/configmap.yaml",
                "templates/deployment.yaml", "templates/service.yaml")) {
            String text = git.read("charts/web/" + file);
            git.write("charts/" + name + "/" + file, file.equals("Chart.yaml") ? text.replace("name: web",
                    "name: " + name) : text);
        }
    }

    private Agent start(RolloutRepo repo, LocalCluster cluster, TestNamespace ns, AgentConfig.Checks checks) {
        return Agent.start(Examples.agentConfig(repo.git.url(), Duration.ofMillis(300), temp.resolve("cache"),
                cluster, ns).withChecks(checks));
    }

    private static UnitOutcome awaitState(Agent agent, String unit, Class<? extends UnitOutcome> state) {
        await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().units().get(unit)).isInstanceOf(state));
        return agent.status().units().get(unit);
    }

    private String get(Agent agent, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aRecursiveSchemaOrABadChartNameFailsOnlyItsUnit(TestNamespace ns, LocalCluster cluster) {
        RolloutRepo repo = repo(ns);
        copyChart(repo.git, "loop");
        repo.git.write("charts/loop/values.schema.json",
                "{\"definitions\": {\"a\": {\"anyOf\": [{\"$ref\": \"#/definitions/b\"}]}, \"b\": {\"$ref\": "
                        + "\"#/definitions/a\"}}, \"$ref\": \"#/definitions/a\"}");
        copyChart(repo.git, "Bad_Name");
        String commit = repo.commit("a chart with a recursive schema, one with a bad name, and web");

        try (Agent agent = start(repo, cluster, ns, AgentConfig.Checks.none())) {
            RolloutAgents.awaitSynced(agent, "web/staging", commit);
            UnitOutcome.Failed loop = (UnitOutcome.Failed) awaitState(agent, "loop/staging", UnitOutcome.Failed.class);
            assertThat(loop.stage()).isEqualTo(UnitOutcome.Stage.RENDER);
            assertThat(loop.commit()).isEqualTo(commit);
            assertThat(loop.message()).startsWith("loop values.schema.json: $ref cycle")
                    .contains("#/definitions/a -> #/definitions/b -> #/definitions/a");
            UnitOutcome.Failed bad = (UnitOutcome.Failed) awaitState(agent, "Bad_Name/staging",
                    UnitOutcome.Failed.class);
            assertThat(bad.message()).startsWith("charts/Bad_Name: a chart directory's name must be a DNS label");
            await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().drift().get("loop/staging"))
                    .satisfies(d -> assertThat(d.state()).isEqualTo(UnitDrift.State.Unknown)));
            assertThat(agent.status().releases().get("loop/staging")).as("nothing was applied").isNull();
        }
    }

    @Test
    void patternsAndHangingServersFromGitEndWithTheStep(TestNamespace ns, LocalCluster cluster) throws Exception {
        try (CheckServer checks = CheckServer.start()) {
            RolloutRepo repo = repo(ns);
            repo.rollout("staging", """
                        rollout: {strategy: rolling, stepTimeout: 4s}
                        smoke:
                          - {name: trap, url: "%s/aaaa", bodyMatches: "a*a*a*a*a*a*a*a*a*b", interval: 100ms}
                          - {name: hang, url: "%s/hang", timeout: 60s}
                    """.formatted(checks.url(), checks.url()));
            copyChart(repo.git, "other");
            repo.git.write("capstan.yaml", repo.git.read("capstan.yaml") + "charts: [web]\n");
            String first = repo.commit("web with hostile checks");

            try (Agent agent = start(repo, cluster, ns, new AgentConfig.Checks(List.of("127.0.0.0/8")))) {
                UnitOutcome.Held held = RolloutAgents.awaitHeld(agent, "web/staging", first);
                assertThat(held.hold()).isEqualTo(Release.Hold.QUARANTINED);
                assertThat(agent.status().releases().get("web/staging").get(0).failingChecks())
                        .anySatisfy(s -> assertThat(s).contains("not healthy within 4s"))
                        .anySatisfy(s -> assertThat(s).contains("check trap").contains("body does not match"));

                // The worker that ran the gate is free: another unit's gate runs and ends the same way.
                repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]\n",
                        "charts: [web, other]\n"));
                String second = repo.commit("deploy other too");
                RolloutAgents.awaitHeld(agent, "other/staging", second);
                assertThat(agent.status().releases().get("other/staging").get(0).failingChecks())
                        .anySatisfy(s -> assertThat(s).contains("check hang: no answer before the step's deadline"));
                assertThat(checks.requests()).isGreaterThan(2);
            }
        }
    }

    @Test
    void checksNeverReachInwardAddressesNorRepeatWhatTheyRead(TestNamespace ns, LocalCluster cluster)
            throws Exception {
        try (CheckServer checks = CheckServer.start()) {
            RolloutRepo repo = repo(ns);
            String first = repo.commit("web");
            try (Agent agent = start(repo, cluster, ns, AgentConfig.Checks.none())) {
                RolloutAgents.awaitSynced(agent, "web/staging", first);

                repo.rollout("staging", """
                            rollout: {strategy: rolling, stepTimeout: 30s}
                            smoke: [{name: metadata, url: "http://169.254.169.254/latest/meta-data/"}]
                        """);
                String metadata = repo.image("2", "a check that asks the cloud metadata service");
                RolloutAgents.awaitHeld(agent, "web/staging", metadata);
                assertThat(agent.status().releases().get("web/staging").get(1).failingChecks()).singleElement()
                        .satisfies(s -> assertThat(s).contains("link-local").contains("checks.allow"));

                // Loopback stands for the agent's own API here: the agent listens there too.
                repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace(
                        "smoke: [{name: metadata, url: \"http://169.254.169.254/latest/meta-data/\"}]",
                        "prometheus: [{name: own, url: \"" + checks.url() + "\", query: up, min: 1}]"));
                String own = repo.image("3", "a check that asks the agent's own address");
                RolloutAgents.awaitHeld(agent, "web/staging", own);
                assertThat(agent.status().releases().get("web/staging")).filteredOn(r -> r.commit().equals(own)
                        && r.rollbackTo() == 0).singleElement().satisfies(r -> assertThat(r.failingChecks())
                        .singleElement().satisfies(s -> assertThat(s).contains("loopback")));
                assertThat(checks.requests()).as("nothing was asked").isZero();
            }
        }
    }

    @Test
    void aPrometheusAnswerIsNeverRepeated(TestNamespace ns, LocalCluster cluster) throws Exception {
        try (CheckServer checks = CheckServer.start()) {
            checks.prometheusAnswer("{\"status\":\"error\",\"errorType\":\"" + FAKE_KEY + "\",\"error\":\""
                    + FAKE_KEY + "\"}");
            RolloutRepo repo = repo(ns);
            String first = repo.commit("web");
            try (Agent agent = start(repo, cluster, ns, new AgentConfig.Checks(List.of("127.0.0.0/8")))) {
                RolloutAgents.awaitSynced(agent, "web/staging", first);
                repo.rollout("staging", """
                            rollout: {strategy: rolling, stepTimeout: 3s}
                            prometheus: [{name: errors, url: "%s", query: "up", min: 1}]
                        """.formatted(checks.url()));
                String second = repo.image("2", "a prometheus that is not one");
                RolloutAgents.awaitHeld(agent, "web/staging", second);
                assertThat(checks.requests()).isPositive();
                for (String path : List.of("/api/status", "/api/releases", "/api/incidents", "/metrics")) {
                    assertThat(get(agent, path)).as(path).doesNotContain(FAKE_KEY);
                }
                assertThat(agent.status().releases().get("web/staging").get(1).failingChecks())
                        .anySatisfy(s -> assertThat(s).contains("check errors").contains("query failed"));
            }
        }
    }

    @Test
    void aUnitNeverTakesOverAnotherUnitsObject(TestNamespace ns, LocalCluster cluster, KubernetesClient client) {
        RolloutRepo repo = repo(ns);
        String first = repo.commit("web alone");
        try (Agent agent = start(repo, cluster, ns, AgentConfig.Checks.none())) {
            RolloutAgents.awaitSynced(agent, "web/staging", first);

            repo.git.write("charts/thief/Chart.yaml", "apiVersion: capstan/v1\nname: thief\nversion: 1.0.0\n");
            repo.git.write("charts/thief/values.yaml", "greeting: mine\n");
            repo.git.write("charts/thief/templates/configmaps.yaml", """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: thief-own}
                    data: {a: b}
                    ---
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: web-config}
                    data: {greeting: {{ values.greeting | quote }}}
                    """);
            String second = repo.commit("thief renders web's ConfigMap");
            UnitOutcome.Failed failed = (UnitOutcome.Failed) awaitState(agent, "thief/staging",
                    UnitOutcome.Failed.class);
            assertThat(failed.commit()).isEqualTo(second);
            assertThat(failed.message()).contains("ConfigMap", "web-config", "belongs to unit web/staging",
                    "unit thief/staging renders it too");
            ConfigMap live = client.configMaps().inNamespace(ns.name()).withName("web-config").get();
            assertThat(live.getData()).containsEntry("greeting", "hello");
            assertThat(live.getMetadata().getLabels()).containsEntry("capstan.dev/chart", "web");
            assertThat(client.configMaps().inNamespace(ns.name()).withName("thief-own").get())
                    .as("nothing of the set was written").isNull();
            RolloutAgents.awaitSynced(agent, "web/staging", second);

            // Nor may a chart forge the agent's own release records (the test keeps them in its namespace).
            repo.git.write("charts/thief/templates/configmaps.yaml", """
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: capstan.release.web.staging.v1}
                    stringData: {release: forged}
                    """);
            String forged = repo.commit("thief forges web's release record");
            await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().units().get("thief/staging"))
                    .isInstanceOfSatisfying(UnitOutcome.Failed.class, f -> {
                        assertThat(f.commit()).isEqualTo(forged);
                        assertThat(f.message()).contains("capstan.release.web.staging.v1", "reserved");
                    }));
            assertThat(agent.status().releases().get("web/staging")).first()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(Release.Status.DEPLOYED));
            assertThat(client.secrets().inNamespace(ns.name()).withName("capstan.release.web.staging.v1").get()
                    .getData()).doesNotContainKey("release");
        }
    }

    @Test
    void noUnitWritesIntoTheAgentsOwnNamespace(TestNamespace ns, LocalCluster cluster, KubernetesClient client) {
        String agentNs = ns.another("agent");
        RolloutRepo repo = repo(ns);
        repo.git.write("charts/web/templates/takeover.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: capstan-api-tokens, namespace: %s}
                stringData: {tokens.yaml: "- {name: evil, role: admin, token: evil-token-0123456789}"}
                """.formatted(agentNs));
        String commit = repo.commit("web also replaces the agent's API tokens");
        AgentConfig base = Examples.agentConfig(repo.git.url(), Duration.ofMillis(300), temp.resolve("cache"),
                cluster, ns);
        AgentConfig strict = new AgentConfig(base.repo(), base.cacheDir(), base.cluster(), base.http(),
                base.webhooks(), new AgentConfig.Releases(agentNs, 10), base.alerts(), base.tracing(), base.api(),
                base.ha(), base.clusters(), AgentConfig.Checks.none());
        try (Agent agent = Agent.start(strict)) {
            UnitOutcome.Failed failed = (UnitOutcome.Failed) awaitState(agent, "web/staging",
                    UnitOutcome.Failed.class);
            assertThat(failed.commit()).isEqualTo(commit);
            assertThat(failed.message()).contains("capstan-api-tokens", "namespace " + agentNs + " is the agent's own",
                    "releases.unitsMayDeployHere");
            assertThat(client.secrets().inNamespace(agentNs).withName("capstan-api-tokens").get()).isNull();
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("web").get())
                    .as("nothing of the unit was applied").isNull();
        }
    }

    @Test
    void aRemovedUnitIsReportedAndPrunedOnlyWhenSaid(TestNamespace ns, LocalCluster cluster,
                                                     KubernetesClient client) {
        RolloutRepo repo = repo(ns);
        copyChart(repo.git, "extra");
        String first = repo.commit("web and extra");
        try (Agent agent = start(repo, cluster, ns, AgentConfig.Checks.none())) {
            RolloutAgents.awaitSynced(agent, "extra/staging", first);

            LocalGitRepo.git(repo.git.workTree(), "rm", "-rq", "charts/extra");
            String removed = repo.commit("extra is gone");
            RolloutAgents.awaitSynced(agent, "web/staging", removed);
            UnitOutcome.Removed kept = (UnitOutcome.Removed) awaitState(agent, "extra/staging",
                    UnitOutcome.Removed.class);
            assertThat(kept.prune()).isFalse();
            assertThat(kept.leftovers()).hasSize(3).anySatisfy(k -> assertThat(k).contains("Deployment"));
            assertThat(agent.status().drift().get("extra/staging").objects())
                    .hasSize(3).allSatisfy(v -> assertThat(v).isInstanceOf(ObjectVerdict.Extra.class));
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("extra").get()).isNotNull();

            // An emptied unit list must not wipe the cluster, whatever the setting says.
            repo.git.write("capstan.yaml", "removedUnits: prune\n" + repo.git.read("capstan.yaml")
                    + "charts: []\n");
            String empty = repo.commit("no units at all");
            await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().units().get("web/staging"))
                    .isInstanceOfSatisfying(UnitOutcome.Removed.class, r -> {
                        assertThat(r.commit()).isEqualTo(empty);
                        assertThat(r.message()).contains("not pruned");
                    }));
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("extra").get()).isNotNull();

            repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: []\n",
                    "charts: [web]\n"));
            String pruning = repo.commit("web again; removed units are pruned");
            RolloutAgents.awaitSynced(agent, "web/staging", pruning);
            await().atMost(WITHIN).untilAsserted(() -> {
                assertThat(agent.status().units()).doesNotContainKey("extra/staging");
                assertThat(agent.status().releases().get("extra/staging")).last()
                        .satisfies(r -> assertThat(r.status()).isEqualTo(Release.Status.UNINSTALLED));
            });
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("extra").get()).isNull();
            assertThat(client.configMaps().inNamespace(ns.name()).withName("extra-config").get()).isNull();
            assertThat(client.configMaps().inNamespace(ns.name()).withName("web-config").get()).isNotNull();
        }
    }

    @Test
    void secretValuesAreMaskedInServerMessagesAndStringDataDriftIsSeen(TestNamespace ns, LocalCluster cluster,
                                                                     KubernetesClient client) throws Exception {
        RolloutRepo repo = repo(ns);
        repo.git.write("charts/web/templates/secret.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: web-token}
                stringData: {token: {{ values.token | quote }}}
                """);
        repo.git.write("charts/web/values.yaml", repo.git.read("charts/web/values.yaml")
                + "token: first-token-value\n");
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("    rollout:",
                "    drift: report\n    rollout:"));
        String first = repo.commit("web with a token");
        try (Agent agent = start(repo, cluster, ns, AgentConfig.Checks.none())) {
            RolloutAgents.awaitSynced(agent, "web/staging", first);
            await().atMost(WITHIN).until(() -> agent.status().drift().get("web/staging") != null
                    && agent.status().drift().get("web/staging").state() == UnitDrift.State.InSync);

            client.secrets().inNamespace(ns.name()).withName("web-token").edit(s -> {
                s.getData().put("token", Base64.getEncoder().encodeToString("changed-by-hand"
                        .getBytes(StandardCharsets.UTF_8)));
                return s;
            });
            await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().drift().get("web/staging"))
                    .satisfies(d -> {
                        assertThat(d.state()).isEqualTo(UnitDrift.State.OutOfSync);
                        assertThat(d.objects()).filteredOn(ObjectVerdict.Modified.class::isInstance)
                                .singleElement().satisfies(v -> assertThat(v.key().kind()).isEqualTo("Secret"));
                    }));
            assertThat(get(agent, "/api/drift/web/staging?format=diff")).doesNotContain("changed-by-hand",
                    "first-token-value");

            // A value pasted where a key goes: the server quotes it back; Capstan never repeats it.
            String secret = "pasted-secret-0123456789";
            repo.git.write("charts/web/templates/secret.yaml", """
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: web-token}
                    stringData:
                      token: {{ values.token | quote }}
                      "{{ values.pasted }}!": "x"
                    """);
            repo.git.write("charts/web/values.yaml", repo.git.read("charts/web/values.yaml")
                    + "pasted: " + secret + "\n");
            String bad = repo.commit("a secret value as a key");
            UnitOutcome.Failed failed = (UnitOutcome.Failed) awaitState(agent, "web/staging",
                    UnitOutcome.Failed.class);
            assertThat(failed.commit()).isEqualTo(bad);
            assertThat(failed.message()).contains("web-token", "***").doesNotContain(secret);
            for (String path : List.of("/api/status", "/api/releases", "/api/drift", "/metrics")) {
                assertThat(get(agent, path)).as(path).doesNotContain(secret);
            }
            Map<String, String> live = client.secrets().inNamespace(ns.name()).withName("web-token").get().getData();
            assertThat(live).doesNotContainKey(secret + "!");
        }
    }
}
