package dev.capstan.agent.helmrepo;

import java.util.Optional;

/**
 * One chart in a Helm repository ({@code https://...}, its {@code index.yaml} lists it) or an OCI registry
 * ({@code oci://host/path}, the chart is {@code host/path/<name>:<version>}), at one exact version. {@code digest}, if
 * given, pins its content: the archive's sha256 for a classic repository (as {@code index.yaml} lists it), the
 * manifest's for an OCI registry (as {@code helm push} prints it).
 */
public record ChartReference(String repository, String name, String version, Optional<String> digest) {
    public ChartReference {
        repository = repository.endsWith("/") ? repository.substring(0, repository.length() - 1) : repository;
    }

    public boolean oci() {
        return repository.startsWith("oci://");
    }

    /** How errors and logs name it: {@code podinfo 6.5.0 from oci://registry/charts} (never with credentials). */
    public String describe() {
        return name + " " + version + " from " + RepositoryAccess.shown(repository);
    }

    /** The key under which the cache remembers what this reference resolved to. */
    String cacheKey() {
        return repository + "\n" + name + "\n" + version + "\n" + digest.orElse("");
    }
}
