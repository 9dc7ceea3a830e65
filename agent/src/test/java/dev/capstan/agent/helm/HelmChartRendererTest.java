package dev.capstan.agent.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.cluster.Pruner;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.Hook;
import dev.capstan.agent.model.KubeApiSurface;
import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.Yaml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real Helm charts through Helm's real engine, in its own process, as the agent renders them. */
class HelmChartRendererTest {
    private static final Path CHARTS = Path.of("src/test/resources/helm-charts");
    private static final Capabilities KUBE_1_20 = KubeApiSurface.capabilities("1.20.2");
    private static final Capabilities KUBE_1_30 = new Capabilities("v1.30.0", new Capabilities.ApiVersions(Set.of(
            "v1", "apps/v1", "batch/v1", "networking.k8s.io/v1", "policy/v1", "autoscaling/v2",
            "rbac.authorization.k8s.io/v1", "admissionregistration.k8s.io/v1", "policy/v1/PodDisruptionBudget",
            "autoscaling/v2/HorizontalPodAutoscaler", "apps/v1/Deployment")));

    private static HelmProcess engine;
    private static HelmChartRenderer renderer;

    @BeforeAll
    static void startEngine() {
        engine = new HelmProcess(HelmProcess.Settings.defaults());
        renderer = new HelmChartRenderer(engine);
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
        assertThat(engine.root()).doesNotExist();
    }

    @Test
    void rendersCheckoutApiForEachEnvironmentWithItsValuesAndTheClustersApiVersions() {
        DesiredState staging = renderer.render(fixture("checkout-api"), "staging", "shop-staging", "c1", KUBE_1_20);
        DesiredState production = renderer.render(fixture("checkout-api"), "production", "shop", "c1", KUBE_1_30);

        assertThat(kinds(staging)).contains("apps/v1 Deployment", "v1 Service", "v1 ConfigMap",
                "policy/v1beta1 PodDisruptionBudget");
        // The chart picks its PDB's API from .Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget": the
        // cluster's discovery answers, not the library's built-in list (which has no kinds at all).
        assertThat(kinds(production)).contains("policy/v1 PodDisruptionBudget",
                "autoscaling/v2 HorizontalPodAutoscaler");
        assertThat(staging.objects()).allSatisfy(o -> {
            assertThat(labels(o)).containsEntry(Labels.CHART, "checkout-api").containsEntry(Labels.ENV, "staging");
            assertThat(o.key().namespace()).isIn("shop-staging", "");
        });
        assertThat(maxReplicas(production)).isEqualTo(12);
        assertThat(maxReplicas(staging)).isEqualTo(3);
        assertThat(staging.objects()).extracting(RenderedObject::sourceTemplate).allMatch(s -> s.startsWith(
                "templates/"));
    }

    @Test
    void refusesChartsWhoseKubeVersionExcludesTheClusterWithHelmsError() {
        assertThatThrownBy(() -> renderer.render(fixture("podinfo"), "staging", "web", "c1", KUBE_1_20))
                .isInstanceOf(ChartException.class).hasMessageContaining("podinfo")
                .hasMessageContaining("kubeVersion").hasMessageContaining("1.20");
        assertThatThrownBy(() -> renderer.render(fixture("ingress-nginx"), "staging", "web", "c1", KUBE_1_20))
                .isInstanceOf(ChartException.class).hasMessageContaining("kubeVersion");
    }

    @Test
    void podinfoRendersForANewerClusterAndItsTestHooksArePrintedButNeverRun() {
        for (String env : List.of("staging", "production")) {
            DesiredState podinfo = renderer.render(fixture("podinfo"), env, "web", "c1", KUBE_1_30);

            assertThat(kinds(podinfo)).contains("apps/v1 Deployment", "v1 Service");
            assertThat(podinfo.objects()).noneMatch(o -> o.key().kind().equals("Pod"));
            assertThat(podinfo.hooks()).hasSize(3).allSatisfy(hook -> {
                assertThat(hook.object().key().kind()).isEqualTo("Pod");
                assertThat(hook.runs()).as("a test hook").isFalse();
            });
            assertThat(podinfo.manifest()).doesNotContain("kind: Pod");
            assertThat(podinfo.manifestWithHooks()).contains("# Hook: never run by Capstan\n")
                    .contains("helm.sh/hook: test").contains("kind: Pod");
        }
        DesiredState nginx = renderer.render(fixture("ingress-nginx"), "staging", "web", "c1", KUBE_1_30);
        assertThat(nginx.manifestWithHooks()).contains("# Hook: runs at post-install,post-upgrade, weight 0\n");
    }

