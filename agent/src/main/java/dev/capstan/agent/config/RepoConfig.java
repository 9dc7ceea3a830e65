package dev.capstan.agent.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code capstan.yaml} at one commit: the environments in promotion order, optionally which charts and which plain
 * manifest directories to deploy (default: every directory under {@code charts/} and {@code apps/}), and what
 * happens to the objects of a unit that leaves the repository ({@code removedUnits}, default {@code keep}; an
 * environment may say otherwise for itself), which differences drift ignores ({@code ignoreDifferences}), and
 * kustomizations anywhere in the repository by name and path ({@code kustomizations}: the Flux layout).
 */
public record RepoConfig(List<Environment> environments, Optional<List<String>> charts, RemovedUnits removedUnits,
                         Optional<List<String>> apps, List<IgnoreRule> ignoreDifferences,
                         List<KustomizationSource> kustomizations) {
    public static final String FILE = "capstan.yaml";

    public RepoConfig {
        environments = List.copyOf(environments);
        charts = charts.map(List::copyOf);
        apps = apps.map(List::copyOf);
        ignoreDifferences = ignoreDifferences == null ? List.of() : List.copyOf(ignoreDifferences);
        kustomizations = kustomizations == null ? List.of() : List.copyOf(kustomizations);
    }

    public RepoConfig(List<Environment> environments, Optional<List<String>> charts, RemovedUnits removedUnits,
                      Optional<List<String>> apps, List<IgnoreRule> ignoreDifferences) {
        this(environments, charts, removedUnits, apps, ignoreDifferences, List.of());
    }

    /**
     * A kustomization named in capstan.yaml: unit {@code name}, built in {@code path} (relative to the repository;
     * {@code {env}} stands for the environment's name, as in {@code apps/{env}}).
     */
    public record KustomizationSource(String name, String path) {
        /** The directory built for {@code env}. */
        public String pathFor(String env) {
            return path.replace("{env}", env);
        }
    }

    public RepoConfig(List<Environment> environments, Optional<List<String>> charts, RemovedUnits removedUnits,
                      Optional<List<String>> apps) {
        this(environments, charts, removedUnits, apps, List.of());
    }

    public RepoConfig(List<Environment> environments, Optional<List<String>> charts) {
        this(environments, charts, RemovedUnits.KEEP, Optional.empty());
    }

    /** What becomes of the objects of a unit whose chart or environment left the repository. */
    public enum RemovedUnits {
        /** Reported with its leftover objects; nothing is deleted (as Argo CD without prune). */
        KEEP,
        /** Its objects are pruned (with the usual guards), as Flux's prune: true. */
        PRUNE
    }

    /** The setting for a unit of {@code env}: the environment's own if it is still there and has one. */
    public RemovedUnits removedUnits(String env) {
        return environments.stream().filter(e -> e.name().equals(env)).findFirst()
                .flatMap(Environment::removedUnits).orElse(removedUnits);
    }
}
