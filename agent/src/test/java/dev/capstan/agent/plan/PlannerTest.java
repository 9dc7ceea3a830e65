package dev.capstan.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.repo.DirectoryTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {

    @Test
    void chartDirectoriesThatAreNotDnsLabelsAreRefusedWithOneLineEachAndTheRestPlanned(@TempDir Path repo)
            throws IOException {
        Files.writeString(repo.resolve("capstan.yaml"), "environments: [{name: staging}]\n");
        for (String name : new String[] {"web", "...", "..x", "café", "cafe\u0301", "Upper", "-dash", "a".repeat(64)}) {
            Files.createDirectories(repo.resolve("charts").resolve(name));
            Files.writeString(repo.resolve("charts").resolve(name).resolve("Chart.yaml"), "name: x\n");
        }

        Plan plan = Planner.plan(new DirectoryTree(repo));

        assertThat(plan.units()).extracting(Unit::id).containsExactly("web/staging");
        assertThat(plan.refusedCharts()).containsKeys("...", "..x", "caf\\u00e9", "cafe\\u0301", "Upper", "-dash")
                .hasSize(7);
        assertThat(plan.refusedCharts().get("caf\\u00e9")).startsWith("charts/caf\\u00e9: a chart directory's name "
                + "must be a DNS label").doesNotContain("\n").hasSizeLessThan(400);
    }

    @Test
    void manifestDirectoriesAreUnitsTooAndMayNotShareAChartsName(@TempDir Path repo) throws IOException {
        Files.writeString(repo.resolve("capstan.yaml"), "environments: [{name: staging}, {name: prod}]\n");
        for (String dir : new String[] {"charts/web", "charts/both", "apps/plain", "apps/both"}) {
            Files.createDirectories(repo.resolve(dir));
            Files.writeString(repo.resolve(dir).resolve("x.yaml"), "a: b\n");
        }

        Plan plan = Planner.plan(new DirectoryTree(repo));

        assertThat(plan.units()).extracting(u -> u.id() + " " + u.kind() + " " + u.sourceDir()).containsExactly(
                "plain/staging MANIFESTS apps/plain", "web/staging CHART charts/web",
                "plain/prod MANIFESTS apps/plain", "web/prod CHART charts/web");
        assertThat(plan.refusedCharts().get("both")).startsWith("apps/both: the name is also charts/both");
    }
}
