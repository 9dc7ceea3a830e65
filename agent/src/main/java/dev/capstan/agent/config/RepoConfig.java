package dev.capstan.agent.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code capstan.yaml} at one commit: the environments in promotion order and, optionally, which charts to deploy
 * (default: every directory under {@code charts/}).
 */
public record RepoConfig(List<Environment> environments, Optional<List<String>> charts) {
    public static final String FILE = "capstan.yaml";

    public RepoConfig {
        environments = List.copyOf(environments);
        charts = charts.map(List::copyOf);
    }
}
