package dev.capstan.agent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.kustomize.Kustomizations;
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

    @Test
    void anAppWithAKustomizationAtItsRootInOverlaysOrPerEnvironmentIsAKustomizeUnit(@TempDir Path repo)
            throws IOException {
        Files.writeString(repo.resolve("capstan.yaml"), "environments: [{name: staging}, {name: prod}]\n");
        write(repo, "apps/single/kustomization.yaml", "resources: [cm.yaml]\n");
        write(repo, "apps/layered/base/kustomization.yaml", "resources: [cm.yaml]\n");
        write(repo, "apps/layered/overlays/prod/kustomization.yaml", "resources: [../../base]\n");
        write(repo, "apps/per-env/staging/Kustomization", "resources: [../../../shared]\n");
        write(repo, "apps/plain/cm.yaml", "kind: ConfigMap\n");
        // A directory named like no environment is no overlay: apps/other stays a manifest directory.
        write(repo, "apps/other/base/kustomization.yaml", "resources: []\n");

        Plan plan = Planner.plan(new DirectoryTree(repo));

        assertThat(plan.units()).filteredOn(u -> u.env().name().equals("prod"))
                .extracting(u -> u.chart() + " " + u.kind() + " " + u.sourceDir()).containsExactly(
                        "layered KUSTOMIZE apps/layered", "other MANIFESTS apps/other",
                        "per-env KUSTOMIZE apps/per-env", "plain MANIFESTS apps/plain", "single KUSTOMIZE apps/single");
        DirectoryTree tree = new DirectoryTree(repo);
        assertThat(Kustomizations.forEnvironment(tree, "apps/layered", "prod"))
                .contains("apps/layered/overlays/prod/kustomization.yaml");
        assertThat(Kustomizations.forEnvironment(tree, "apps/layered", "staging")).isEmpty();
        assertThat(Kustomizations.forEnvironment(tree, "apps/per-env", "staging"))
                .contains("apps/per-env/staging/Kustomization");
        assertThat(Kustomizations.forEnvironment(tree, "apps/single", "staging"))
                .contains("apps/single/kustomization.yaml");
        assertThat(Kustomizations.missing("apps/layered", "staging")).isEqualTo("no kustomization for environment "
                + "staging: looked in apps/layered/overlays/staging/, apps/layered/staging/ and apps/layered/");
    }

    @Test
    void kustomizationsNamedInCapstanYamlAreBuiltFromTheirPathPerEnvironmentAndReplaceTheScanOfApps(
            @TempDir Path repo) throws IOException {
        // The Flux layout: apps/base/<app> shared, apps/<env>/ a kustomization per environment.
        Files.writeString(repo.resolve("capstan.yaml"), """
                environments: [{name: staging}, {name: production}]
                kustomizations:
                  - {name: apps, path: "apps/{env}"}
                  - {name: configs, path: infrastructure/configs}
                """);
        write(repo, "apps/base/podinfo/kustomization.yaml", "resources: [release.yaml]\n");
        write(repo, "apps/staging/kustomization.yaml", "resources: [../base/podinfo]\n");
        write(repo, "apps/production/kustomization.yaml", "resources: [../base/podinfo]\n");
        write(repo, "infrastructure/configs/kustomization.yaml", "resources: []\n");

        Plan plan = Planner.plan(new DirectoryTree(repo));

        assertThat(plan.units()).extracting(u -> u.id() + " " + u.kind() + " " + u.sourceDir()).containsExactly(
                "apps/staging KUSTOMIZE apps/staging", "configs/staging KUSTOMIZE infrastructure/configs",
                "apps/production KUSTOMIZE apps/production", "configs/production KUSTOMIZE infrastructure/configs");
    }

    @Test
    void aKustomizationPathOutOfTheRepositoryIsRefusedNamingTheField(@TempDir Path repo) throws IOException {
        for (String path : new String[] {"../other", "/etc", "apps/../..", "apps/{cluster}", "a b"}) {
            Files.writeString(repo.resolve("capstan.yaml"), "environments: [{name: staging}]\n"
                    + "kustomizations: [{name: x, path: \"" + path + "\"}]\n");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Planner.plan(new DirectoryTree(repo)))
                    .as(path).isInstanceOf(dev.capstan.agent.config.ConfigException.class)
                    .hasMessageContaining("kustomizations[0].path").hasMessageContaining("is not a directory of the "
                            + "repository");
        }
    }

    private static void write(Path repo, String path, String content) throws IOException {
        Files.createDirectories(repo.resolve(path).getParent());
        Files.writeString(repo.resolve(path), content);
    }
}
