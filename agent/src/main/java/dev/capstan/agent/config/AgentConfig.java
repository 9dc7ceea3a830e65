package dev.capstan.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the agent runs and what it watches. Lives next to the agent (a file or a ConfigMap), never in the GitOps
 * repository. Credentials are referenced by path, never written inline.
 */
public record AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http) {

    /** The tracked repository: one branch, polled at {@code pollInterval}. */
    public record Repo(String url, String branch, Duration pollInterval) {
    }

    /** How to reach the API server: a kubeconfig file and context, or in-cluster when both are absent. */
    public record Cluster(Optional<Path> kubeconfig, Optional<String> context) {
    }

    /** The HTTP listener for the API, webhooks and probes. Port 0 picks a free port (tests). */
    public record Http(String host, int port) {
    }
}
