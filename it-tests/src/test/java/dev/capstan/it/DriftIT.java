package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.chart.RenderRequest;
import dev.capstan.agent.cluster.DirectLookup;
import dev.capstan.agent.cluster.DriftChecker;
import dev.capstan.agent.cluster.KubernetesClients;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.drift.FieldChange;
import dev.capstan.agent.drift.ObjectVerdict;
import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.repo.DirectoryTree;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drift against the real apiserver: what Capstan owns, nothing else, and secrets never shown. */
@KubernetesCluster
class DriftIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void appliedUnitsAreInSyncDespiteServerDefaultsAndAnHpaOwningReplicas(TestNamespace ns, LocalCluster cluster,
                                                                         KubernetesClient client) {
        LocalGitRepo repo = exampleRepo(ns);
        try (Agent agent = Agent.start(config(repo, cluster, ns))) {
            awaitDrift(agent, "checkout-api/staging", UnitDrift.State.InSync);
            await().atMost(WAIT).untilAsserted(() -> assertThat(client.apps().deployments().inNamespace(ns.name())
                    .withName("checkout-api").get().getSpec().getReplicas()).as("scaled by the HPA").isEqualTo(2));
            java.time.Instant scaled = java.time.Instant.now();

            await().atMost(WAIT).untilAsserted(() -> {
                UnitDrift drift = agent.status().drift().get("checkout-api/staging");
                assertThat(drift.checkedAt()).as("checked after the HPA scaled").isAfter(scaled);
                assertThat(drift.state()).isEqualTo(UnitDrift.State.InSync);
                assertThat(drift.objects()).hasSize(6).allMatch(ObjectVerdict.InSync.class::isInstance);
            });
            // Production follows staging: its units are checked once they are deployed.
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.status().drift().values()).hasSize(4)
                    .allSatisfy(d -> assertThat(d.state()).isEqualTo(UnitDrift.State.InSync)));
        }
    }

    @Test
    void anEditByAnotherManagerIsModifiedAtExactlyThatPath(TestNamespace ns, LocalCluster cluster,
                                                           KubernetesClient client) throws Exception {
        LocalGitRepo repo = exampleRepo(ns);
        try (Agent agent = Agent.start(config(repo, cluster, ns))) {
            awaitDrift(agent, "orders/staging", UnitDrift.State.InSync);

            client.apps().deployments().inNamespace(ns.name()).withName("orders")
                    .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), """
                            {"spec":{"template":{"spec":{"containers":[{"name":"worker","image":"evil/orders:6.6"}]}}}}
                            """);

            UnitDrift drift = awaitDrift(agent, "orders/staging", UnitDrift.State.OutOfSync);
            assertThat(drift.objects()).filteredOn(ObjectVerdict.Modified.class::isInstance).singleElement()
                    .satisfies(v -> assertThat(((ObjectVerdict.Modified) v).changes()).containsExactly(
                            new FieldChange("spec.template.spec.containers[name=worker].image", "evil/orders:6.6",
                                    "registry.example.com/shop/orders:1.12.0")));
            String json = get(agent, "/api/drift/orders/staging");
            assertThat(json).contains("\"verdict\":\"Modified\"",
                    "\"path\":\"spec.template.spec.containers[name=worker].image\"");
            String diff = get(agent, "/api/drift/orders/staging?format=diff");
            assertThat(diff).contains("--- live/Deployment/" + ns.name() + "/orders",
                    "-          image: evil/orders:6.6", "+          image: registry.example.com/shop/orders:1.12.0");
            assertThat(get(agent, "/metrics")).contains("capstan_drift_objects{chart=\"orders\",env=\"staging\","
                    + "verdict=\"Modified\"} 1.0");
        }
    }

    @Test
    void deletedObjectsAreMissingAndDroppedObjectsKeptFromPruningAreExtra(TestNamespace ns, LocalCluster cluster,
                                                                       KubernetesClient client) {
        LocalGitRepo repo = exampleRepo(ns);
        try (Agent agent = Agent.start(config(repo, cluster, ns))) {
            awaitDrift(agent, "checkout-api/staging", UnitDrift.State.InSync);

            // Kept from pruning, so dropping it from the chart leaves it behind as Extra.
            client.network().v1().ingresses().inNamespace(ns.name()).withName("checkout-api")
                    .edit(i -> new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder(i).editMetadata()
                            .addToAnnotations("capstan.dev/prune", "disabled").endMetadata().build());
            LocalGitRepo.git(repo.workTree(), "rm", "-q", "charts/checkout-api/templates/ingress.yaml");
            String noIngress = repo.commitAndPush("no ingress");
            await().atMost(WAIT).untilAsserted(() -> {
                UnitDrift drift = agent.status().drift().get("checkout-api/staging");
                assertThat(drift.commit()).isEqualTo(noIngress);
                assertThat(drift.objects()).anySatisfy(v -> {
                    assertThat(v).isInstanceOf(ObjectVerdict.Extra.class);
                    assertThat(v.key().kind()).isEqualTo("Ingress");
                });
            });

            client.configMaps().inNamespace(ns.name()).withName("checkout-api-config").delete();

            await().atMost(WAIT).untilAsserted(() -> {
                UnitDrift drift = agent.status().drift().get("checkout-api/staging");
                assertThat(drift.objects()).anySatisfy(v -> {
                    assertThat(v).isInstanceOf(ObjectVerdict.Missing.class);
                    assertThat(v.key().name()).isEqualTo("checkout-api-config");
                });
            });
        }
    }

    @Test
    void aChangedSecretIsDriftWithoutAnyValueShown(TestNamespace ns, LocalCluster cluster, KubernetesClient client)
            throws Exception {
        LocalGitRepo repo = exampleRepo(ns);
        String original = Base64.getEncoder().encodeToString("original-value".getBytes(StandardCharsets.UTF_8));
        String changed = Base64.getEncoder().encodeToString("changed-value".getBytes(StandardCharsets.UTF_8));
        repo.write("charts/orders/templates/secret.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: orders-token}
                data: {token: %s}
                """.formatted(original));
        repo.commitAndPush("a secret");
        try (Agent agent = Agent.start(config(repo, cluster, ns))) {
            awaitDrift(agent, "orders/staging", UnitDrift.State.InSync);

            client.secrets().inNamespace(ns.name()).withName("orders-token").edit(s -> new SecretBuilder(s)
                    .addToData("token", changed).build());

            UnitDrift drift = awaitDrift(agent, "orders/staging", UnitDrift.State.OutOfSync);
            FieldChange change = ((ObjectVerdict.Modified) drift.objects().stream()
                    .filter(ObjectVerdict.Modified.class::isInstance).findFirst().orElseThrow()).changes().get(0);
            assertThat(change.path()).isEqualTo("data.token");
            assertThat(String.valueOf(change.live())).startsWith("masked:").isNotEqualTo(change.desired());
            String everything = get(agent, "/api/drift") + get(agent, "/api/drift?format=diff")
                    + get(agent, "/metrics") + get(agent, "/api/status");
            assertThat(everything).doesNotContain(original, changed, "original-value", "changed-value");
        }
    }

    @Test
    void anUnreachableApiServerIsUnknownWithAReason() {
        DesiredState state = new ChartRenderer().render(new RenderRequest(
                Planner.chartFiles(new DirectoryTree(ClusterBinaries.repoRoot().resolve("examples")), "orders"),
                "staging", "staging", "c1", 0, Capabilities.offlineDefault()));
        try (KubernetesClient dead = KubernetesClients.create(new ConfigBuilder(io.fabric8.kubernetes.client.Config
                .empty()).withMasterUrl("https://127.0.0.1:1").withConnectionTimeout(1000).build())) {
            UnitDrift drift = new DriftChecker(dead, new DirectLookup(dead), new SecretMask(), Clock.systemUTC())
                    .check("orders/staging", "c1", state);

            assertThat(drift.state()).isEqualTo(UnitDrift.State.Unknown);
            assertThat(drift.reason()).isEqualTo("cannot compare with cluster https://127.0.0.1:1 (no kubeconfig): "
                    + "connection refused");
        }
    }

    private static UnitDrift awaitDrift(Agent agent, String unit, UnitDrift.State state) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(agent.status().drift().get(unit))
                .isNotNull().extracting(UnitDrift::state).isEqualTo(state));
        return agent.status().drift().get(unit);
    }

    private LocalGitRepo exampleRepo(TestNamespace ns) {
        return Examples.reportingRepo(temp.resolve("git"), ns);
    }

    private AgentConfig config(LocalGitRepo repo, LocalCluster cluster, TestNamespace ns) {
        return Examples.agentConfig(repo.url(), Duration.ofMillis(300), temp.resolve("cache"), cluster, ns);
    }

    private static String get(Agent agent, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + agent.httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
