package dev.capstan.agent.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.chart.Capabilities;
import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.lint.ChartLinter;
import dev.capstan.agent.lint.Finding;
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

        List<String> lines = new ChartLinter(RENDERER).lint(chart, ENVS, Capabilities.offlineDefault()).stream()
                .map(Finding::format).toList();

        assertThat(lines).anyMatch(l -> l.startsWith("ERROR checkout-api") && l.contains("helm lint:")
                && l.contains("broken.yaml"));
        assertThat(lines).anyMatch(l -> l.contains("checkout-api/staging") && l.contains("DB_PASSWORD"));
    }

    @Test
    void theFieldGuideChartIsCleanButForHelmsAdvice() {
        List<Finding> findings = new ChartLinter(RENDERER).lint(HelmRenderSoakFixture.checkoutApi(), ENVS,
                Capabilities.offlineDefault());

        assertThat(findings).noneMatch(f -> f.severity() == Finding.Severity.ERROR);
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
