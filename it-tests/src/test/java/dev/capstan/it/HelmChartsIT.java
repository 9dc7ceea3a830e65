package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.cluster.RecordKind;
import dev.capstan.agent.cluster.SecretRecords;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.TetheredProcess;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unmodified Helm charts through the running agent on the test control plane: the field guide's checkout-api with
 * a canary step, broken and rolled back like a Pebble chart; podinfo, which needs Kubernetes 1.23, refused with
 * Helm's kubeVersion error and nothing applied while the other units deploy; hooks run around the rollout.
 */
@KubernetesCluster
class HelmChartsIT {
    private static final Duration WITHIN = Duration.ofSeconds(120);
    private static final Path CHARTS = ClusterBinaries.repoRoot().resolve("agent/src/test/resources/helm-charts");

    @TempDir
    Path temp;

    @Test
    void popularChartsDeployAsTheyAreARollbackFollowsAFailedGateAndAChartForANewerClusterIsRefusedAlone(
            TestNamespace ns, LocalCluster cluster, KubernetesClient client) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]",
                "charts: [web, checkout-api, podinfo, tomorrow]"));
        copyChart("checkout-api", repo);
        copyChart("podinfo", repo);
        repo.git.write("charts/tomorrow/Chart.yaml", "apiVersion: v2\nname: tomorrow\nversion: 0.1.0\n"
                + "kubeVersion: \">=1.99.0-0\"\n");
        repo.git.write("charts/tomorrow/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                + "  name: tomorrow\n");
        String first = repo.commit("three Helm charts as they are");

        try (Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            RolloutAgents.awaitSynced(agent, "checkout-api/staging", first);
            RolloutAgents.awaitSynced(agent, "web/staging", first);
            assertThat(RolloutAgents.image(client, ns.name(), "checkout-api")).endsWith(":2.7.1");
            // The API versions discovery says the cluster serves, not the ones a 1.20-era chart falls back to.
            assertThat(client.policy().v1().podDisruptionBudget().inNamespace(ns.name())
                    .withName("checkout-api").get()).isNotNull();
            assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns.name())
                    .withName("checkout-api").get()).isNotNull();
            assertThat(client.configMaps().inNamespace(ns.name()).withName("checkout-api-config").get().getData())
                    .containsEntry("LOG_LEVEL", "debug");
            RolloutAgents.awaitSynced(agent, "podinfo/staging", first);
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("podinfo").get().getStatus()
                    .getAvailableReplicas()).as("podinfo deployed and healthy").isPositive();

            await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().units().get("tomorrow/staging"))
                    .isInstanceOfSatisfying(UnitOutcome.Failed.class, failed -> {
                        assertThat(failed.stage()).isEqualTo(UnitOutcome.Stage.RENDER);
                        assertThat(failed.message()).contains("kubeVersion").contains(">=1.99.0-0");
                    }));
            assertThat(client.configMaps().inNamespace(ns.name()).withName("tomorrow").get()).isNull();

            repo.git.write("charts/checkout-api/values.staging.yaml", repo.git.read(
                    "charts/checkout-api/values.staging.yaml") + "image: {tag: crashloop}\n");
            String broken = repo.commit("checkout-api: crash-looping image");
            UnitOutcome.Held held = RolloutAgents.awaitHeld(agent, "checkout-api/staging", broken);
            assertThat(held.message()).contains("CrashLoopBackOff");
            assertThat(RolloutAgents.image(client, ns.name(), "checkout-api")).endsWith(":2.7.1");
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("checkout-api-canary").get())
                    .isNull();
            assertThat(RolloutAgents.history(agent, "checkout-api/staging")).containsExactly("1 deployed",
                    "2 failed");
            assertThat(agent.status().units().get("web/staging")).isInstanceOf(UnitOutcome.Synced.class);
        }
    }

    @Test
    void hooksRunAroundTheRolloutAndAFailingHookQuarantinesTheCommit(TestNamespace ns, LocalCluster cluster,
                                                                    KubernetesClient client) throws Exception {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]", "charts: [hooked]"));
        repo.git.write("charts/hooked/Chart.yaml", "apiVersion: v2\nname: hooked\nversion: 1.0.0\n");
        repo.git.write("charts/hooked/values.yaml", "image: \"registry.example.com/app:1\"\n"
                + "migrationImage: \"registry.example.com/migrate:1\"\n");
        repo.git.write("charts/hooked/templates/deployment.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: hooked}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: hooked}}
                  template:
                    metadata: {labels: {app: hooked}}
                    spec:
                      containers: [{name: app, image: {{ .Values.image | quote }}}]
                """);
        repo.git.write("charts/hooked/templates/migrate.yaml", """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: hooked-migrate
                  annotations:
                    "helm.sh/hook": pre-install,pre-upgrade
                    "helm.sh/hook-weight": "-5"
                spec:
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: migrate, image: {{ .Values.migrationImage | quote }}}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: hooked-done
                  annotations: {"helm.sh/hook": post-install,post-upgrade}
                data: {image: {{ .Values.image | quote }}}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: hooked-ephemeral
                  annotations:
                    "helm.sh/hook": pre-install,pre-upgrade
                    "helm.sh/hook-delete-policy": hook-succeeded
                data: {lives: briefly}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: hooked-test
                  annotations: {"helm.sh/hook": test}
                spec:
                  containers: [{name: t, image: busybox}]
                """);
        repo.git.write("charts/hooked/crds/widgets.yaml", """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.hooked.example.com}
                spec:
                  group: hooked.example.com
                  scope: Namespaced
                  names: {kind: Widget, plural: widgets, singular: widget}
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                """);
        String first = repo.commit("a chart with hooks");
        java.util.Set<String> created = java.util.concurrent.ConcurrentHashMap.newKeySet();

        try (var seen = client.configMaps().inNamespace(ns.name()).watch(new io.fabric8.kubernetes.client
                .Watcher<io.fabric8.kubernetes.api.model.ConfigMap>() {
                    @Override
                    public void eventReceived(Action action, io.fabric8.kubernetes.api.model.ConfigMap map) {
                        if (action == Action.ADDED) {
                            created.add(map.getMetadata().getName());
                        }
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                    }
                });
                Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            RolloutAgents.awaitSynced(agent, "hooked/staging", first);
            Job migrate = client.batch().v1().jobs().inNamespace(ns.name()).withName("hooked-migrate").get();
            assertThat(migrate.getStatus().getSucceeded()).isEqualTo(1);
            // pre-install ran (and finished) before the release's objects were applied.
            assertThat(migrate.getStatus().getCompletionTime()).isLessThanOrEqualTo(client.apps().deployments()
                    .inNamespace(ns.name()).withName("hooked").get().getMetadata().getCreationTimestamp());
            assertThat(client.configMaps().inNamespace(ns.name()).withName("hooked-done").get().getData())
                    .containsEntry("image", "registry.example.com/app:1");
            assertThat(client.pods().inNamespace(ns.name()).withName("hooked-test").get()).isNull();
            // hook-succeeded: applied, then deleted once it succeeded.
            await().atMost(WITHIN).until(() -> client.configMaps().inNamespace(ns.name())
                    .withName("hooked-ephemeral").get() == null);
            assertThat(created).contains("hooked-ephemeral", "hooked-done");
            assertThat(agent.status().drift().get("hooked/staging")).satisfies(d -> assertThat(d.objects())
                    .noneMatch(v -> v.key().name().startsWith("hooked-migrate") || v.key().name().equals(
                            "hooked-done")));

            repo.git.write("charts/hooked/values.yaml", "image: \"registry.example.com/app:2\"\n"
                    + "migrationImage: \"registry.example.com/migrate:fail\"\n");
            String failing = repo.commit("a migration that fails");
            UnitOutcome.Held held = RolloutAgents.awaitHeld(agent, "hooked/staging", failing);
            assertThat(held.message()).contains("hook Job hooked-migrate failed");
            assertThat(RolloutAgents.image(client, ns.name(), "hooked")).endsWith("app:1");
            assertThat(client.configMaps().inNamespace(ns.name()).withName("hooked-done").get().getData())
                    .containsEntry("image", "registry.example.com/app:1");
            assertThat(crd(client)).as("crds/ survive a rollback").isNotNull();

            java.nio.file.Files.delete(repo.git.file("charts/hooked/crds/widgets.yaml"));
            repo.git.write("charts/hooked/values.yaml", "image: \"registry.example.com/app:3\"\n"
                    + "migrationImage: \"registry.example.com/migrate:3\"\n");
            String third = repo.commit("no more crds/, a migration that works");
            RolloutAgents.awaitSynced(agent, "hooked/staging", third);
            assertThat(RolloutAgents.image(client, ns.name(), "hooked")).endsWith("app:3");
            assertThat(crd(client)).as("crds/ are never pruned").isNotNull();
            assertThat(crd(client).getMetadata().getAnnotations()).containsEntry("capstan.dev/prune", "disabled");
        } finally {
            client.apiextensions().v1().customResourceDefinitions().withName("widgets.hooked.example.com").delete();
        }
    }

    private static io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition crd(
            KubernetesClient client) {
        return client.apiextensions().v1().customResourceDefinitions().withName("widgets.hooked.example.com").get();
    }

    /**
     * A chart that draws random values (a generated password) renders differently every time: an agent restart must
     * not make that a new revision, a rollout or drift.
     */
    @Test
    void randomValuesMakeNoNewRevisionOrDriftAcrossRestarts(TestNamespace ns, LocalCluster cluster,
                                                           KubernetesClient client) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]",
                "charts: [web, random]"));
        repo.git.write("charts/random/Chart.yaml", "apiVersion: v2\nname: random\nversion: 1.0.0\n");
        repo.git.write("charts/random/templates/secret.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: random-password}
                data:
                  password: {{ randAlphaNum 24 | b64enc }}
                """);
        String first = repo.commit("a generated password");
        String password;
        try (Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            RolloutAgents.awaitSynced(agent, "random/staging", first);
            password = client.secrets().inNamespace(ns.name()).withName("random-password").get().getData()
                    .get("password");
            String other = repo.image("2", "web 2: leaves the random chart alone");
            RolloutAgents.awaitSynced(agent, "web/staging", other);
            RolloutAgents.awaitSynced(agent, "random/staging", other);
        }
        try (Agent restarted = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            await().atMost(WITHIN).untilAsserted(() -> assertThat(restarted.status().units().get("random/staging"))
                    .isInstanceOf(UnitOutcome.Synced.class));
            await().atMost(WITHIN).until(() -> restarted.status().drift().get("random/staging") != null
                    && restarted.status().drift().get("random/staging").state()
                    == dev.capstan.agent.drift.UnitDrift.State.InSync);
            assertThat(RolloutAgents.history(restarted, "random/staging")).containsExactly("1 deployed");
            assertThat(client.secrets().inNamespace(ns.name()).withName("random-password").get().getData()
                    .get("password")).isEqualTo(password);
        }
    }

    /**
     * Helm's Go runtime takes SIGTERM and SIGINT in any process that loads it; Capstan loads it only in its render
     * process, so the agent still shuts down on SIGTERM after Helm renders, runs its shutdown hook, and leaves no
     * render process or files behind.
     */
    @Test
    void sigtermAfterAHelmRenderStopsTheAgentGracefully(TestNamespace ns, LocalCluster cluster,
                                                        KubernetesClient client) throws Exception {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]",
                "charts: [checkout-api]"));
        copyChart("checkout-api", repo);
        repo.commit("checkout-api");
        Path config = AgentProcesses.config(repo.git.url(), temp, cluster, ns);
        try (TetheredProcess process = AgentProcesses.start("helm-agent", temp, config)) {
            await().atMost(WITHIN).until(() -> client.apps().deployments().inNamespace(ns.name())
                    .withName("checkout-api").get() != null);
            ProcessHandle agent = process.child().orElseThrow();
            ProcessHandle renderProcess = agent.children().filter(p -> p.info().commandLine().orElse("")
                    .contains("HelmWorker")).findFirst().orElseThrow();

            agent.destroy();

            assertThat(agent.onExit().get(20, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(Files.readString(temp.resolve("helm-agent.log"))).contains("shutdown complete");
            // `capstan run` off a terminal logs JSON lines; a unit's work carries chart, env and commit on each.
            java.util.List<String> lines = Files.readAllLines(temp.resolve("helm-agent.log")).stream()
                    .filter(l -> !l.isBlank()).toList();
            assertThat(lines).allSatisfy(l -> assertThat(new io.vertx.core.json.JsonObject(l).fieldNames())
                    .contains("time", "level", "logger_name", "thread_name", "message"));
            assertThat(lines.stream().map(io.vertx.core.json.JsonObject::new).filter(j -> j.containsKey("chart")))
                    .isNotEmpty().allSatisfy(j -> assertThat(j.getString("chart") + "/" + j.getString("env")
                            + " " + j.getString("commit")).matches("checkout-api/staging [0-9a-f]{12}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !renderProcess.isAlive());
            try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                assertThat(dirs.filter(d -> d.getFileName().toString().startsWith("capstan-helm-"))
                        .filter(d -> ownedBy(d, agent.pid()))).isEmpty();
            }
        }
    }

    /**
     * A pre-install Job that never completes: the unit shows it waits in its hook; SIGTERM then stops the agent at
     * once, and the revision stays progressing for the next agent (it did not fail, and its commit is not quarantined).
     */
    @Test
    void sigtermWhileAHookRunsLeavesTheRevisionProgressing(TestNamespace ns, LocalCluster cluster,
                                                           KubernetesClient client) throws Exception {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.rollout("staging", "    rollout: {strategy: rolling, stepTimeout: 600s}");
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]", "charts: [waits]"));
        chartWhoseHookNeverFinishes(repo, "waits");
        repo.commit("a pre-install hook that never completes");
        Path config = AgentProcesses.config(repo.git.url(), temp, cluster, ns);
        ReleaseStore records = ReleaseStore.reading(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, java.time.Clock.systemUTC());
        try (TetheredProcess process = AgentProcesses.start("hook-agent", temp, config)) {
            await().atMost(WITHIN).until(() -> Files.exists(temp.resolve("hook-agent.log"))
                    && Files.readString(temp.resolve("hook-agent.log")).contains("running hook Job waits-migrate"));
            assertThat(records.history("waits", "staging")).singleElement().satisfies(r -> assertThat(r.status())
                    .isEqualTo(dev.capstan.agent.release.Release.Status.PROGRESSING));
            ProcessHandle agent = process.child().orElseThrow();

            agent.destroy();

            // Well within the 30 s Kubernetes gives a pod between SIGTERM and SIGKILL (a 10 s bound was once
            // exceeded on a loaded CI machine).
            assertThat(agent.onExit().get(20, TimeUnit.SECONDS).isAlive()).as("stopped within 20 s").isFalse();
            assertThat(records.history("waits", "staging")).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(dev.capstan.agent.release.Release.Status.PROGRESSING);
                assertThat(r.hold()).isEqualTo(dev.capstan.agent.release.Release.Hold.NONE);
            });
            assertThat(Files.readString(temp.resolve("hook-agent.log"))).contains("stays progressing")
                    .doesNotContain("quarantined");
        }
    }

    /** Hooks that never finish wait without a work slot: nine of them (one more than the slots) hold up no unit. */
    @Test
    void hooksThatNeverFinishHoldUpNoOtherUnit(TestNamespace ns, LocalCluster cluster) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.rollout("staging", "    rollout: {strategy: rolling, stepTimeout: 600s}");
        java.util.List<String> waiting = java.util.stream.IntStream.range(0, 9).mapToObj(i -> "waits-" + i).toList();
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]",
                "charts: [" + String.join(", ", waiting) + "]"));
        waiting.forEach(chart -> chartWhoseHookNeverFinishes(repo, chart));
        repo.commit("nine charts whose pre-install Jobs never complete");

        try (Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            await().atMost(WITHIN).untilAsserted(() -> assertThat(waiting).allSatisfy(chart -> {
                UnitOutcome state = agent.status().units().get(chart + "/staging");
                assertThat(state).isInstanceOf(UnitOutcome.Progressing.class);
                assertThat(((UnitOutcome.Progressing) state).phase()).isEqualTo("pre-install hooks");
            }));

            repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [",
                    "charts: [web, "));
            String withWeb = repo.commit("and web");
            RolloutAgents.awaitSynced(agent, "web/staging", withWeb);
            assertThat(waiting).allSatisfy(chart -> assertThat(agent.status().units().get(chart + "/staging"))
                    .as("still waiting in its hook, and saying so").isInstanceOf(UnitOutcome.Progressing.class));
        }
    }

    /** Keys a chart renders with no value (empty {@code annotations:}, {@code env:}) are null, as Helm's are. */
    @Test
    void keysRenderedWithNoValueDeployAsTheyDoWithHelm(TestNamespace ns, LocalCluster cluster,
                                                       KubernetesClient client) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]", "charts: [bare]"));
        repo.git.write("charts/bare/Chart.yaml", "apiVersion: v2\nname: bare\nversion: 1.0.0\n");
        repo.git.write("charts/bare/values.yaml", "podAnnotations: {}\nextraEnv: []\n");
        repo.git.write("charts/bare/templates/deployment.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: bare
                  annotations:
                    {{- range $k, $v := .Values.podAnnotations }}
                    {{ $k }}: {{ $v | quote }}
                    {{- end }}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: bare}}
                  template:
                    metadata:
                      labels: {app: bare}
                      annotations:
                    spec:
                      containers:
                        - name: app
                          image: registry.example.com/app:1
                          env:
                          {{- range .Values.extraEnv }}
                            - {name: {{ .name }}, value: {{ .value | quote }}}
                          {{- end }}
                """);
        String commit = repo.commit("a chart with keys rendered empty");

        try (Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            RolloutAgents.awaitSynced(agent, "bare/staging", commit);
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("bare").get().getSpec()
                    .getTemplate().getSpec().getContainers().get(0).getEnv()).isEmpty();
        }
    }

    /** A Helm chart {@code chart}: a ConfigMap, and a pre-install Job whose pod stays Pending. */
    private static void chartWhoseHookNeverFinishes(RolloutRepo repo, String chart) {
        repo.git.write("charts/" + chart + "/Chart.yaml", "apiVersion: v2\nname: " + chart + "\nversion: 1.0.0\n");
        repo.git.write("charts/" + chart + "/templates/migrate.yaml", """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: %s-migrate
                  annotations: {"helm.sh/hook": pre-install}
                spec:
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: migrate, image: "registry.example.com/migrate:pending"}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: %s}
                data: {a: b}
                """.formatted(chart, chart));
    }

    private static boolean ownedBy(Path dir, long pid) {
        try {
            return Files.readString(dir.resolve("owner.pid")).trim().equals(Long.toString(pid));
        } catch (IOException e) {
            return false;
        }
    }

    private static void copyChart(String name, RolloutRepo repo) {
        Path dir = CHARTS.resolve(name);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                repo.git.write("charts/" + name + "/" + dir.relativize(file), Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
