package dev.capstan.bench;

import static dev.capstan.bench.Measure.millis;
import static dev.capstan.bench.Measure.percentile;
import static dev.capstan.bench.Measure.waitFor;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.GitHttpServer;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import dev.capstan.testcluster.PodSimulator;
import dev.capstan.testcluster.WebhookSender;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Timer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Scripted end-to-end measurement (run: {@code bin/bench rollout}) on loopback: real git push, GitHub-style webhook,
 * real control plane, pod simulator with readiness delay 0 (so the figure is Capstan's own work plus the
 * controllers'). One chart, one environment.
 * <ol>
 *   <li>webhook to fully rolled out: push a new image; time until the unit is Synced at that commit, through a
 *   canary step (50%) and the full step, each with its health gate, the canary deleted and the record written;</li>
 *   <li>same with the rolling strategy (one full step);</li>
 *   <li>failure detected to last good re-applied: push a crash-looping image (rolling); the agent's
 *   {@code capstan_rollback_seconds} timer measures from the failed gate to the stored manifests re-applied.</li>
 * </ol>
 */
public final class RolloutLatency {
    private static final int WARMUP = 3;
    private static final int RUNS = 20;
    private static final int FAILURES = 10;
    private static final String SECRET = "rollout-secret";

    private RolloutLatency() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path root = ClusterBinaries.repoRoot();
        Path work = Files.createTempDirectory("capstan-rollout-latency-");
        try (LocalCluster cluster = LocalCluster.start(ClusterBinaries.locate(root), work.resolve("cluster"));
                KubernetesClient client = cluster.newClient();
                PodSimulator simulator = PodSimulator.start(client);
                GitHttpServer server = GitHttpServer.start(work.resolve("git"))) {
            LocalGitRepo repo = Measure.stagingRepo(root, work);
            repo.write("charts/web/values.staging.yaml", "image: {tag: \"0\"}\nreadyAfterMs: 0\n");
            repo.commitAndPush("bench: staging only, pods ready at once");
            repo.pushTo(server.url("remote.git"));
            AgentConfig agentConfig = Measure.webhookDrivenAgent(server.url("remote.git"), work, cluster,
                    SECRET);
            try (Agent agent = Agent.start(agentConfig)) {
                waitFor(() -> agent.status().units().get("web/staging") instanceof UnitOutcome.Synced);
                WebhookSender github = new WebhookSender("http://127.0.0.1:" + agent.httpPort(), SECRET);
                server.onPush((name, ref) -> github.push(ref, repo.remoteHead()));

                List<Long> canary = rollouts(agent, repo, 1);
                repo.write("capstan.yaml", repo.read("capstan.yaml")
                        .replace("{strategy: canary, steps: [50, 100], stepTimeout: 30s}",
                                "{strategy: rolling, stepTimeout: 30s}"));
                List<Long> rolling = rollouts(agent, repo, 100);

                Timer rollback = agent.metrics().get("capstan_rollback_seconds").timer();
                List<Long> reapplied = new ArrayList<>();
                for (int i = 0; i < FAILURES; i++) {
                    double before = rollback.totalTime(TimeUnit.NANOSECONDS);
                    String bad = Measure.pushImage(repo, "crashloop", "bad " + i);
                    waitFor(() -> agent.status().units().get("web/staging") instanceof UnitOutcome.Held held
                            && held.commit().equals(bad));
                    reapplied.add((long) (rollback.totalTime(TimeUnit.NANOSECONDS) - before));
                    String good = Measure.pushImage(repo, String.valueOf(1000 + i), "good " + i);
                    waitFor(() -> Measure.syncedAt(agent, good));
                }

                out.printf("webhook -> rolled out, canary 50%% + full (%d pushes): p50 %.0f ms, p99 %.0f ms%n",
                        RUNS, millis(percentile(canary, 50)), millis(percentile(canary, 99)));
                out.printf("webhook -> rolled out, rolling (%d pushes): p50 %.0f ms, p99 %.0f ms%n",
                        RUNS, millis(percentile(rolling, 50)), millis(percentile(rolling, 99)));
                out.printf("health failure detected -> last good re-applied (%d rollbacks): p50 %.0f ms, "
                        + "p99 %.0f ms, max %.0f ms%n", FAILURES, millis(percentile(reapplied, 50)),
                        millis(percentile(reapplied, 99)), millis(Collections.max(reapplied)));
            }
        }
    }

    /** Pushes a new image {@code WARMUP + RUNS} times; push start to Synced at that commit. */
    private static List<Long> rollouts(Agent agent, LocalGitRepo repo, int firstTag) {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < WARMUP + RUNS; i++) {
            long start = System.nanoTime();
            String commit = Measure.pushImage(repo, String.valueOf(firstTag + i), "image " + (firstTag + i));
            waitFor(() -> Measure.syncedAt(agent, commit));
            if (i >= WARMUP) {
                latencies.add(System.nanoTime() - start);
            }
        }
        return latencies;
    }
}
