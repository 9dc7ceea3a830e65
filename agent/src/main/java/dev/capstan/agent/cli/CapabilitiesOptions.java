package dev.capstan.agent.cli;

import dev.capstan.agent.chart.Capabilities;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** {@code --kube-version} and {@code --api-versions}, as in {@code helm template}: the cluster seen offline. */
final class CapabilitiesOptions {
    @Option(names = "--kube-version", paramLabel = "V",
            description = "Kubernetes version templates see as capabilities.kubeVersion (default v1.20.2).")
    private String kubeVersion;

    @Option(names = "--api-versions", split = ",", paramLabel = "GV[/Kind]",
            description = "Extra API versions for capabilities.apiVersions.has(...), e.g."
                    + " policy/v1/PodDisruptionBudget. Added to the Kubernetes 1.20 defaults.")
    private List<String> apiVersions = List.of();

    Capabilities capabilities() {
        Capabilities defaults = Capabilities.offlineDefault();
        Set<String> versions = new HashSet<>(defaults.apiVersions().versions());
        versions.addAll(apiVersions);
        return new Capabilities(kubeVersion == null ? defaults.kubeVersion() : kubeVersion,
                new Capabilities.ApiVersions(versions));
    }
}
