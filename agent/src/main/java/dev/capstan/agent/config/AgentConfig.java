package dev.capstan.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the agent runs and what it watches. Lives next to the agent (a file or a ConfigMap), never in the GitOps
 * repository. Credentials are referenced by path, never written inline.
 */
public record AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http, WebhookConfig webhooks,
                          Releases releases, AlertConfig alerts, Tracing tracing, ApiConfig api, Ha ha,
                          java.util.Map<String, Cluster> clusters, Checks checks,
                          Optional<CommitStatusConfig> commitStatus, Destinations destinations,
                          Kustomize kustomize, ChartsConfig charts) {

    public AgentConfig {
        clusters = java.util.Map.copyOf(clusters);
    }

    public AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http, WebhookConfig webhooks,
                       Releases releases, AlertConfig alerts, Tracing tracing, ApiConfig api, Ha ha,
                       java.util.Map<String, Cluster> clusters, Checks checks,
                       Optional<CommitStatusConfig> commitStatus, Destinations destinations, Kustomize kustomize) {
        this(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, api, ha, clusters, checks,
                commitStatus, destinations, kustomize, ChartsConfig.defaults());
    }

    /** This config fetching charts by reference as {@code charts} says. */
    public AgentConfig withCharts(ChartsConfig charts) {
        return new AgentConfig(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, api, ha, clusters,
                checks, commitStatus, destinations, kustomize, charts);
    }

    /** Where fetched charts are kept: the charts section's {@code cacheDir}, else {@code <cacheDir>/charts}. */
    public Path chartCacheDir() {
        return charts.cacheDir().orElse(cacheDir.resolve("charts"));
    }

    public AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http, WebhookConfig webhooks,
                       Releases releases, AlertConfig alerts, Tracing tracing, ApiConfig api, Ha ha,
                       java.util.Map<String, Cluster> clusters, Checks checks,
                       Optional<CommitStatusConfig> commitStatus, Destinations destinations) {
        this(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, api, ha, clusters, checks,
                commitStatus, destinations, Kustomize.defaults());
    }

    /**
     * How kustomizations are built: {@code allowRemoteBases} lets a kustomization fetch remote bases and URLs (off:
     * a kustomization that names one fails its unit, as Flux's {@code --no-remote-bases}).
     */
    public record Kustomize(boolean allowRemoteBases) {
        public static Kustomize defaults() {
            return new Kustomize(false);
        }
    }

    public AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http, WebhookConfig webhooks,
                       Releases releases, AlertConfig alerts, Tracing tracing, ApiConfig api, Ha ha,
                       java.util.Map<String, Cluster> clusters, Checks checks,
                       Optional<CommitStatusConfig> commitStatus) {
        this(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, api, ha, clusters, checks,
                commitStatus, Destinations.unrestricted());
    }

    /** This config bounding where units write by {@code destinations}. */
    public AgentConfig withDestinations(Destinations destinations) {
        return new AgentConfig(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, api, ha, clusters,
                checks, commitStatus, destinations, kustomize, charts);
    }

    public AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http, WebhookConfig webhooks,
                       Releases releases, AlertConfig alerts, Tracing tracing, ApiConfig api, Ha ha,
                       java.util.Map<String, Cluster> clusters, Checks checks) {
        this(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, api, ha, clusters, checks,
                Optional.empty());
    }

    /** This config reporting deploy status to {@code commitStatus}. */
    public AgentConfig withCommitStatus(CommitStatusConfig commitStatus) {
        return new AgentConfig(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, api, ha, clusters,
                checks, Optional.of(commitStatus), destinations, kustomize, charts);
    }

    public AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http, WebhookConfig webhooks,
                       Releases releases, AlertConfig alerts, Tracing tracing, ApiConfig api, Ha ha,
                       java.util.Map<String, Cluster> clusters) {
        this(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, api, ha, clusters, Checks.none());
    }

    /** This config building kustomizations as {@code kustomize} says. */
    public AgentConfig withKustomize(Kustomize kustomize) {
        return new AgentConfig(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, api, ha, clusters,
                checks, commitStatus, destinations, kustomize, charts);
    }

    /** This config with {@code checks} instead of its own. */
    public AgentConfig withChecks(Checks checks) {
        return new AgentConfig(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, api, ha, clusters,
                checks, commitStatus, destinations, kustomize, charts);
    }

    /**
     * Where capstan.yaml's checks (URLs from git) may send requests besides the default: {@code allow} lists CIDR
     * ranges and host names that would otherwise be refused (loopback, link-local, the agent's own addresses).
     */
    public record Checks(java.util.List<String> allow) {
        public Checks {
            allow = java.util.List.copyOf(allow);
        }

        public static Checks none() {
            return new Checks(java.util.List.of());
        }
    }

    public AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http, WebhookConfig webhooks,
                       Releases releases, AlertConfig alerts, Tracing tracing, ApiConfig api, Ha ha) {
        this(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, api, ha, java.util.Map.of());
    }

    public AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http, WebhookConfig webhooks,
                       Releases releases, AlertConfig alerts, Tracing tracing, ApiConfig api) {
        this(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, api, Ha.off());
    }

    /**
     * High availability: replicas elect a leader through the Lease {@code leaseName} in the agent's namespace; only
     * the leader reconciles and applies, every replica serves reads. A leader that cannot renew within
     * {@code renewDeadline} stops leading (and {@code capstan run} exits, to come back as a standby).
     */
    public record Ha(boolean enabled, String identity, String leaseName, Duration leaseDuration,
                     Duration renewDeadline, Duration retryPeriod, Sharding sharding) {
        public Ha(boolean enabled, String identity, String leaseName, Duration leaseDuration, Duration renewDeadline,
                  Duration retryPeriod) {
            this(enabled, identity, leaseName, leaseDuration, renewDeadline, retryPeriod, Sharding.none());
        }

        public static Ha off() {
            return new Ha(false, "", "capstan-leader", Duration.ofSeconds(15), Duration.ofSeconds(10),
                    Duration.ofSeconds(2));
        }

        /** The Lease of {@code shard}: the configured name alone when there is one shard (as before sharding). */
        public String leaseOf(int shard) {
            return sharding.count() == 1 ? leaseName : leaseName + "-shard-" + shard;
        }
    }

    /**
     * Units split into {@code count} shards by {@code by}, one Lease each: the replica whose {@code preferred} shard
     * it is campaigns for it at once, every replica for the others after two lease durations, taking one whose holder
     * has not renewed it within a lease duration (a dead replica's shard is taken over).
     */
    public record Sharding(int count, int preferred, ShardKey by) {
        public Sharding(int count, int preferred) {
            this(count, preferred, ShardKey.CHART);
        }

        public static Sharding none() {
            return new Sharding(1, 0);
        }
    }

    /**
     * What keeps units together on one shard: the chart (its environments stay together, so promotion reads the
     * previous environment's state locally) or the cluster an environment deploys to (one replica per cluster, as
     * Argo CD shards its controller; promotion reads the previous environment's state from its shard's published
     * view).
     */
    public enum ShardKey { CHART, CLUSTER }

    public AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http, WebhookConfig webhooks,
                       Releases releases) {
        this(repo, cacheDir, cluster, http, webhooks, releases, AlertConfig.none(), Tracing.off());
    }

    public AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http, WebhookConfig webhooks,
                       Releases releases, AlertConfig alerts, Tracing tracing) {
        this(repo, cacheDir, cluster, http, webhooks, releases, alerts, tracing, ApiConfig.open());
    }

    /** A config with no webhooks (tests, the demo). */
    public AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http) {
        this(repo, cacheDir, cluster, http, WebhookConfig.none());
    }

    public AgentConfig(Repo repo, Path cacheDir, Cluster cluster, Http http, WebhookConfig webhooks) {
        this(repo, cacheDir, cluster, http, webhooks, Releases.defaults());
    }

    /** OpenTelemetry traces over OTLP/HTTP to {@code otlpEndpoint} ({@code http://collector:4318}); off if empty. */
    public record Tracing(Optional<java.net.URI> otlpEndpoint) {
        public static Tracing off() {
            return new Tracing(Optional.empty());
        }
    }

    /**
     * Where release records live (the agent's namespace), how many revisions per unit are kept, and the install's
     * name ({@code install}, by default that namespace): it is on every object the install applies, so two installs in
     * one cluster never take each other's objects for their own. That namespace
     * also holds the agent's credentials, tokens and Lease, so no unit may apply objects into it unless
     * {@code unitsMayDeployHere} (for a setup that deliberately shares it, like the tests').
     */
    public record Releases(String namespace, int historyLimit, boolean unitsMayDeployHere, String install) {
        public Releases(String namespace, int historyLimit) {
            this(namespace, historyLimit, false);
        }

        /** An install named after its records' namespace. */
        public Releases(String namespace, int historyLimit, boolean unitsMayDeployHere) {
            this(namespace, historyLimit, unitsMayDeployHere, namespace);
        }

        public static Releases defaults() {
            return new Releases("capstan-system", 10);
        }
    }

    /**
     * The tracked repository: one branch, polled every {@code pollInterval} (with up to 10% jitter, so a fleet of
     * agents does not hit the server in step) and on every accepted webhook.
     */
    public record Repo(String url, String branch, Duration pollInterval, GitAuth auth, Resilience resilience) {
        public Repo(String url, String branch, Duration pollInterval) {
            this(url, branch, pollInterval, new GitAuth.None(), Resilience.defaults());
        }
    }

    /**
     * Guarding the remote (Resilience4j): a fetch is retried {@code attempts} times with exponential backoff from
     * {@code backoff} and jitter; after {@code failuresToOpen} failed fetches in a row the circuit opens and no
     * fetch is tried for {@code openFor}, while the agent keeps serving its last state.
     */
    public record Resilience(int attempts, Duration backoff, int failuresToOpen, Duration openFor,
                             Duration timeout) {
        public static Resilience defaults() {
            return new Resilience(3, Duration.ofMillis(500), 5, Duration.ofSeconds(30), Duration.ofSeconds(30));
        }
    }

    /**
     * How to reach an API server: a kubeconfig file and context, or in-cluster when both are absent. The agent's
     * own is {@code cluster}; {@code clusters} names the others environments may deploy to ({@code cluster:} in
     * capstan.yaml).
     */
    public record Cluster(Optional<Path> kubeconfig, Optional<String> context) {
    }

    /** The HTTP listener for the API, webhooks and probes. Port 0 picks a free port (tests). */
    public record Http(String host, int port) {
    }
}
