package dev.capstan.it.kustomize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.agent.kustomize.KustomizeProcess;
import dev.capstan.agent.kustomize.KustomizeRenderer;
import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.repo.DirectoryTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kustomizations written the way an attacker with push access writes them, built by the real engine: each fails
 * its unit with an error naming the unit and the kustomization file, reads nothing outside the repository and
 * fetches nothing; a good app in the same repository still builds (issue 31).
 */
class KustomizeHostileIT {
    private static final String GOOD = "apps/good/kustomization.yaml";

    @TempDir
    Path repo;
    @TempDir
    Path outside;
    private KustomizeBinaries binaries;
    private KustomizeRenderer renderer;

    @BeforeEach
    void setUp() throws IOException {
        binaries = KustomizeBinaries.locate();
        renderer = new KustomizeRenderer(new KustomizeProcess(KustomizeProcess.Settings.defaults()
                .withBinary(binaries.engine())));
        Files.writeString(outside.resolve("secret.yaml"), """
                apiVersion: v1
                kind: Secret
                metadata: {name: stolen}
                stringData: {token: s3cr3t-from-the-agents-disk}
                """);
        write(GOOD, "resources: [cm.yaml]\n");
        write("apps/good/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\ndata: {a: b}\n");
    }

    @AfterEach
    void close() {
        renderer.close();
    }

    @Test
    void aPathOutOfTheRepositoryIsRefusedNamingIt() throws IOException {
        Path relative = repo.resolve("apps/bad").relativize(outside.resolve("secret.yaml"));
        write("apps/bad/kustomization.yaml", "resources: [" + relative + "]\n");
        assertRefused("outside the repository").hasMessageNotContaining("s3cr3t");
        write("apps/bad/kustomization.yaml", "resources: [" + outside.resolve("secret.yaml") + "]\n");
        assertRefused("outside the repository");
        write("apps/bad/kustomization.yaml", "configMapGenerator: [{name: x, files: [" + relative + "]}]\n");
        assertRefused("outside the repository");
        assertGoodStillBuilds();
    }

    @Test
    void aSymlinkOutOfTheRepositoryIsNeverFollowed() throws IOException {
        write("apps/bad/kustomization.yaml", "configMapGenerator: [{name: x, files: [token.txt]}]\n");
        Files.createSymbolicLink(repo.resolve("apps/bad/token.txt"), outside.resolve("secret.yaml"));
        assertRefused("token.txt").hasMessageNotContaining("s3cr3t");
        assertGoodStillBuilds();
    }

    @Test
    void remoteBasesAndUrlsAreNotFetched() throws IOException {
        write("apps/bad/kustomization.yaml",
                "resources: [\"https://raw.githubusercontent.com/example/repo/main/cm.yaml\"]\n");
        assertRefused("remote resource https://raw.githubusercontent.com/example/repo/main/cm.yaml refused");
        write("apps/bad/kustomization.yaml", "resources: [\"github.com/example/repo//deploy?ref=main\"]\n");
        assertRefused("refused");
        write("apps/bad/kustomization.yaml", "resources: [\"git@github.com:example/repo//deploy?ref=main\"]\n");
        assertRefused("remote base refused");
        assertGoodStillBuilds();
    }

    @Test
    void execAndContainerFunctionsAndHelmChartsAreNotRun() throws IOException {
        Path marker = outside.resolve("ran");
        write("apps/bad/kustomization.yaml", "generators: [gen.yaml]\n");
        write("apps/bad/gen.yaml", """
                apiVersion: example.com/v1
                kind: Generator
                metadata:
                  name: gen
                  annotations:
                    config.kubernetes.io/function: |
                      exec:
                        path: /bin/touch
                      args: [%s]
                """.formatted(marker));
        assertRefused("KRM functions and exec or container plugins are not run");
        write("apps/bad/gen.yaml", """
                apiVersion: example.com/v1
                kind: Generator
                metadata:
                  name: gen
                  annotations:
                    config.kubernetes.io/function: |
                      container:
                        image: registry.example.com/evil:1
                """);
        assertRefused("KRM functions and exec or container plugins are not run");
        write("apps/bad/kustomization.yaml", """
                helmCharts:
                  - {name: podinfo, repo: "https://stefanprodan.github.io/podinfo", version: 6.7.0}
                """);
        assertRefused("deploy the chart as a Helm unit");
        assertThat(marker).doesNotExist();
        assertGoodStillBuilds();
    }

    @Test
    void aKustomizationThatIncludesItselfIsACycle() throws IOException {
        write("apps/bad/kustomization.yaml", "resources: [.]\n");
        assertRefused("cycle detected");
        write("apps/bad/kustomization.yaml", "resources: [../loop]\n");
        write("apps/loop/kustomization.yaml", "resources: [../bad]\n");
        assertRefused("cycle detected");
        assertGoodStillBuilds();
    }

    @Test
    void aBuildPastItsDeadlineOrOutputIsStoppedAndTheNextBuildRuns() throws IOException {
        // kustomize's build grows with the square of its resources (2,000 in 2 s, 11,000 in 70 s on 2 cores), so
        // 50,000 objects would take it about half an hour: the deadline stops it.
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            many.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-").append(i).append("}\n");
        }
        write("apps/bad/many.yaml", many.toString());
        write("apps/bad/kustomization.yaml", "resources: [many.yaml]\n");
        KustomizeRenderer hurried = new KustomizeRenderer(new KustomizeProcess(KustomizeProcess.Settings.defaults()
                .withBinary(binaries.engine()).withLimits(Duration.ofSeconds(3), 64L << 20, 512L << 20)));
        try (hurried) {
            assertThatThrownBy(() -> hurried.render(new DirectoryTree(repo), "bad", "apps/bad", "staging", "shop",
                    "c1")).isInstanceOf(ChartException.class)
                    .hasMessageContaining("bad/staging").hasMessageContaining("apps/bad/kustomization.yaml")
                    .hasMessageContaining("kustomize took longer than 3 s: the build was stopped");
            // A small output bound: the build is stopped when it prints more.
            write("apps/bad/many.yaml", many.substring(0, many.indexOf("cm-200}") + 8));
            KustomizeRenderer narrow = new KustomizeRenderer(new KustomizeProcess(KustomizeProcess.Settings
                    .defaults().withBinary(binaries.engine()).withLimits(Duration.ofSeconds(30), 4096, 512L << 20)));
            try (narrow) {
                assertThatThrownBy(() -> narrow.render(new DirectoryTree(repo), "bad", "apps/bad", "staging", "shop",
                        "c1")).hasMessageContaining("kustomize printed more than");
                assertThat(narrow.render(new DirectoryTree(repo), "good", "apps/good", "staging", "shop", "c1")
                        .objects()).hasSize(1);
            }
        }
        assertGoodStillBuilds();
    }

    private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String why) {
        return assertThatThrownBy(() -> renderer.render(new DirectoryTree(repo), "bad", "apps/bad", "staging",
                "shop", "c1")).isInstanceOf(ChartException.class)
                .hasMessageStartingWith("bad/staging apps/bad/kustomization.yaml")
                .hasMessageContaining(why).hasMessageNotContaining(repo.toString());
    }

    private void assertGoodStillBuilds() {
        assertThat(renderer.render(new DirectoryTree(repo), "good", "apps/good", "staging", "shop", "c1").objects())
                .singleElement().satisfies(object -> assertThat(object.key().toString()).contains("shop/good"));
    }

    private void write(String path, String content) throws IOException {
        Files.createDirectories(repo.resolve(path).getParent());
        Files.writeString(repo.resolve(path), content);
    }
}
