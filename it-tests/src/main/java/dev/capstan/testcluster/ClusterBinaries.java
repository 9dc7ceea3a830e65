package dev.capstan.testcluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds etcd, kube-apiserver and kube-controller-manager through {@code it-tests/scripts/cluster-binaries.sh}, which
 * reuses {@code KUBEBUILDER_ASSETS} or its cache and otherwise builds them once per machine.
 */
public final class ClusterBinaries {
    private static final List<String> NAMES = List.of("etcd", "kube-apiserver", "kube-controller-manager");

    private ClusterBinaries() {
    }

    public static Path locate(Path repoRoot) {
        String preset = System.getenv("CAPSTAN_CLUSTER_BIN");
        if (preset != null && hasAll(Path.of(preset))) {
            return Path.of(preset);
        }
        Path dir = pathNamedBy(repoRoot.resolve("it-tests/scripts/cluster-binaries.sh"));
        if (!hasAll(dir)) {
            throw new IllegalStateException("cluster-binaries.sh named " + dir + ", which lacks a binary");
        }
        return dir;
    }

    /**
     * Runs one of {@code it-tests/scripts/} (its progress on stderr, shown) and returns the path its last line of
     * stdout names: where the scripts that build or find a tool say where it is.
     */
    public static Path pathNamedBy(Path script) {
        try {
            Process process = new ProcessBuilder("bash", script.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int exit = process.waitFor();
            if (exit != 0 || out.isEmpty()) {
                throw new IllegalStateException(script + " failed (exit " + exit + "); see its output above");
            }
            return Path.of(out.substring(out.lastIndexOf('\n') + 1).strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    /** The repository root: the system property the build sets, else walk up from the working directory. */
    public static Path repoRoot() {
        String configured = System.getProperty("capstan.repoRoot");
        if (configured != null) {
            return Path.of(configured);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("it-tests/scripts/cluster-binaries.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run from inside the Capstan repository, or set -Dcapstan.repoRoot");
        }
        return dir;
    }

    private static boolean hasAll(Path dir) {
        return NAMES.stream().allMatch(name -> Files.isExecutable(dir.resolve(name)));
    }
}
