package dev.capstan.agent.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.lint.ChartLinter;
import dev.capstan.agent.lint.Finding;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.render.UnitRenderer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code capstan lint} on Helm charts: Helm's own lint plus Capstan's rules on every environment's render. */
class HelmLintTest {
    private static final List<Environment> ENVS = List.of(
            new Environment("staging", "shop-staging", "default", Environment.Rollout.rollingDefault()),
            new Environment("production", "shop", "default", Environment.Rollout.rollingDefault()));
    private static final UnitRenderer RENDERER = new UnitRenderer();

    @AfterAll
    static void stop() {
        RENDERER.close();
    }

    @Test
    void aSchemaViolationOnlyInProductionValuesIsAnErrorOfProduction() {
        ChartFiles chart = withFile(HelmRenderSoakFixture.checkoutApi(), "values.production.yaml",
                "replicaCount: many\n");

        List<Finding> findings = new ChartLinter(RENDERER).lint(chart, ENVS, Capabilities.offlineDefault());

        assertThat(findings).filteredOn(f -> f.severity() == Finding.Severity.ERROR).singleElement()
                .satisfies(f -> {
                    assertThat(f.unit()).isEqualTo("checkout-api/production");
                    assertThat(f.message()).contains("replicaCount");
                });
    }

    @Test
    void helmsOwnFindingsAndCapstansRulesBothApply() {
        ChartFiles chart = withFile(HelmRenderSoakFixture.checkoutApi(), "values.staging.yaml",
                "image: {tag: latest}\nconfig: {DB_PASSWORD: hunter2}\n");
        chart = withFile(chart, "templates/broken.yaml", "{{ if }}\n");
        ChartFiles misnamed = withFile(HelmRenderSoakFixture.checkoutApi(), "templates/misnamed.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_A_DNS_Name\n");

        List<String> lines = new ChartLinter(RENDERER).lint(chart, ENVS, Capabilities.offlineDefault()).stream()
                .map(Finding::format).toList();

        assertThat(lines).as("the template error, said once by the render that stops on it")
                .filteredOn(l -> l.contains("broken.yaml")).singleElement().asString()
                .startsWith("ERROR checkout-api/production templates/broken.yaml:1: parse error");
        assertThat(new ChartLinter(RENDERER).lint(misnamed, ENVS, Capabilities.offlineDefault()))
                .as("what only Helm's lint checks, found in every environment: the chart's finding")
                .anyMatch(f -> f.unit().equals("checkout-api") && f.message().startsWith("helm lint:")
                        && f.message().contains("Not_A_DNS_Name"));
        assertThat(lines).anyMatch(l -> l.contains("checkout-api/staging") && l.contains("DB_PASSWORD"));
    }

    @Test
    void theFieldGuideChartIsCleanButForHelmsAdvice() {
        List<Finding> findings = new ChartLinter(RENDERER).lint(HelmRenderSoakFixture.checkoutApi(), ENVS,
                Capabilities.offlineDefault());

        assertThat(findings).noneMatch(f -> f.severity() == Finding.Severity.ERROR);
    }

    @Test
    void helmsLintSeesEachEnvironmentsValuesSoAFindingTheyFixIsNoFinding() {
        String schema = """
                {"type": "object", "required": ["region"], "properties": {"region": {"type": "string"}}}
                """;
        ChartFiles chart = HelmChartRendererTest.chart("regional", Map.of(
                "values.schema.json", schema,
                "values.yaml", "replicas: 1\n",
                "values.staging.yaml", "region: eu-west-1\n",
                "values.production.yaml", "region: eu-central-1\n",
                "templates/cm.yaml", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: regional}
                        data: {region: {{ .Values.region | quote }}}
                        """));

        List<Finding> fixedEverywhere = new ChartLinter(RENDERER).lint(chart, ENVS, Capabilities.offlineDefault());
        List<Finding> fixedInStagingOnly = new ChartLinter(RENDERER).lint(withFile(chart, "values.production.yaml",
                "replicas: 2\n"), ENVS, Capabilities.offlineDefault());

        assertThat(fixedEverywhere).as("values.yaml alone misses region; every environment sets it")
                .noneMatch(f -> f.message().contains("region"));
        assertThat(fixedInStagingOnly).filteredOn(f -> f.message().contains("region")).extracting(Finding::unit)
                .as("said once, for the environment whose values miss it").containsExactly("regional/production");
    }

    @Test
    void passwordsGeneratedAtRenderTimeAreNotDataInGitButLiteralOnesAre() {
        ChartFiles chart = HelmChartRendererTest.chart("generated", Map.of(
                "values.yaml", "user: admin\n",
                "templates/secret.yaml", """
                        apiVersion: v1
                        kind: Secret
                        metadata: {name: generated}
                        data:
                          admin-user: {{ .Values.user | b64enc }}
                          admin-password: {{ randAlphaNum 24 | b64enc }}
                        """,
                "templates/literal.yaml", """
                        apiVersion: v1
                        kind: Secret
                        metadata: {name: literal}
                        stringData: {api-token: abc123, note: hello}
                        """));

        List<String> lines = new ChartLinter(RENDERER).lint(chart, ENVS.subList(0, 1), Capabilities.offlineDefault())
                .stream().map(Finding::format).toList();

        assertThat(lines).noneMatch(l -> l.contains("Secret generated"));
        assertThat(lines).anyMatch(l -> l.contains("Secret literal holds literal data in git (api-token)"));
    }

    private static ChartFiles withFile(ChartFiles chart, String path, String text) {
        Map<String, byte[]> files = new HashMap<>(chart.files());
        files.put(path, text.getBytes(StandardCharsets.UTF_8));
        return ChartFiles.of(chart.chartName(), files);
    }

    /** The real chart from the test resources. */
    static final class HelmRenderSoakFixture {
        static ChartFiles checkoutApi() {
            return ChartFiles.of("checkout-api", new dev.capstan.agent.repo.DirectoryTree(
                    Path.of("src/test/resources/helm-charts")).files("checkout-api"));
        }
    }
}
