package dev.capstan.bench;

import dev.capstan.testcluster.LocalCluster;
import java.nio.file.Path;

/** The peer side of the apply benchmarks: {@code kubectl apply --server-side} of a file, as a user runs it. */
final class KubectlApply {
    private KubectlApply() {
    }

    static void serverSide(LocalCluster cluster, Path file) {
        try {
            Process process = new ProcessBuilder("kubectl", "--kubeconfig", cluster.kubeconfig().toString(),
                    "apply", "--server-side", "--force-conflicts", "--field-manager", "kubectl-bench", "-f",
                    file.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("kubectl apply failed");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
