package dev.capstan.agent.cli;

import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.KubeApiSurface;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --kube-version} and {@code --api-versions}, as in {@code helm template}: the cluster seen offline. */
final class CapabilitiesOptions {
    @Option(names = "--kube-version", paramLabel = "V", converter = KubeVersion.class,
            description = "Kubernetes version templates see (capabilities.kubeVersion, .Capabilities.KubeVersion), with"
                    + " the API versions that version serves by default (default: the newest supported, "
                    + KubeApiSurface.NEWEST_SUPPORTED + ").")
    private String kubeVersion;

    /** Refuses what is not a Kubernetes version as a usage error, before anything renders. */
    static final class KubeVersion implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return KubeApiSurface.capabilities(value).kubeVersion();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    @Option(names = "--api-versions", split = ",", paramLabel = "GV[/Kind]",
            description = "Extra API versions for capabilities.apiVersions.has(...), e.g."
                    + " monitoring.coreos.com/v1/ServiceMonitor. Added to what the --kube-version serves by default.")
    private List<String> apiVersions = List.of();

    Capabilities capabilities() {
        Capabilities surface = kubeVersion == null ? Capabilities.offlineDefault()
                : KubeApiSurface.capabilities(kubeVersion);
        Set<String> versions = new HashSet<>(surface.apiVersions().versions());
        versions.addAll(apiVersions);
        return new Capabilities(surface.kubeVersion(), new Capabilities.ApiVersions(versions));
    }
}
