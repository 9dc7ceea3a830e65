package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.testcluster.ClusterBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLI against a repository of deliberately broken charts (it-tests/src/test/resources/broken-repo), one per
 * error class: each fails alone with one line naming chart/env and file[:line], the good chart still renders, and no
 * stack trace reaches the operator unless asked for.
 */
class BrokenChartsIT {
    @TempDir
    Path repo;

    @BeforeEach
    void copyFixtureAndAddANonUtf8File() throws IOException {
        Path fixture = ClusterBinaries.repoRoot().resolve("it-tests/src/test/resources/broken-repo");
        try (Stream<Path> paths = Files.walk(fixture)) {
            for (Path p : paths.toList()) {
                Path target = repo.resolve(fixture.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Path chart = Files.createDirectories(repo.resolve("charts/non-utf8/templates"));
        Files.writeString(chart.resolve("../Chart.yaml"), "apiVersion: capstan/v1\nname: non-utf8\nversion: 1.0.0\n");
        Files.write(chart.resolve("cm.yaml"), new byte[] {'k', 'i', 'n', 'd', ':', ' ', (byte) 0xC3, (byte) 0x28});
    }

    @Test
    void renderReportsEachBrokenChartOnOneLineAndStillRendersTheGoodOne() {
        CapstanProcess.Result result = CapstanProcess.run("render", repo.toString());

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.out()).contains("name: good").contains("capstan.dev/chart: good");
        assertThat(result.err().lines().toList()).containsExactlyInAnyOrder(
                "ERROR bad-values-yaml/dev values.yaml:2: invalid YAML: while parsing a flow sequence: expected ','"
                        + " or ']', but got <stream end>",
                "ERROR duplicate-objects/dev templates/b.yaml: duplicate object ConfigMap dev/duplicate-objects (also"
                        + " rendered by templates/a.yaml)",
                "ERROR empty-chart/dev templates/: the chart has no templates (templates/*.yaml)",
                "ERROR endless-template/dev templates/loop.yaml: render took longer than its time budget: an endless"
                        + " or very large loop?",
                "ERROR huge-output/dev templates/big.yaml: rendered output exceeds the size limit (4194304"
                        + " characters)",
                "ERROR missing-value/dev templates/cm.yaml:4: 'image' is not defined (templates are strict: give"
                        + " optional values a default with | default(...))",
                "ERROR no-chart-yaml/dev Chart.yaml: missing: every chart needs a Chart.yaml",
                "ERROR no-kind/dev templates/cm.yaml: rendered an object without kind",
                "ERROR non-utf8/dev templates/cm.yaml: file is not valid UTF-8",
                "ERROR not-yaml-output/dev templates/cm.yaml:1: rendered output is not valid YAML: while parsing a"
                        + " flow sequence: expected ',' or ']', but got <stream end>",
                "ERROR path-traversal/dev templates/cm.yaml: template path leaves the chart: ../../../capstan.yaml",
                "ERROR schema-violation/dev: values: $.replicaCount: string found, integer expected",
                "ERROR template-syntax/dev templates/cm.yaml:5: Unexpected token \"EXECUTE_END\" of value \"%}\"");
        assertThat(result.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void verboseAddsStackTraces() {
        CapstanProcess.Result result = CapstanProcess.run("render", repo.toString(), "--chart", "missing-value",
                "--verbose");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("ChartException", "\tat ");
    }

    @Test
    void lintFailsOnTheSameErrorsAndPassesTheGoodChart() {
        CapstanProcess.Result broken = CapstanProcess.run("lint", repo.toString());
        CapstanProcess.Result good = CapstanProcess.run("lint", repo.toString(), "--chart", "good");

        assertThat(broken.exit()).isEqualTo(1);
        List<String> errors = broken.out().lines().filter(l -> l.startsWith("ERROR")).toList();
        assertThat(errors).hasSize(13).anyMatch(l -> l.startsWith("ERROR schema-violation/dev: values:"));
        assertThat(good.exit()).isZero();
        assertThat(good.out()).contains("0 error(s)");
    }

    @Test
    void theExamplesRenderAndLintCleanly() {
        Path examples = ClusterBinaries.repoRoot().resolve("examples");

        CapstanProcess.Result render = CapstanProcess.run("render", examples.toString());
        CapstanProcess.Result lint = CapstanProcess.run("lint", examples.toString());

        assertThat(render.exit()).isZero();
        assertThat(render.err()).isEmpty();
        assertThat(lint.exit()).isZero();
        assertThat(lint.out()).contains("0 error(s), 0 warning(s)");
    }
}
