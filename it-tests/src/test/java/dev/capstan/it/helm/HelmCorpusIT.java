package dev.capstan.it.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.cluster.ApplyResult;
import dev.capstan.agent.cluster.ClusterCapabilities;
import dev.capstan.agent.cluster.ServerSideApplier;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.helm.HelmChartRenderer;
import dev.capstan.agent.helm.HelmProcess;
import dev.capstan.agent.lint.ChartLinter;
import dev.capstan.agent.lint.Finding;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.Hook;
import dev.capstan.agent.model.KubeApiSurface;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.Yaml;
import dev.capstan.agent.render.UnitRenderer;
import dev.capstan.agent.repo.DirectoryTree;
import dev.capstan.it.KubernetesCluster;
import dev.capstan.it.TestNamespace;
import dev.capstan.testcluster.ClusterBinaries;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Popular public charts, vendored unmodified with their subcharts ({@code helm-corpus/SOURCES.md}), rendered by
 * Capstan and by Helm's own {@code helm template} for two sets of values each and compared object by object (see
 * {@link ManifestComparison}): zero differences. Then the agent's render for the test control plane (its discovery,
 * its version) goes through the agent's dry run on the API server, for both sets of values: nothing refused.
 */
@KubernetesCluster
class HelmCorpusIT {
    private static final String NAMESPACE = "corpus";
    private static final String KUBE_VERSION = "1.30.0";
    private static final Path ROOT = ClusterBinaries.repoRoot();
    private static final Path CORPUS = ROOT.resolve("it-tests/src/test/resources/helm-corpus");
    private static final Path SECOND_VALUES = ROOT.resolve("it-tests/src/test/resources/helm-corpus-values");
    private static final Path SHARED = ROOT.resolve("agent/src/test/resources/helm-charts");

    private static HelmReference helm;
    private static HelmProcess engine;
    private static HelmChartRenderer capstan;

