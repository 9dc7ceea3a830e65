package dev.capstan.bench;

import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.GitAuth;
import dev.capstan.agent.config.SecretRef;
import dev.capstan.agent.config.WebhookConfig;
import dev.capstan.testcluster.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** What the scripted benchmarks share: waiting for a condition, percentiles, nanoseconds as milliseconds. */
final class Measure {
    private Measure() {
    }

    /** Spins (briefly parking) until {@code condition} holds; fails after two minutes. */
    static void waitFor(BooleanSupplier condition) {
        Duration limit = Duration.ofSeconds(120);
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not met within " + limit.toSeconds() + " s");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** The nearest-rank percentile. */
    static long percentile(List<Long> values, int percentile) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    /**
     * An agent on {@code url} that polls only hourly, so a GitHub-style webhook signed with {@code webhookSecret}
     * is what brings each push in; against {@code cluster}, on a free port.
     */
    static AgentConfig webhookDrivenAgent(String url, Path work, LocalCluster cluster, String webhookSecret)
            throws java.io.IOException {
        Path secret = Files.writeString(work.resolve("webhook-secret"), webhookSecret);
        return new AgentConfig(
                new AgentConfig.Repo(url, "main", Duration.ofHours(1), new GitAuth.None(),
                        AgentConfig.Resilience.defaults()),
                work.resolve("cache"),
                new AgentConfig.Cluster(Optional.of(cluster.kubeconfig()), Optional.empty()),
                new AgentConfig.Http("127.0.0.1", 0),
                new WebhookConfig(Map.of(WebhookConfig.Provider.GITHUB, new SecretRef.FromFile(secret)), 1000));
    }

    /** The rollout fixture's repo with staging alone, its namespace {@code bench}, not committed yet. */
    static dev.capstan.testcluster.LocalGitRepo stagingRepo(Path root, Path work) {
        dev.capstan.testcluster.LocalGitRepo repo = dev.capstan.testcluster.LocalGitRepo.fromDirectory(
                root.resolve("it-tests/src/test/resources/rollout-repo"), work.resolve("git"));
        String config = repo.read("capstan.yaml");
        repo.write("capstan.yaml", config.substring(0, config.indexOf("  - name: production"))
                .replace("STAGING_NS", "bench") + "charts: [web]\n");
        return repo;
    }

    /** Commits and pushes a new image of the rollout fixture's staging values, its pods ready at once. */
    static String pushImage(dev.capstan.testcluster.LocalGitRepo repo, String tag, String message) {
        repo.write("charts/web/values.staging.yaml", "image: {tag: \"" + tag + "\"}\nreadyAfterMs: 0\n");
        return repo.commitAndPush(message);
    }

    /** Whether the fixture's staging unit is Synced at {@code commit}. */
    static boolean syncedAt(dev.capstan.agent.Agent agent, String commit) {
        return agent.status().units().get("web/staging") instanceof dev.capstan.agent.sync.UnitOutcome.Synced s
                && s.commit().equals(commit);
    }

    static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
