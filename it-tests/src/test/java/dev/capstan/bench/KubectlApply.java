package dev.capstan.bench;

import dev.capstan.testcluster.LocalCluster;
import java.nio.file.Path;

/** The peer side of the apply benchmarks: {@code kubectl apply --server-side} of a file, as a user runs it. */
final class KubectlApply {
    private KubectlApply() {
    }

    /**
     * kubectl of the test control plane's own release, built beside it from the same modules
     * ({@code it-tests/scripts/cluster-binaries.sh}); the machine's {@code kubectl} only where that is absent.
     */
    static String binary() {
        return Binary.PATH;
    }

    /** Looked up once (the lookup runs the build script). */
    private static final class Binary {
        private static final String PATH = lookUp();

        private static String lookUp() {
            Path built = dev.capstan.testcluster.ClusterBinaries.locate(dev.capstan.testcluster.ClusterBinaries
                    .repoRoot()).resolve("kubectl");
            return java.nio.file.Files.isExecutable(built) ? built.toString() : "kubectl";
        }
    }

    static void serverSide(LocalCluster cluster, Path file) {
        try {
            Process process = new ProcessBuilder(binary(), "--kubeconfig", cluster.kubeconfig().toString(),
                    "apply", "--server-side", "--force-conflicts", "--field-manager", "kubectl-bench", "-f",
                    file.toString()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("kubectl apply failed: " + output.lines()
                        .filter(line -> !line.endsWith(" serverside-applied")).limit(20)
                        .collect(java.util.stream.Collectors.joining("\n")));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