    @Test
    void recoversIngressNginxsHookObjectsInWeightOrder() {
        DesiredState nginx = renderer.render(fixture("ingress-nginx"), "staging", "web", "c1", KUBE_1_30);

        assertThat(nginx.hooks()).extracting(h -> h.object().key().kind()).contains("Job", "ServiceAccount",
                "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding");
        assertThat(nginx.hooks()).hasSize(7);
        assertThat(nginx.hooks()).extracting(Hook::weight).isSorted();
        assertThat(nginx.hooks()).allSatisfy(h -> {
            assertThat(labels(h.object())).doesNotContainKeys(Labels.CHART, Labels.ENV);
            assertThat(annotations(h.object())).containsEntry(HelmHooks.HOOK_OF, "ingress-nginx/staging")
                    .containsKey("helm.sh/hook");
        });
        assertThat(nginx.objects()).noneMatch(o -> annotations(o).containsKey("helm.sh/hook"));
        Hook patch = nginx.hooks().stream().filter(h -> h.object().key().name().endsWith("admission-patch"))
                .findFirst().orElseThrow();
        assertThat(patch.events()).containsExactlyInAnyOrder(Hook.Event.POST_INSTALL, Hook.Event.POST_UPGRADE);
        assertThat(patch.deletePolicies()).contains(Hook.DeletePolicy.BEFORE_HOOK_CREATION,
                Hook.DeletePolicy.HOOK_SUCCEEDED);
    }

    @Test
    void lookupAnswersEmptyAndReadsNoCluster() {
        ChartFiles chart = chart("lookups", Map.of("templates/cm.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: found
                data:
                  secret: {{ empty (lookup "v1" "Secret" "kube-system" "anything") | quote }}
                  all: {{ empty (lookup "v1" "Namespace" "" "") | quote }}
                  dns: {{ getHostByName "example.com" | quote }}
                """));

        DesiredState desired = renderer.render(chart, "staging", "app", "c1", KUBE_1_20);

        assertThat(data(desired.objects().get(0))).containsEntry("secret", "true").containsEntry("all", "true")
                .containsEntry("dns", "");
    }

    @Test
    void vendoredSubchartsRenderWithTheirOwnAndGlobalValues() {
        ChartFiles chart = chart("umbrella", Map.of(
                "Chart.yaml", """
                        apiVersion: v2
                        name: umbrella
                        version: 1.0.0
                        dependencies: [{name: cache, version: 0.1.0}]
                        """,
                "values.yaml", "global: {team: shop}\ncache: {size: 2}\n",
                "values.production.yaml", "cache: {size: 8}\n",
                "charts/cache/Chart.yaml", "apiVersion: v2\nname: cache\nversion: 0.1.0\n",
                "charts/cache/values.yaml", "size: 1\n",
                "charts/cache/templates/cm.yaml", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: cache
                        data:
                          size: {{ .Values.size | quote }}
                          team: {{ .Values.global.team }}
                        """));

        RenderedObject cache = renderer.render(chart, "production", "app", "c1", KUBE_1_20).objects().get(0);

        assertThat(cache.sourceTemplate()).isEqualTo("charts/cache/templates/cm.yaml");
        assertThat(data(cache)).containsEntry("size", "8").containsEntry("team", "shop");
    }

    @Test
    void aRenderProcessOverItsMemoryLimitIsKilledAndSaysSo() {
        try (HelmProcess small = new HelmProcess(new HelmProcess.Settings(java.time.Duration.ofSeconds(30),
                40L << 20, 100, 1))) {
            // A render that takes its time, so the limit is met while it runs whatever the machine's speed.
            ChartFiles slow = chart("slow", Map.of("templates/cm.yaml", """
                    {{- range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: slow
                    """));
            assertThatThrownBy(() -> new HelmChartRenderer(small).render(slow, "staging", "shop", "c1", KUBE_1_20))
                    .isInstanceOf(ChartException.class)
                    .hasMessageContaining("more than its memory limit of 40 MiB");
        }
    }

