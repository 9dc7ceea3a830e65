package dev.capstan.agent.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.KubeApiSurface;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.repo.DirectoryTree;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
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

        DesiredState old = render(example("checkout-api"), "staging", "s", KubeApiSurface.capabilities("1.20.2"));
        DesiredState current = render(example("checkout-api"), "staging", "s", modern);
        DesiredState offline = render(example("checkout-api"), "staging", "s", Capabilities.offlineDefault());

        assertThat(apiVersionOf(old, "PodDisruptionBudget")).isEqualTo("policy/v1beta1");
        assertThat(apiVersionOf(current, "PodDisruptionBudget")).isEqualTo("policy/v1");
        assertThat(apiVersionOf(old, "HorizontalPodAutoscaler")).isEqualTo("autoscaling/v2beta2");
        assertThat(apiVersionOf(current, "HorizontalPodAutoscaler")).isEqualTo("autoscaling/v2");
        assertThat(apiVersionOf(offline, "PodDisruptionBudget")).as("offline: the newest supported release")
                .isEqualTo("policy/v1");
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
                .hasMessageStartingWith("demo/dev templates/cm.yaml:4: 'nope' is not defined")
                .hasMessageNotContaining("java.util");
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
                "{% for i in range(1, 1000) %}{% for j in range(1, 100) %}# padding {{ i }} {{ j }}\n"
                        + "{% endfor %}{% endfor %}"));

        assertThatThrownBy(() -> new ChartRenderer(new RenderLimits(64 * 1024, Duration.ofSeconds(5)))
                .render(new RenderRequest(chart, "dev", "ns", "c", 0, Capabilities.offlineDefault())))
                .isInstanceOf(ChartException.class)
                .hasMessageStartingWith("demo/dev templates/a.yaml")
                .hasMessageContaining("exceeds the size limit");
    }

    @Test
    void anEndlessLoopRunsOutOfTimeInsteadOfHangingTheAgent() {
        ChartFiles chart = chart(Map.of("templates/a.yaml", """
                {% for i in range(1, 10000) %}{% for j in range(1, 10000) %}{% for k in range(1, 10000) %}\
                {% endfor %}{% endfor %}{% endfor %}
                """));

        assertThatThrownBy(() -> new ChartRenderer(new RenderLimits(1 << 20, Duration.ofMillis(200)))
                .render(new RenderRequest(chart, "dev", "ns", "c", 0, Capabilities.offlineDefault())))
                .hasMessageStartingWith("demo/dev templates/a.yaml")
                .hasMessageContaining("time budget");
    }

    @Test
    void aHugeRangeIsRefusedBeforeItIsAllocated() {
        ChartFiles chart = chart(Map.of("templates/a.yaml", "{% for i in range(0, 2000000000) %}{% endfor %}\n"));

        assertThatThrownBy(() -> render(chart, "dev", "ns", Capabilities.offlineDefault()))
                .hasMessageStartingWith("demo/dev templates/a.yaml:1: ")
                .hasMessageContaining("exceeds the limit of 10000");
    }

    @Test
    void endlessRecursionIsAClearError() {
        ChartFiles chart = chart(Map.of(
                "templates/_loop.peb", "{% macro loop(n) %}{{ loop(n) }}{% endmacro %}",
                "templates/a.yaml", "{{ loop(1) }}\n"));

        assertThatThrownBy(() -> render(chart, "dev", "ns", Capabilities.offlineDefault()))
                .isInstanceOf(ChartException.class)
                .hasMessageContaining("recursion too deep");
    }

    @Test
    void macrosOfEveryPartialAreVisibleWithoutAnImportAndLinesStayTrue() {
        ChartFiles chart = chart(Map.of(
                "templates/_names.peb", "{% macro fullname(r) %}{{ r.name }}-{{ r.env }}{% endmacro %}",
                "templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ fullname(release) }}\n",
                "templates/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ values.nope }}\n"));

        assertThatThrownBy(() -> render(chart, "dev", "ns", Capabilities.offlineDefault()))
                .hasMessageStartingWith("demo/dev templates/b.yaml:4: 'nope' is not defined");
        ChartFiles fixed = chart(Map.of(
                "templates/_names.peb", "{% macro fullname(r) %}{{ r.name }}-{{ r.env }}{% endmacro %}",
                "templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ fullname(release) }}\n"));
        assertThat(render(fixed, "dev", "ns", Capabilities.offlineDefault()).objects().get(0).key().name())
                .isEqualTo("demo-dev");
    }

    @Test
    void defaultAndRequiredWorkUnderStrictVariables() {
        ChartFiles withDefault = chart(Map.of("templates/a.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ values.missing | default('fallback') }}\n"));
        ChartFiles withRequired = chart(Map.of("templates/a.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ values.empty | required('set empty!') }}\n",
                "values.yaml", "empty: ''\n"));

        assertThat(render(withDefault, "dev", "ns", Capabilities.offlineDefault()).objects().get(0).key().name())
                .isEqualTo("fallback");
        assertThatThrownBy(() -> render(withRequired, "dev", "ns", Capabilities.offlineDefault()))
                .hasMessage("demo/dev templates/a.yaml:4: set empty!");
    }

    @Test
    void valuesAreCheckedAgainstTheSchemaNamingPathAndExpectation() {
        String schema = """
                {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                 "required": ["replicaCount"],
                 "properties": {"replicaCount": {"type": "integer", "minimum": 1}}}
                """;
        ChartFiles chart = chart(Map.of("values.schema.json", schema, "values.yaml", "replicaCount: 1\n",
                "values.prod.yaml", "replicaCount: two\n",
                "templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));

        assertThat(render(chart, "dev", "ns", Capabilities.offlineDefault()).objects()).hasSize(1);
        assertThatThrownBy(() -> render(chart, "prod", "ns", Capabilities.offlineDefault()))
                .hasMessage("demo/prod: values: $.replicaCount: string found, integer expected");
    }

    @Test
    void draft202012SchemasWork() {
        String schema = """
                {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                 "$defs": {"port": {"type": "integer", "maximum": 65535}},
                 "properties": {"port": {"$ref": "#/$defs/port"}}}
                """;
        ChartFiles chart = chart(Map.of("values.schema.json", schema, "values.yaml", "port: 70000\n",
                "templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));

        assertThatThrownBy(() -> render(chart, "dev", "ns", Capabilities.offlineDefault()))
                .hasMessageStartingWith("demo/dev: values: $.port: ")
                .hasMessageContaining("65535");
    }

    @Test
    void aRecursiveSchemaIsARenderErrorNamingTheCycle() {
        for (String schema : List.of(
                "{\"$ref\": \"#\"}",
                "{\"definitions\": {\"a\": {\"$ref\": \"#/definitions/b\"}, \"b\": {\"allOf\": [{\"$ref\": "
                        + "\"#/definitions/a\"}]}}, \"properties\": {\"x\": {\"$ref\": \"#/definitions/a\"}}}",
                "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"$defs\": {\"loop\": "
                        + "{\"anyOf\": [{\"$ref\": \"#/$defs/loop\"}]}}, \"$ref\": \"#/$defs/loop\"}")) {
            ChartFiles chart = chart(Map.of("values.schema.json", schema, "values.yaml", "x: 1\n",
                    "templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));

            assertThatThrownBy(() -> render(chart, "dev", "ns", Capabilities.offlineDefault()))
                    .as(schema).isInstanceOf(ChartException.class)
                    .hasMessageStartingWith("demo values.schema.json: ")
                    .hasMessageContaining("$ref cycle");
        }
    }

    @Test
    void schemaPatternsFromGitRunInLinearTime() {
        String schema = """
                {"properties": {"name": {"type": "string", "pattern": "^(a+)+$"}},
                 "patternProperties": {"^(x+x+)+y$": {"type": "integer"}}}
                """;
        ChartFiles chart = chart(Map.of("values.schema.json", schema,
                "values.yaml", "name: " + "a".repeat(40) + "b\n" + "x".repeat(40) + ": 1\n",
                "templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));
        ChartFiles lookaround = chart(Map.of("values.schema.json",
                "{\"properties\": {\"name\": {\"pattern\": \"(?<=a)b\"}}}", "values.yaml", "name: ab\n",
                "templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));

        assertThatThrownBy(() -> render(chart, "dev", "ns", Capabilities.offlineDefault()))
                .hasMessageStartingWith("demo/dev: values: $.name: ").hasMessageContaining("^(a+)+$");
        assertThatThrownBy(() -> render(lookaround, "dev", "ns", Capabilities.offlineDefault()))
                .isInstanceOf(ChartException.class).hasMessageContaining("not a valid RE2 regular expression");
    }

    @Test
    void aTemplateIteratesAMapsKeysAndValuesInFileOrderButCallsNoOtherMethod() {
        ChartFiles chart = chart(Map.of("values.yaml", "env: {ZONE: eu, LEVEL: debug, PORT: 8080}\n",
                "templates/cm.yaml", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: env}
                        data:
                        {% for e in values.env %}  {{ e.key }}: {{ e.value | quote }}
                        {% endfor %}"""));
        ChartFiles escape = chart(Map.of("values.yaml", "env: {A: b}\n", "templates/cm.yaml",
                "{% for e in values.env %}{{ e.getClass().getName() }}{% endfor %}\n"));

        DesiredState state = render(chart, "dev", "ns", Capabilities.offlineDefault());

        assertThat(state.objects().get(0).content().get("data")).isEqualTo(Map.of("ZONE", "eu", "LEVEL", "debug",
                "PORT", "8080"));
        assertThat(state.manifest()).containsSubsequence("ZONE: eu", "LEVEL: debug", "PORT: \"8080\"");
        assertThatThrownBy(() -> render(escape, "dev", "ns", Capabilities.offlineDefault()))
                .isInstanceOf(ChartException.class);
    }

    @Test
    void aSchemaThatRecursesThroughTheValuesIsFine() {
        String schema = """
                {"definitions": {"node": {"type": "object", "properties": {"child": {"$ref": "#/definitions/node"},
                 "size": {"type": "integer"}}}}, "properties": {"tree": {"$ref": "#/definitions/node"}}}
                """;
        ChartFiles chart = chart(Map.of("values.schema.json", schema,
                "values.yaml", "tree: {child: {child: {size: 1}}}\n", "values.prod.yaml",
                "tree: {child: {child: {size: big}}}\n",
                "templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));

        assertThat(render(chart, "dev", "ns", Capabilities.offlineDefault()).objects()).hasSize(1);
        assertThatThrownBy(() -> render(chart, "prod", "ns", Capabilities.offlineDefault()))
                .hasMessageContaining("$.tree.child.child.size");
    }

    @Test
    void aSchemaCannotMakeTheAgentFetchAUrl() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "{\"type\": \"string\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String schema = "{\"properties\": {\"a\": {\"$ref\": \"http://127.0.0.1:"
                    + server.getAddress().getPort() + "/s.json\"}}}";
            ChartFiles chart = chart(Map.of("values.schema.json", schema, "values.yaml", "a: 1\n",
                    "templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));

            assertThatThrownBy(() -> render(chart, "dev", "ns", Capabilities.offlineDefault()))
                    .isInstanceOf(ChartException.class);
            assertThat(requests).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aBrokenEnvironmentFileFailsOnlyThatEnvironment() {
        ChartFiles chart = chart(Map.of("values.prod.yaml", "replicas: [unclosed\n",
                "templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));

        assertThat(render(chart, "dev", "ns", Capabilities.offlineDefault()).objects()).hasSize(1);
        assertThatThrownBy(() -> render(chart, "prod", "ns", Capabilities.offlineDefault()))
                .hasMessageStartingWith("demo/prod values.prod.yaml:")
                .hasMessageContaining("invalid YAML");
    }

    @Test
    void aChangedTemplateIsRenderedAnewDespiteTheCache() {
        String template = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\n";
        DesiredState first = render(chart(Map.of("templates/a.yaml", template.formatted("one"))), "dev", "ns",
                Capabilities.offlineDefault());
        DesiredState second = render(chart(Map.of("templates/a.yaml", template.formatted("two"))), "dev", "ns",
                Capabilities.offlineDefault());

        assertThat(first.objects().get(0).key().name()).isEqualTo("one");
        assertThat(second.objects().get(0).key().name()).isEqualTo("two");
    }

    @Test
    @SuppressWarnings("unchecked")
    void renderedObjectsAreReadOnlySoTheParseCacheCannotBeChangedThroughThem() {
        ChartFiles chart = example("checkout-api");
        DesiredState first = render(chart, "staging", "s", Capabilities.offlineDefault());
        Map<String, Object> spec = (Map<String, Object>) first.objects().get(0).content().get("spec");

        assertThatThrownBy(() -> spec.put("minAvailable", 99)).isInstanceOf(UnsupportedOperationException.class);
        DesiredState second = render(chart, "staging", "s", Capabilities.offlineDefault());

        assertThat(second.objects().get(0).key().kind()).isEqualTo("PodDisruptionBudget");
        assertThat((Map<String, Object>) second.objects().get(0).content().get("spec"))
                .containsEntry("minAvailable", 1);
        assertThat(second.digest()).isEqualTo(first.digest()).isEqualTo(
                new ChartRenderer(RenderLimits.defaults().withoutParseCache()).render(new RenderRequest(chart,
                        "staging", "s", "abc123", 1, Capabilities.offlineDefault())).digest());
    }

    @Test
    void aChartNameMustMatchItsDirectory() {
        Map<String, byte[]> files = new HashMap<>();
        files.put("Chart.yaml", "apiVersion: capstan/v1\nname: other\nversion: 1.0.0\n"
                .getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ChartRenderer.readMetadata(ChartFiles.of("demo", files)))
                .hasMessage("demo Chart.yaml: name 'other' differs from the directory name");
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
        // Entries may override Chart.yaml or values.yaml, or add any other file.
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