    @BeforeAll
    static void start() {
        helm = HelmReference.locate();
        engine = new HelmProcess(HelmProcess.Settings.defaults());
        capstan = new HelmChartRenderer(engine);
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static Stream<Arguments> charts() throws Exception {
        List<Arguments> charts = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(CORPUS)) {
            dirs.filter(Files::isDirectory).sorted().forEach(dir -> charts.add(Arguments.of(dir.getFileName()
                    .toString(), dir)));
        }
        charts.add(Arguments.of("podinfo", SHARED.resolve("podinfo")));
        charts.add(Arguments.of("ingress-nginx", SHARED.resolve("ingress-nginx")));
        return charts.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("charts")
    void rendersAsHelmDoesWithItsDefaultsAndWithASecondSetOfValues(String name, Path dir) {
        Capabilities capabilities = KubeApiSurface.capabilities(KUBE_VERSION);
        Path second = SECOND_VALUES.resolve(name + ".yaml");
        assertThat(second).as("a second set of values for every chart of the corpus").exists();
        for (Path values : new Path[] {null, second}) {
            String env = values == null ? "default" : "full";
            List<ManifestComparison.Doc> ours = capstanRender(name, dir, env, values, NAMESPACE, capabilities);
            List<ManifestComparison.Doc> theirs = helmRender(name, dir, values, capabilities);
            List<ManifestComparison.Doc> again = helmRender(name, dir, values, capabilities);

            assertThat(theirs).as("Helm rendered %s/%s", name, env).isNotEmpty();
            assertThat(ours).as("as many objects as Helm for %s/%s", name, env).hasSameSizeAs(theirs);
            assertThat(ManifestComparison.differences(ours, theirs, again, NAMESPACE))
                    .as("differences from helm template for %s with %s values", name, env).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("charts")
    void theApiServerAcceptsWhatCapstanRendersForItWithBothSetsOfValues(String name, Path dir, TestNamespace ns,
                                                                       KubernetesClient client) {
        Capabilities cluster = ClusterCapabilities.discover(client);
        for (Path values : new Path[] {null, SECOND_VALUES.resolve(name + ".yaml")}) {
            String env = values == null ? "default" : "full";
            DesiredState desired = capstan.render(chartFiles(name, dir, values), env, ns.name(), "c1", cluster);
            List<RenderedObject> objects = new ArrayList<>(desired.objects());
            desired.hooks().stream().filter(Hook::runs).map(Hook::object).forEach(objects::add);
            assertThat(objects).as("%s/%s rendered objects for the cluster", name, env).isNotEmpty();
            installCrds(client, objects);

            Optional<ApplyResult.Rejected> refused = new ServerSideApplier(client).dryRun(objects);

            assertThat(refused).as("what the API server refuses of %s/%s at the agent's dry run", name, env)
                    .isEmpty();
        }
    }

    /**
     * {@code capstan lint} of every corpus chart for both environments: the literal default credentials two charts
     * really ship are errors (and jenkins' PDB default that blocks every eviction, once enabled), nothing else is; a
     * template error and a literal token planted into a chart are found.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("charts")
    void lintFindsWhatAChartReallyShipsAndWhatIsPlantedAndNoFalsePositive(String name, Path dir) {
        Capabilities capabilities = KubeApiSurface.capabilities(KUBE_VERSION);
        List<Environment> envs = List.of(
                new Environment("default", NAMESPACE, "default", Environment.Rollout.rollingDefault()),
                new Environment("full", NAMESPACE, "default", Environment.Rollout.rollingDefault()));
        ChartFiles chart = chartFiles(name, dir, SECOND_VALUES.resolve(name + ".yaml"));
        Map<String, List<String>> shipped = Map.of(
                // And, with its PDB switched on (the second values), the chart's default maxUnavailable of 0.
                "jenkins", List.of("jenkins values.yaml:928: literal secret in 'password'",
                        "jenkins/full templates/jenkins-controller-pdb.yaml: PodDisruptionBudget jenkins-pdb can never "
                                + "allow an eviction: maxUnavailable is 0"),
                "vault", List.of("vault values.yaml:897: literal secret in 'devRootToken'"));
        try (UnitRenderer renderer = new UnitRenderer()) {
            ChartLinter linter = new ChartLinter(renderer);

            List<String> errors = errors(linter.lint(chart, envs, capabilities));

            assertThat(errors).as("errors of %s: only the credentials it ships", name)
                    .isEqualTo(shipped.getOrDefault(name, List.of()));
            Map<String, byte[]> planted = new HashMap<>(chart.files());
            planted.put("templates/planted.yaml", "{{ if }}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            planted.put("values.full.yaml", (readString(SECOND_VALUES.resolve(name + ".yaml"))
                    + "\nplantedApiToken: tok-8f2a\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(errors(linter.lint(ChartFiles.of(name, planted), envs, capabilities)))
                    .anyMatch(e -> e.startsWith(name + "/full values.full.yaml:") && e.endsWith("'plantedApiToken'"))
                    .anyMatch(e -> e.contains("templates/planted.yaml:1"));
        }
    }

    private static List<String> errors(List<Finding> findings) {
        return findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR)
                .map(f -> (f.unit() + " " + f.file() + (f.line() > 0 ? ":" + f.line() : "") + ": " + f.message())
                        .replaceAll(": keep secrets out of git.*", ""))
                .toList();
    }

    /** The chart's CRDs, created for real (cluster-wide, as a chart's crds/ are) so its custom resources validate. */
    private static void installCrds(KubernetesClient client, List<RenderedObject> objects) {
        for (RenderedObject object : objects) {
            if (object.key().kind().equals("CustomResourceDefinition")) {
                GenericKubernetesResource crd = io.fabric8.kubernetes.client.utils.Serialization
                        .unmarshal(Yaml.write(object.content()), GenericKubernetesResource.class);
                client.resource(crd).fieldManager("capstan").forceConflicts().serverSideApply();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    var status = client.apiextensions().v1().customResourceDefinitions().withName(object.key().name())
                            .get().getStatus();
                    return status != null && status.getConditions() != null && status.getConditions().stream()
                            .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
                });
            }
        }
    }

    private static List<ManifestComparison.Doc> capstanRender(String name, Path dir, String env, Path values,
                                                              String namespace, Capabilities capabilities) {
        DesiredState desired = capstan.render(chartFiles(name, dir, values), env, namespace, "c1", capabilities);
        List<ManifestComparison.Doc> docs = new ArrayList<>();
        desired.objects().forEach(o -> docs.add(ManifestComparison.fromCapstan(o.sourceTemplate(), o.content())));
        desired.hooks().forEach(h -> docs.add(ManifestComparison.fromCapstan(h.object().sourceTemplate(),
                h.object().content())));
        return docs;
    }

    private static List<ManifestComparison.Doc> helmRender(String name, Path dir, Path values,
                                                           Capabilities capabilities) {
        String output = helm.template(name, dir, NAMESPACE, KUBE_VERSION, capabilities.apiVersions().versions(),
                values);
        String chartName = String.valueOf(Yaml.readMap(readString(dir.resolve("Chart.yaml")), name, "Chart.yaml")
                .get("name"));
        return ManifestComparison.parseHelm(output, chartName).stream().map(ManifestComparison::withoutManagedBy)
                .toList();
    }

    /** The chart as committed, with {@code values} as the environment's values file. */
    private static ChartFiles chartFiles(String name, Path dir, Path values) {
        Map<String, byte[]> files = new HashMap<>(new DirectoryTree(dir.getParent()).files(name));
        if (values != null) {
            files.put("values.full.yaml", readBytes(values));
        }
        return ChartFiles.of(name, files);
    }

    private static String readString(Path file) {
        return new String(readBytes(file), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
