package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.Destinations;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27: every write of a unit passes one gate — a chart's hooks as much as its objects — and the agent config
 * bounds where each environment writes. Each case is an attack the way a chart would send it, against the real
 * control plane: refused at the dry run with a message naming the rule, nothing of the unit written.
 */
@KubernetesCluster
class WriteGateIT {
    private static final Duration WITHIN = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    /** The rollout fixture's staging alone, with every chart under charts/ deployed (no charts: list). */
    private RolloutRepo repo(TestNamespace ns) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]\n", ""));
        return repo;
    }

    /** A Helm chart {@code name} with one healthy Deployment and the extra templates given. */
    private static void helmChart(LocalGitRepo git, String name, String extraTemplates) {
        git.write("charts/" + name + "/Chart.yaml", "apiVersion: v2\nname: " + name + "\nversion: 1.0.0\n");
        git.write("charts/" + name + "/values.yaml", "image: \"registry.example.com/app:1\"\n");
        git.write("charts/" + name + "/templates/deployment.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %s}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers: [{name: app, image: {{ .Values.image | quote }}}]
                """.formatted(name, name, name));
        git.write("charts/" + name + "/templates/extra.yaml", extraTemplates);
    }

    private static AgentConfig config(RolloutRepo repo, Path temp, LocalCluster cluster, TestNamespace ns,
                                      String recordsNamespace, boolean unitsMayDeployThere) {
        return config(repo.git.url(), temp.resolve("cache"), cluster, ns, recordsNamespace, unitsMayDeployThere);
    }

    private static AgentConfig config(String url, Path cache, LocalCluster cluster, TestNamespace ns,
                                      String recordsNamespace, boolean unitsMayDeployThere) {
        AgentConfig base = Examples.agentConfig(url, Duration.ofMillis(300), cache, cluster, ns);
        return new AgentConfig(base.repo(), base.cacheDir(), base.cluster(), base.http(), base.webhooks(),
                new AgentConfig.Releases(recordsNamespace, 10, unitsMayDeployThere), base.alerts(), base.tracing(),
                base.api(), base.ha(), base.clusters(), AgentConfig.Checks.none());
    }

    private static UnitOutcome.Failed awaitFailed(Agent agent, String unit, String commit) {
        await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().units().get(unit))
                .isInstanceOfSatisfying(UnitOutcome.Failed.class, f -> assertThat(f.commit()).isEqualTo(commit)));
        return (UnitOutcome.Failed) agent.status().units().get(unit);
    }

    @Test
    void aChartsHooksNeitherReplaceTheAgentsTokensNorAnotherUnitsObjects(TestNamespace ns, LocalCluster cluster,
                                                                       KubernetesClient client) {
        String agentNs = ns.another("agent");
        client.secrets().inNamespace(agentNs).resource(new SecretBuilder().withNewMetadata()
                .withName("capstan-api-tokens").endMetadata()
                .addToStringData("tokens.yaml", "- {name: ops, role: admin, token: ops-token-0123456789}").build())
                .create();
        RolloutRepo repo = repo(ns);
        helmChart(repo.git, "evil", """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: capstan-api-tokens
                  namespace: %s
                  annotations: {"helm.sh/hook": "pre-install,pre-upgrade", "helm.sh/hook-weight": "-10"}
                stringData: {tokens.yaml: "- {name: evil, role: admin, token: evil-token-0123456789}"}
                """.formatted(agentNs));
        String first = repo.commit("evil's pre-install hook replaces the agent's API tokens");

        try (Agent agent = Agent.start(config(repo, temp, cluster, ns, agentNs, false))) {
            RolloutAgents.awaitSynced(agent, "web/staging", first);
            UnitOutcome.Failed refused = awaitFailed(agent, "evil/staging", first);
            assertThat(refused.message()).contains("Secret", "capstan-api-tokens",
                    "namespace " + agentNs + " is the agent's own").doesNotContain("evil-token");
            assertThat(tokens(client, agentNs)).contains("ops-token").doesNotContain("evil-token");
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("evil").get())
                    .as("nothing of the unit was applied").isNull();

            // A hook named like another unit's object would delete it and create the attacker's.
            ConfigMap victim = client.configMaps().inNamespace(ns.name()).withName("web-config").get();
            helmChart(repo.git, "evil", """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: web-config
                      annotations: {"helm.sh/hook": "pre-install,pre-upgrade"}
                    data: {greeting: pwned}
                    """);
            String second = repo.commit("evil's hook replaces web's ConfigMap");
            UnitOutcome.Failed taken = awaitFailed(agent, "evil/staging", second);
            assertThat(taken.message()).contains("ConfigMap", "web-config", "hook refused",
                    "belongs to unit web/staging");
            ConfigMap after = client.configMaps().inNamespace(ns.name()).withName("web-config").get();
            assertThat(after.getMetadata().getUid()).as("never deleted").isEqualTo(victim.getMetadata().getUid());
            assertThat(after.getData()).containsEntry("greeting", "hello");

            // Nor what someone else made by hand: a hook deletes what it replaces.
            client.configMaps().inNamespace(ns.name()).resource(new io.fabric8.kubernetes.api.model
                    .ConfigMapBuilder().withNewMetadata().withName("made-by-hand").endMetadata()
                    .addToData("keep", "me").build()).create();
            helmChart(repo.git, "evil", """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: made-by-hand
                      annotations: {"helm.sh/hook": "pre-install"}
                    data: {keep: gone}
                    """);
            String third = repo.commit("evil's hook replaces a ConfigMap made by hand");
            assertThat(awaitFailed(agent, "evil/staging", third).message()).contains("made-by-hand",
                    "not a hook of this unit");
            assertThat(client.configMaps().inNamespace(ns.name()).withName("made-by-hand").get().getData())
                    .containsEntry("keep", "me");
            assertThat(agent.status().units().get("web/staging")).isInstanceOf(UnitOutcome.Synced.class);
        }
    }

    @Test
    void aUnitWritesOnlyWhereTheAgentConfigLetsItsEnvironment(TestNamespace ns, LocalCluster cluster,
                                                             KubernetesClient client) {
        String elsewhere = ns.another("elsewhere");
        String never = ns.name() + "-never";
        RolloutRepo repo = repo(ns);
        helmChart(repo.git, "wide", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: wide-never, namespace: %s}
                data: {a: b}
                """.formatted(never));
        String first = repo.commit("wide writes into a namespace of its own");
        Destinations narrow = new Destinations(true, Map.of("staging", List.of(ns.name())),
                Destinations.SHIPPED_CLUSTER_RESOURCES, false);

        try (Agent agent = Agent.start(config(repo, temp, cluster, ns, ns.name(), true).withDestinations(narrow))) {
            RolloutAgents.awaitSynced(agent, "web/staging", first);
            assertThat(awaitFailed(agent, "wide/staging", first).message()).contains("ConfigMap", "wide-never",
                    "environment staging may not write namespace " + never,
                    "destinations.namespaces.staging: [" + ns.name() + "]");
            assertThat(client.namespaces().withName(never).get()).as("the dry run created no namespace").isNull();
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("wide").get()).isNull();

            helmChart(repo.git, "wide", """
                    apiVersion: rbac.authorization.k8s.io/v1
                    kind: ClusterRoleBinding
                    metadata: {name: %s-admin}
                    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                    subjects: [{kind: ServiceAccount, name: default, namespace: %s}]
                    """.formatted(ns.name(), ns.name()));
            String second = repo.commit("wide makes itself cluster-admin");
            assertThat(awaitFailed(agent, "wide/staging", second).message()).contains(
                    "cluster-scoped rbac.authorization.k8s.io/ClusterRoleBinding", "destinations.clusterResources");
            assertThat(client.rbac().clusterRoleBindings().withName(ns.name() + "-admin").get()).isNull();
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("wide").get()).isNull();

            // The same hooks: a pre-install hook into another namespace is refused like an object.
            helmChart(repo.git, "wide", """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: wide-hook
                      namespace: %s
                      annotations: {"helm.sh/hook": pre-install}
                    data: {a: b}
                    """.formatted(elsewhere));
            String third = repo.commit("wide's hook writes into another namespace");
            assertThat(awaitFailed(agent, "wide/staging", third).message()).contains("wide-hook",
                    "may not write namespace " + elsewhere);
            assertThat(client.configMaps().inNamespace(elsewhere).withName("wide-hook").get()).isNull();
        }
    }

    @Test
    void aChartsCrdsDeployInEveryEnvironmentButReplaceNoCrdOfAnotherTool(TestNamespace ns, LocalCluster cluster,
                                                                       KubernetesClient client) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns);
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]", "charts: [gadgets]"));
        String group = ns.name() + ".example.com";
        helmChart(repo.git, "gadgets", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gadgets}\ndata: {a: b}\n");
        repo.git.write("charts/gadgets/crds/gadgets.yaml", crd("gadgets", "Gadget", group));
        String first = repo.commit("a chart with crds/ in two environments");
        Destinations narrow = new Destinations(true, Map.of("staging", List.of(repo.staging), "production",
                List.of(repo.production)), Destinations.SHIPPED_CLUSTER_RESOURCES, false);

        try (Agent agent = Agent.start(config(repo, temp, cluster, ns, ns.name(), true).withDestinations(narrow))) {
            RolloutAgents.awaitSynced(agent, "gadgets/staging", first);
            RolloutAgents.awaitSynced(agent, "gadgets/production", first);
            GenericKubernetesResource crd = crd(client, "gadgets." + group);
            assertThat(crd.getMetadata().getLabels()).containsEntry("capstan.dev/chart", "gadgets")
                    .doesNotContainKey("capstan.dev/env");

            // A CRD another tool installed is not replaced by a chart's crds/.
            client.resource(crdObject("widgets", "Widget", group, Map.of("app.kubernetes.io/managed-by", "Helm")))
                    .create();
            repo.git.write("charts/gadgets/crds/widgets.yaml", crd("widgets", "Widget", group));
            String second = repo.commit("crds/ also has a CRD another tool installed");
            assertThat(awaitFailed(agent, "gadgets/staging", second).message()).contains(
                    "CustomResourceDefinition widgets." + group, "managed by Helm", "replaceUnownedCrds: false");
            assertThat(crd(client, "widgets." + group).getMetadata().getLabels())
                    .doesNotContainKey("capstan.dev/chart");
        }
    }

    @Test
    void aBlueGreenRolloutDoesNotAdoptAServiceSomeoneElseNamedLikeItsPreview(TestNamespace ns, LocalCluster cluster,
                                                                          KubernetesClient client) {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns,
                "    rollout: {strategy: blueGreen, scaleDownDelay: 1s, previewService: true, stepTimeout: 30s}");
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {
            client.services().inNamespace(repo.staging).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                    .withNewMetadata().withName("web-preview").endMetadata().withNewSpec()
                    .addToSelector("app", "someone-elses").addNewPort().withPort(80).endPort().endSpec().build())
                    .create();

            String second = repo.image("2", "web 2");
            assertThat(awaitFailed(agent, "web/staging", second).message()).contains("Service", "web-preview",
                    "exists and was not made by Capstan");
            assertThat(client.services().inNamespace(repo.staging).withName("web-preview").get().getSpec()
                    .getSelector()).isEqualTo(Map.of("app", "someone-elses"));
            assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web-green").get()).isNull();
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":1");
        }
    }

    @Test
    void twoInstallsInOneClusterNeverTakeEachOthersObjectsForTheirOwn(TestNamespace ns, LocalCluster cluster,
                                                                     KubernetesClient client) {
        String recordsB = ns.another("install-b");
        String stagingB = ns.another("staging-b");
        RolloutRepo a = RolloutRepo.stagingOnly(temp.resolve("git-a"), ns, null);
        LocalGitRepo b = LocalGitRepo.fromDirectory(dev.capstan.testcluster.ClusterBinaries.repoRoot()
                .resolve("it-tests/src/test/resources/rollout-repo"), temp.resolve("git-b"));
        String capstanYaml = "environments:\n  - name: staging\n    namespace: %s\n"
                + "    rollout: {strategy: rolling, stepTimeout: 30s}\ncharts: [web]\n";
        b.write("capstan.yaml", capstanYaml.formatted(stagingB));
        String first = b.commitAndPush("install b's staging");

        try (Agent agentA = Agent.start(config(a, temp, cluster, ns, ns.name(), true));
                Agent agentB = Agent.start(config(b.url(), temp.resolve("cache-b"), cluster, ns, recordsB, true))) {
            RolloutAgents.awaitSynced(agentA, "web/staging", a.git.remoteHead());
            RolloutAgents.awaitSynced(agentB, "web/staging", first);
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("web").get().getMetadata()
                    .getLabels()).containsEntry("capstan.dev/install", ns.name());
            assertThat(client.apps().deployments().inNamespace(stagingB).withName("web").get().getMetadata()
                    .getLabels()).containsEntry("capstan.dev/install", recordsB);
            // The same unit name in both: neither reports the other's objects as its own Extra.
            for (Agent agent : List.of(agentA, agentB)) {
                await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().drift().get("web/staging"))
                        .satisfies(d -> {
                            assertThat(d.objects()).hasSize(3);
                            assertThat(d.objects()).noneMatch(v -> v instanceof dev.capstan.agent.drift.ObjectVerdict
                                    .Extra);
                        }));
            }

            // Nor applies over them: install b rendering into install a's namespace is refused.
            b.write("capstan.yaml", capstanYaml.formatted(ns.name()));
            String second = b.commitAndPush("install b's staging is install a's namespace");
            assertThat(awaitFailed(agentB, "web/staging", second).message()).contains("belongs to install "
                    + ns.name(), "install " + recordsB + " renders it too");
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("web").get().getMetadata()
                    .getLabels()).containsEntry("capstan.dev/install", ns.name());
        }
    }

    private static String tokens(KubernetesClient client, String namespace) {
        return new String(Base64.getDecoder().decode(client.secrets().inNamespace(namespace)
                .withName("capstan-api-tokens").get().getData().get("tokens.yaml")), StandardCharsets.UTF_8);
    }

    private static GenericKubernetesResource crd(KubernetesClient client, String name) {
        return client.genericKubernetesResources("apiextensions.k8s.io/v1", "CustomResourceDefinition")
                .withName(name).get();
    }

    private static String crd(String plural, String kind, String group) {
        return """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: %s.%s}
                spec:
                  group: %s
                  scope: Namespaced
                  names: {kind: %s, plural: %s, singular: %s}
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                """.formatted(plural, group, group, kind, plural, kind.toLowerCase(java.util.Locale.ROOT));
    }

    private static GenericKubernetesResource crdObject(String plural, String kind, String group,
                                                       Map<String, String> labels) {
        GenericKubernetesResource crd = new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                .unmarshal(crd(plural, kind, group), GenericKubernetesResource.class);
        crd.getMetadata().setLabels(labels);
        return crd;
    }
}
