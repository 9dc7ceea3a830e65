package dev.capstan.it.helm;

import dev.capstan.testcluster.ClusterBinaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code helm} CLI (v3.21.0, the release whose engine helm-java embeds), built from its Go module by
 * {@code it-tests/scripts/helm-binary.sh} once per machine: what Capstan's renders are compared with.
 */
final class HelmReference {
    private final Path helm;

    private HelmReference(Path helm) {
        this.helm = helm;
    }

    static HelmReference locate() {
        String preset = System.getenv("CAPSTAN_HELM_BIN");
        if (preset != null && Files.isExecutable(Path.of(preset))) {
            return new HelmReference(Path.of(preset));
        }
        Path binary = ClusterBinaries.pathNamedBy(ClusterBinaries.repoRoot()
                .resolve("it-tests/scripts/helm-binary.sh"));
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("helm-binary.sh named " + binary + ", which is not executable");
        }
        return new HelmReference(binary);
    }

    /**
     * {@code helm template <release> <chart> --namespace <ns> --kube-version <v> --include-crds} with every API version
     * of {@code apiVersions} and the values file, if any: the output, or the error Helm printed.
     */
    String template(String release, Path chart, String namespace, String kubeVersion, Set<String> apiVersions,
                    Path valuesFile) {
        List<String> command = new ArrayList<>(List.of(helm.toString(), "template", release, chart.toString(),
                "--namespace", namespace, "--kube-version", kubeVersion, "--include-crds"));
        for (String version : apiVersions.stream().sorted().toList()) {
            command.add("--api-versions");
            command.add(version);
        }
        if (valuesFile != null) {
            command.add("--values");
            command.add(valuesFile.toString());
        }
        try {
            Path err = Files.createTempFile("helm-template", ".err");
            // A clean environment: no kubeconfig, no repositories, nothing from the developer's home.
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
            builder.environment().clear();
            builder.environment().put("HOME", err.getParent().toString());
            builder.environment().put("KUBECONFIG", "/dev/null");
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("helm template " + release + " failed: " + Files.readString(err));
            }
            Files.delete(err);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
