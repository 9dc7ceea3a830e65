package dev.capstan.it.kustomize;

import dev.capstan.testcluster.ClusterBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Capstan's kustomize engine and the kustomize CLI v5.8.2, both built from kustomize's Go modules by
 * {@code it-tests/scripts/kustomize-binary.sh} (or named by CAPSTAN_KUSTOMIZE_BIN and CAPSTAN_KUSTOMIZE_CLI).
 */
record KustomizeBinaries(Path engine, Path cli) {
    static KustomizeBinaries locate() {
        String engine = System.getenv("CAPSTAN_KUSTOMIZE_BIN");
        String cli = System.getenv("CAPSTAN_KUSTOMIZE_CLI");
        if (engine != null && cli != null && Files.isExecutable(Path.of(engine)) && Files.isExecutable(Path.of(cli))) {
            return new KustomizeBinaries(Path.of(engine), Path.of(cli));
        }
        Path dir = ClusterBinaries.pathNamedBy(ClusterBinaries.repoRoot()
                .resolve("it-tests/scripts/kustomize-binary.sh"));
        return new KustomizeBinaries(dir.resolve("capstan-kustomize"), dir.resolve("kustomize"));
    }

    /**
     * What {@code kustomize build --load-restrictor LoadRestrictionsNone <dir>} prints (files from anywhere, as
     * Capstan's engine inside its checkout), run in a clean environment.
     */
    String build(Path dir) {
        try {
            Path err = Files.createTempFile("kustomize", ".err");
            ProcessBuilder builder = new ProcessBuilder(List.of(cli.toString(), "build", "--load-restrictor",
                    "LoadRestrictionsNone", dir.toString())).redirectError(err.toFile());
            builder.environment().clear();
            builder.environment().put("HOME", err.getParent().toString());
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("kustomize build " + dir + ": " + Files.readString(err));
            }
            Files.delete(err);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