    @Test
    void outputBeyondTheLimitIsAnErrorOfTheChart() {
        ChartFiles huge = chart("huge", Map.of("templates/cm.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: huge
                data:
                  blob: {{ repeat 17000000 "a" }}
                """));

        // Given the memory to build it (the default limit kills the process first, which is as good an answer).
        try (HelmProcess roomy = new HelmProcess(new HelmProcess.Settings(java.time.Duration.ofSeconds(30),
                1L << 30, 100, 1))) {
            assertThatThrownBy(() -> new HelmChartRenderer(roomy).render(huge, "staging", "app", "c1", KUBE_1_20))
                    .isInstanceOf(ChartException.class).hasMessageContaining("more than 8 MiB");
        }
        assertThatThrownBy(() -> renderer.render(huge, "staging", "app", "c1", KUBE_1_20))
                .isInstanceOf(ChartException.class).hasMessageContaining("huge/staging");
    }

    @Test
    void aKeyRenderedWithNoValueIsNullAsToHelmAndTheApiServerAndAQuotedEmptyStringStaysOne() {
        ChartFiles chart = chart("empty", Map.of("values.yaml", "podAnnotations: {}\n", "templates/cm.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: empty
                  annotations:
                    {{- range $k, $v := .Values.podAnnotations }}
                    {{ $k }}: {{ $v | quote }}
                    {{- end }}
                data:
                  blank: ""
                """));

        RenderedObject configMap = renderer.render(chart, "staging", "app", "c1", KUBE_1_20).objects().get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) configMap.content().get("metadata");
        assertThat(metadata).containsKey("annotations");
        assertThat(metadata.get("annotations")).as("not the empty string the API server refuses for a map").isNull();
        assertThat(configMap.content().get("data")).isEqualTo(Map.of("blank", ""));
    }

    @Test
    void aUnitRendersAtMostTenThousandObjects() {
        ChartFiles many = chart("many", Map.of("templates/cms.yaml", """
                {{- range until 10001 }}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: "cm-{{ . }}"}
                {{- end }}
                """));

        assertThatThrownBy(() -> renderer.render(many, "staging", "app", "c1", KUBE_1_20))
                .isInstanceOf(ChartException.class).hasMessageContaining("many/staging")
                .hasMessageContaining("renders more than 10000 objects");
    }

    @Test
    void aPackagedSubchartIsUnpackedNoFurtherThanItsExpansionBound() throws Exception {
        java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(packed)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                gzip.write(zeros);
            }
        }
        Map<String, byte[]> bytes = new HashMap<>();
        bytes.put("Chart.yaml", "apiVersion: v2\nname: bomb\nversion: 0.1.0\n".getBytes());
        bytes.put("charts/zeros-1.0.0.tgz", packed.toByteArray());
        assertThat(packed.size()).as("64 MiB in a few KiB").isLessThan(128 * 1024);

        assertThatThrownBy(() -> renderer.render(ChartFiles.of("bomb", bytes), "staging", "app", "c1",
                KUBE_1_20)).isInstanceOf(ChartException.class).hasMessageContaining("charts/zeros-1.0.0.tgz")
                .hasMessageContaining("unpacks to more than 100 times its packed size");
    }

    @Test
    void valuesForTheEnvironmentCoalesceAsHelmDoes() {
        ChartFiles chart = chart("layered", Map.of(
                "values.yaml", "greeting: hello\nextra: {a: 1, b: 2}\n",
                "values.production.yaml", "greeting: hi\nextra: {a: null}\n",
                "templates/cm.yaml", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: layered
                        data:
                          greeting: {{ .Values.greeting }}
                          keys: {{ keys .Values.extra | sortAlpha | join "," | quote }}
                        """));

        assertThat(data(renderer.render(chart, "staging", "app", "c1", KUBE_1_20).objects().get(0)))
                .containsEntry("greeting", "hello").containsEntry("keys", "a,b");
        assertThat(data(renderer.render(chart, "production", "app", "c1", KUBE_1_20).objects().get(0)))
                .containsEntry("greeting", "hi").containsEntry("keys", "b");
    }

    @Test
    void aMissingDependencyIsAnErrorNamingIt() {
        ChartFiles chart = chart("needs-redis", Map.of("Chart.yaml", """
                apiVersion: v2
                name: needs-redis
                version: 1.0.0
                dependencies:
                - name: redis
                  version: 17.0.0
                  repository: https://charts.example.com
                """, "templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"));

        assertThatThrownBy(() -> renderer.render(chart, "staging", "app", "c1", KUBE_1_20))
                .isInstanceOf(ChartException.class).hasMessageContaining("needs-redis").hasMessageContaining("redis")
                .hasMessageContaining("charts/");
    }

    @Test
    void crdsComeFirstAndAreNeverPruned() {
        ChartFiles chart = chart("with-crd", Map.of(
                "crds/widgets.yaml", """
                        apiVersion: apiextensions.k8s.io/v1
                        kind: CustomResourceDefinition
                        metadata:
                          name: widgets.example.com
                        spec:
                          group: example.com
                          names: {kind: Widget, plural: widgets}
                          scope: Namespaced
                          versions: [{name: v1, served: true, storage: true}]
                        """,
                "templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"));

        DesiredState desired = renderer.render(chart, "staging", "app", "c1", KUBE_1_20);

        RenderedObject crd = desired.objects().get(0);
        assertThat(crd.key().kind()).isEqualTo("CustomResourceDefinition");
        assertThat(crd.sourceTemplate()).isEqualTo("crds/widgets.yaml");
        assertThat(annotations(crd)).containsEntry(Pruner.PRUNE_ANNOTATION, "disabled");
        @SuppressWarnings("unchecked")
        Map<String, Object> labels = (Map<String, Object>) ((Map<String, Object>) crd.content().get("metadata"))
                .get("labels");
        assertThat(labels).as("the chart's, shared by its environments")
                .containsEntry("capstan.dev/chart", "with-crd").doesNotContainKey("capstan.dev/env");
        assertThat(renderer.render(chart, "production", "app", "c1", KUBE_1_20).objects().get(0).content())
                .isEqualTo(crd.content());
    }

    @Test
    void crdsAreThoseHelmInstallsHelmignoreHonouredDisabledSubchartsLeftOutNestedFilesIncluded() {
        String crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: NAME.example.com
                spec:
                  group: example.com
                  names: {kind: K, plural: NAME}
                  scope: Namespaced
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema:
                        openAPIV3Schema: {type: object, description: "use {{ .Values.x }} in a template"}
                """;
        Map<String, String> files = new HashMap<>(Map.of(
                "Chart.yaml", """
                        apiVersion: v2
                        name: stack
                        version: 0.1.0
                        dependencies:
                          - {name: kept, version: 0.1.0, condition: kept.enabled}
                          - {name: dropped, version: 0.1.0, condition: dropped.enabled}
                        """,
                "values.yaml", "kept: {enabled: true}\ndropped: {enabled: false}\n",
                ".helmignore", "crds/kustomization.yaml\n",
                "crds/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                        + "resources: [a.yaml]\n",
                "crds/a.yaml", crd.replace("NAME", "alphas") + "---\n" + crd.replace("NAME", "betas"),
                "crds/more/c.json", "{\"apiVersion\": \"apiextensions.k8s.io/v1\", \"kind\": "
                        + "\"CustomResourceDefinition\", \"metadata\": {\"name\": \"gammas.example.com\"}}",
                "charts/kept/Chart.yaml", "apiVersion: v2\nname: kept\nversion: 0.1.0\n",
                "charts/kept/crds/on.yaml", crd.replace("NAME", "ons"),
                "charts/dropped/Chart.yaml", "apiVersion: v2\nname: dropped\nversion: 0.1.0\n",
                "charts/dropped/crds/off.yaml", crd.replace("NAME", "offs")));
        files.put("templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
        Map<String, byte[]> bytes = new HashMap<>();
        files.forEach((path, text) -> bytes.put(path, text.getBytes()));

        DesiredState desired = renderer.render(ChartFiles.of("stack", bytes), "staging", "app", "c1", KUBE_1_30);

        assertThat(desired.objects()).filteredOn(o -> o.key().kind().equals("CustomResourceDefinition"))
                .extracting(o -> o.key().name() + " from " + o.sourceTemplate())
                .containsExactlyInAnyOrder("alphas.example.com from crds/a.yaml", "betas.example.com from crds/a.yaml",
                        "gammas.example.com from crds/more/c.json", "ons.example.com from charts/kept/crds/on.yaml");
        assertThat(Yaml.write(desired.objects().stream().filter(o -> o.key().name().startsWith("alphas"))
                .findFirst().orElseThrow().content())).as("a CRD is never evaluated as a template")
                .contains("use {{ .Values.x }} in a template");
    }

    @Test
    void crdsHoldOnlyCustomResourceDefinitions() {
        ChartFiles chart = chart("smuggler", Map.of(
                "crds/rbac.yaml", """
                        apiVersion: rbac.authorization.k8s.io/v1
                        kind: ClusterRoleBinding
                        metadata: {name: smuggled-admin}
                        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                        """,
                "templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"));

        assertThatThrownBy(() -> renderer.render(chart, "staging", "app", "c1", KUBE_1_20))
                .isInstanceOf(ChartException.class).hasMessageContaining("crds/rbac.yaml")
                .hasMessageContaining("ClusterRoleBinding smuggled-admin")
                .hasMessageContaining("only CustomResourceDefinitions belong in crds/");
    }

    @Test
    void templateErrorsNameTheFileAndLine() {
        ChartFiles chart = chart("broken", Map.of("templates/cm.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ required "name is required" .Values.name }}
                """));

        assertThatThrownBy(() -> renderer.render(chart, "staging", "app", "c1", KUBE_1_20))
                .isInstanceOf(ChartException.class)
                .satisfies(e -> {
                    ChartException error = (ChartException) e;
                    assertThat(error.file()).isEqualTo("templates/cm.yaml");
                    assertThat(error.line()).isEqualTo(4);
                    assertThat(error.getMessage()).contains("name is required")
                            .doesNotContain(engine.root().toString());
                });
    }

    @Test
    void concurrentRendersGiveTheSameOutputAsOne() throws Exception {
        ChartFiles checkout = fixture("checkout-api");
        String alone = renderer.render(checkout, "production", "shop", "c1", KUBE_1_30).manifest();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> renders = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                renders.add(pool.submit(() -> renderer.render(checkout, "production", "shop", "c1", KUBE_1_30)
                        .manifest()));
            }
            Set<String> outputs = new HashSet<>();
            for (Future<String> render : renders) {
                outputs.add(render.get());
            }
            assertThat(outputs).containsExactly(alone);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aRenderPastItsDeadlineIsStoppedAndTheNextRenderWorks() {
        try (HelmProcess quick = new HelmProcess(new HelmProcess.Settings(java.time.Duration.ofSeconds(3),
                768L << 20, 100, 1))) {
            HelmChartRenderer withDeadline = new HelmChartRenderer(quick);
            ChartFiles endless = chart("endless", Map.of("templates/cm.yaml", """
                    {{- range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: never
                    """));

            assertThatThrownBy(() -> withDeadline.render(endless, "staging", "app", "c1", KUBE_1_20))
                    .isInstanceOf(ChartException.class).hasMessageContaining("did not finish within 3 s");
            assertThat(withDeadline.render(fixture("checkout-api"), "staging", "shop", "c1", KUBE_1_20).objects())
                    .isNotEmpty();
            assertThat(quick.processesStarted()).isEqualTo(2);
        }
    }

    @Test
    void aRenderInFlightWhenAnotherRenderGetsTheProcessKilledIsSentAgainToANewOne() throws Exception {
        try (HelmProcess shared = new HelmProcess(new HelmProcess.Settings(java.time.Duration.ofSeconds(60),
                768L << 20, 100, 2))) {
            HelmChartRenderer renderer = new HelmChartRenderer(shared);
            // Slow enough to be in flight when the process goes.
            ChartFiles patient = chart("patient", Map.of("templates/cm.yaml", """
                    {{- range until 5000 }}{{ range until 1000 }}{{ end }}{{ end }}
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: patient
                    """));
            var rendering = java.util.concurrent.CompletableFuture.supplyAsync(() -> renderer.render(patient,
                    "staging", "app", "c1", KUBE_1_20));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(10)).until(() -> shared.inFlight() == 1);
            shared.killForAnotherRender("a render did not finish within 60 s");

            assertThat(rendering.get(60, java.util.concurrent.TimeUnit.SECONDS).objects()).singleElement()
                    .satisfies(o -> assertThat(o.key().name()).isEqualTo("patient"));
            assertThat(shared.processesStarted()).as("sent again to a new process").isEqualTo(2);
        }
    }

    private static ChartFiles fixture(String name) {
        return ChartFiles.of(name, new dev.capstan.agent.repo.DirectoryTree(CHARTS).files(name));
    }

    static ChartFiles chart(String name, Map<String, String> files) {
        Map<String, byte[]> bytes = new HashMap<>();
        bytes.put("Chart.yaml", ("apiVersion: v2\nname: " + name + "\nversion: 0.1.0\n").getBytes());
        files.forEach((path, text) -> bytes.put(path, text.getBytes()));
        return ChartFiles.of(name, bytes);
    }

    private static List<String> kinds(DesiredState desired) {
        return desired.objects().stream().map(o -> o.key().apiVersion() + " " + o.key().kind()).toList();
    }

    private static Object maxReplicas(DesiredState desired) {
        return desired.objects().stream().filter(o -> o.key().kind().equals("HorizontalPodAutoscaler")).findFirst()
                .map(o -> ((Map<?, ?>) o.content().get("spec")).get("maxReplicas")).orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> labels(RenderedObject object) {
        return (Map<String, Object>) ((Map<String, Object>) object.content().get("metadata")).get("labels");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> annotations(RenderedObject object) {
        Object annotations = ((Map<String, Object>) object.content().get("metadata")).get("annotations");
        return annotations instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(RenderedObject object) {
        return (Map<String, Object>) object.content().get("data");
    }
}
