package dev.capstan.it.kustomize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.kustomize.KustomizeProcess;
import dev.capstan.agent.kustomize.KustomizeRenderer;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.Yaml;
import dev.capstan.agent.repo.DirectoryTree;
import dev.capstan.testcluster.ClusterBinaries;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Capstan's build of real public kustomizations (podinfo's base + overlays, the Flux example's per-environment
 * layout) and of one kustomization per feature, against the kustomize CLI's own build of the same directory: the
 * engine prints the same bytes, and the unit's objects are the CLI's objects (issue 31).
 */
class KustomizeCorpusIT {
    private static final Path CORPUS = ClusterBinaries.repoRoot()
            .resolve("it-tests/src/test/resources/kustomize-corpus");
    private static KustomizeBinaries binaries;
    private static KustomizeProcess engine;
    private static KustomizeRenderer renderer;

    @BeforeAll
    static void engine() {
        binaries = KustomizeBinaries.locate();
        engine = new KustomizeProcess(KustomizeProcess.Settings.defaults().withBinary(binaries.engine()));
        renderer = new KustomizeRenderer(engine);
    }

    @AfterAll
    static void close() {
        renderer.close();
    }

    /** Each kustomization, with a fact of its build that shows the feature was applied. */
    static Stream<Arguments> corpus() {
        return Stream.of(
                Arguments.of("features/base", "name: web-config-"),
                Arguments.of("features/prefix-images-replicas", "image: mirror.example.com/web:1.27"),
                Arguments.of("features/with-components", "prometheus.io/scrape: \"true\""),
                Arguments.of("features/patches", "containerPort: 9090"),
                Arguments.of("features/generators", "REGION: eu-west-1"),
                Arguments.of("features/replacements", "service: web"),
                Arguments.of("podinfo/deploy/overlays/dev", "namespace: dev"),
                Arguments.of("podinfo/deploy/overlays/staging", "namespace: staging"),
                Arguments.of("podinfo/deploy/overlays/production", "namespace: production"),
                Arguments.of("podinfo/kustomize", "kind: HorizontalPodAutoscaler"),
                Arguments.of("flux2-kustomize-helm-example/apps/staging", "kind: HelmRelease"),
                Arguments.of("flux2-kustomize-helm-example/apps/production", "kind: HelmRelease"),
                Arguments.of("flux2-kustomize-helm-example/infrastructure/configs", "kind: ClusterIssuer"),
                Arguments.of("flux2-kustomize-helm-example/infrastructure/controllers", "kind: OCIRepository"));
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void capstanBuildsWhatTheKustomizeCliBuilds(String dir, String fact) {
        String expected = binaries.build(CORPUS.resolve(dir));
        assertThat(expected).as("the CLI's build of " + dir).contains(fact);

        assertThat(engine.build(CORPUS, dir)).isEqualTo(expected);

        DesiredState unit = renderer.render(new DirectoryTree(CORPUS), "corpus", dir, "test", "default", "c0ffee");
        List<String> cliObjects = Yaml.readDocuments(expected, "corpus", dir).stream()
                .map(document -> (Map<?, ?>) document)
                .map(object -> object.get("kind") + " " + ((Map<?, ?>) object.get("metadata")).get("name"))
                .sorted().toList();
        assertThat(unit.objects()).extracting(RenderedObject::key).extracting(key -> key.kind() + " " + key.name())
                .containsExactlyInAnyOrderElementsOf(cliObjects).isNotEmpty();
        assertThat(unit.manifest()).contains(fact);
        // What the build read: Capstan builds the unit again only when one of these changes.
        assertThat(renderer.touched("corpus/test")).get().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories
                .list(String.class)).contains(dir + "/kustomization.yaml")
                .allSatisfy(path -> assertThat(CORPUS.resolve(path).normalize().startsWith(CORPUS)).as(path).isTrue());
    }

    @org.junit.jupiter.api.Test
    void capstanRenderAndLintBuildTheFluxExampleAsTheCliDoes(@org.junit.jupiter.api.io.TempDir Path repo)
            throws java.io.IOException {
        assertThat(System.getenv("CAPSTAN_KUSTOMIZE_BIN"))
                .as("bin/test names the engine for the CLI, which runs in this JVM").isNotBlank();
        copyTree(CORPUS.resolve("flux2-kustomize-helm-example"), repo);
        java.nio.file.Files.writeString(repo.resolve("capstan.yaml"), """
                environments: [{name: staging}, {name: production}]
                kustomizations:
                  - {name: apps, path: "apps/{env}"}
                  - {name: infra-configs, path: infrastructure/configs}
                """);
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new dev.capstan.agent.cli.CapstanCli());
        cli.setOut(new java.io.PrintWriter(out));
        cli.setErr(new java.io.PrintWriter(err));

        int exit = cli.execute("render", repo.toString(), "--chart", "apps", "--env", "staging");

        assertThat(exit).as(err.toString()).isZero();
        List<String> expected = Yaml.readDocuments(binaries.build(repo.resolve("apps/staging")), "cli", "").stream()
                .map(document -> (String) ((Map<?, ?>) ((Map<?, ?>) document).get("metadata")).get("name"))
                .sorted().toList();
        assertThat(Yaml.readDocuments(out.toString(), "render", "").stream().filter(java.util.Objects::nonNull)
                .map(document -> (String) ((Map<?, ?>) ((Map<?, ?>) document).get("metadata")).get("name"))
                .sorted().toList()).isEqualTo(expected).contains("podinfo");

        java.io.StringWriter lint = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(lint));
        assertThat(cli.execute("lint", repo.toString())).as(lint.toString()).isZero();
        assertThat(lint.toString()).contains("lint: 0 chart(s), 2 app(s) x 2 environment(s)").contains("0 error(s)");
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (Stream<Path> walk = java.nio.file.Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (java.nio.file.Files.isDirectory(source)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(source, target);
                }
            }
        }
    }
}
