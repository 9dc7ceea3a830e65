package dev.capstan.agent.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.repo.DirectoryTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChartRendererTest {
    private static final Path EXAMPLES = Path.of("..", "examples");
    private final ChartRenderer renderer = new ChartRenderer();

    @Test
    void rendersTheExampleChartInInstallOrderWithCapstanLabelsAndTheEnvNamespace() {
        DesiredState state = render(example("checkout-api"), "production", "prod-ns", Capabilities.offlineDefault());

        assertThat(state.objects()).extracting(o -> o.key().kind()).containsExactly(
                "PodDisruptionBudget", "ConfigMap", "Service", "Deployment", "HorizontalPodAutoscaler", "Ingress");
        assertThat(state.objects()).allSatisfy(object -> {
            assertThat(object.key().namespace()).isEqualTo("prod-ns");
            assertThat(labels(object)).containsEntry("app.kubernetes.io/managed-by", "capstan")
                    .containsEntry("capstan.dev/chart", "checkout-api")
                    .containsEntry("capstan.dev/env", "production");
        });
        assertThat(state.manifest()).contains("# Source: checkout-api/templates/deployment.yaml",
                "host: checkout.example.com", "minAvailable: 2", "minReplicas: 4");
    }

    @Test
    void capabilitiesPickTheApiVersion() {
        Capabilities modern = new Capabilities("v1.30.0", new Capabilities.ApiVersions(Set.of(
                "policy/v1/PodDisruptionBudget", "autoscaling/v2/HorizontalPodAutoscaler")));

        DesiredState old = render(example("checkout-api"), "staging", "s", Capabilities.offlineDefault());
        DesiredState current = render(example("checkout-api"), "staging", "s", modern);

        assertThat(apiVersionOf(old, "PodDisruptionBudget")).isEqualTo("policy/v1beta1");
        assertThat(apiVersionOf(current, "PodDisruptionBudget")).isEqualTo("policy/v1");
        assertThat(apiVersionOf(old, "HorizontalPodAutoscaler")).isEqualTo("autoscaling/v2beta2");
        assertThat(apiVersionOf(current, "HorizontalPodAutoscaler")).isEqualTo("autoscaling/v2");
    }

    @Test
    void sameInputRendersToTheSameBytesAndDigest() {
        DesiredState first = render(example("checkout-api"), "staging", "s", Capabilities.offlineDefault());
        DesiredState second = render(example("checkout-api"), "staging", "s", Capabilities.offlineDefault());
        DesiredState other = render(example("checkout-api"), "production", "s", Capabilities.offlineDefault());

        assertThat(second.manifest()).isEqualTo(first.manifest());
        assertThat(second.digest()).isEqualTo(first.digest()).hasSize(64);
        assertThat(other.digest()).isNotEqualTo(first.digest());
    }

    @Test
    void aMissingValueFailsWithTemplateFileAndLine() {
        ChartFiles chart = chart(Map.of("templates/cm.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ values.nope }}
                """));

        assertThatThrownBy(() -> render(chart, "dev", "ns", Capabilities.offlineDefault()))
                .isInstanceOf(ChartException.class)
                .hasMessageStartingWith("demo/dev templates/cm.yaml:4: ")
                .hasMessageContaining("nope");
    }

    @Test
    void templatesCannotCallJavaMethods() {
        ChartFiles chart = chart(Map.of("templates/cm.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ values.name.getClass().getName() }}
                """));

        assertThatThrownBy(() -> render(chart, "dev", "ns", Capabilities.offlineDefault()))
                .isInstanceOf(ChartException.class)
                .hasMessageContaining("templates/cm.yaml:4");
    }

    @Test
    void includesCannotLeaveTheChart() {
        ChartFiles chart = chart(Map.of("templates/cm.yaml", "{% include \"../../etc/passwd\" %}\n"));

        assertThatThrownBy(() -> render(chart, "dev", "ns", Capabilities.offlineDefault()))
                .isInstanceOf(ChartException.class)
                .hasMessageContaining("leaves the chart");
    }

    @Test
    void duplicateObjectsAreRejectedNamingBothTemplates() {
        String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\n";
        ChartFiles chart = chart(Map.of("templates/a.yaml", cm, "templates/b.yaml", cm));

        assertThatThrownBy(() -> render(chart, "dev", "ns", Capabilities.offlineDefault()))
                .hasMessageContaining("templates/b.yaml")
                .hasMessageContaining("duplicate object ConfigMap ns/same (also rendered by templates/a.yaml)");
    }

    @Test
    void documentsWithoutKindOrNameAreRejected() {
        ChartFiles noKind = chart(Map.of("templates/a.yaml", "apiVersion: v1\nmetadata: {name: x}\n"));
        ChartFiles noName = chart(Map.of("templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n"));

        assertThatThrownBy(() -> render(noKind, "dev", "ns", Capabilities.offlineDefault()))
                .hasMessageContaining("templates/a.yaml").hasMessageContaining("without kind");
        assertThatThrownBy(() -> render(noName, "dev", "ns", Capabilities.offlineDefault()))
                .hasMessageContaining("without ConfigMap metadata.name");
    }

    @Test
    void invalidYamlOutputNamesTheTemplate() {
        ChartFiles chart = chart(Map.of("templates/a.yaml", "apiVersion: v1\nkind: [unclosed\n"));

        assertThatThrownBy(() -> render(chart, "dev", "ns", Capabilities.offlineDefault()))
                .hasMessageStartingWith("demo/dev templates/a.yaml")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void clusterScopedObjectsGetNoNamespace() {
        ChartFiles chart = chart(Map.of("templates/a.yaml",
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: []\n"));

        RenderedObject role = render(chart, "dev", "ns", Capabilities.offlineDefault()).objects().get(0);

        assertThat(role.key().namespace()).isEmpty();
        assertThat(metadata(role)).doesNotContainKey("namespace");
    }

    @Test
    void chartMetadataIsValidated() {
        Map<String, byte[]> files = new HashMap<>();
        files.put("Chart.yaml", "apiVersion: capstan/v1\nname: demo\nversion: one\n".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ChartRenderer.readMetadata(ChartFiles.of("demo", files)))
                .hasMessage("demo Chart.yaml: version must be semver (1.2.3), found one");
        assertThatThrownBy(() -> ChartRenderer.readMetadata(ChartFiles.of("demo", Map.of())))
                .hasMessage("demo Chart.yaml: missing: every chart needs a Chart.yaml");
    }

    @Test
    void nonUtf8FilesAreRejectedByName() {
        Map<String, byte[]> files = new HashMap<>(chart(Map.of()).files());
        files.put("templates/bad.yaml", new byte[] {(byte) 0xC3, (byte) 0x28});

        assertThatThrownBy(() -> render(ChartFiles.of("demo", files), "dev", "ns", Capabilities.offlineDefault()))
                .hasMessageContaining("templates/bad.yaml").hasMessageContaining("not valid UTF-8");
    }

    @Test
    void outputSizeIsCapped() {
        ChartFiles chart = chart(Map.of("templates/a.yaml",
                "{% for i in range(1, 100000) %}# padding line {{ i }}\n{% endfor %}"));

        assertThatThrownBy(() -> new ChartRenderer(64 * 1024).render(new RenderRequest(chart, "dev", "ns", "c", 0,
                Capabilities.offlineDefault())))
                .isInstanceOf(ChartException.class)
                .hasMessageContaining("templates/a.yaml");
    }

    @Test
    void filtersBehaveLikeHelms() {
        assertThat(TemplateFunctions.quote("a \"b\"\n")).isEqualTo("\"a \\\"b\\\"\\n\"");
        assertThat(TemplateFunctions.indent("a\nb", 2)).isEqualTo("  a\n  b");
        assertThat(TemplateFunctions.toYaml(Map.of("k", List.of(1, 2)))).isEqualTo("k:\n  - 1\n  - 2");
    }

    private DesiredState render(ChartFiles chart, String env, String namespace, Capabilities capabilities) {
        return renderer.render(new RenderRequest(chart, env, namespace, "abc123", 1, capabilities));
    }

    private static ChartFiles example(String chart) {
        return Planner.chartFiles(new DirectoryTree(EXAMPLES), chart);
    }

    private static ChartFiles chart(Map<String, String> templates) {
        Map<String, byte[]> files = new HashMap<>();
        files.put("Chart.yaml", "apiVersion: capstan/v1\nname: demo\nversion: 1.0.0\n"
                .getBytes(StandardCharsets.UTF_8));
        files.put("values.yaml", "name: demo\n".getBytes(StandardCharsets.UTF_8));
        templates.forEach((path, text) -> files.put(path, text.getBytes(StandardCharsets.UTF_8)));
        return ChartFiles.of("demo", files);
    }

    private static String apiVersionOf(DesiredState state, String kind) {
        return state.objects().stream().filter(o -> o.key().kind().equals(kind)).findFirst().orElseThrow()
                .key().apiVersion();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(RenderedObject object) {
        return (Map<String, Object>) object.content().get("metadata");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> labels(RenderedObject object) {
        return (Map<String, Object>) metadata(object).get("labels");
    }
}
