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
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.capstan.testcluster.WebhookSender;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Scripted end-to-end measurement (run: {@code bin/bench webhook-latency}). A real git client pushes to a real
 * smart-HTTP server on loopback, which sends a GitHub-style webhook after each push; the time is from the start of
 * {@code git push} until the agent knows the new commit. 50 pushes after 5 warm-up pushes. Then the cost of a
 * poll cycle when nothing changed (fetch + plan, no render, no apply), 50 cycles.
 */
public final class WebhookLatency {
    private static final int WARMUP = 5;
    private static final int RUNS = 50;

    private WebhookLatency() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path root = ClusterBinaries.repoRoot();
        Path work = Files.createTempDirectory("capstan-webhook-latency-");
        // Pods must become ready: deploys are gated on health since rollouts came.
        try (LocalCluster cluster = LocalCluster.start(ClusterBinaries.locate(root), work.resolve("cluster"));
                KubernetesClient client = cluster.newClient();
                PodSimulator simulator = PodSimulator.start(client);
                GitHttpServer server = GitHttpServer.start(work.resolve("git"))) {
            LocalGitRepo repo = LocalGitRepo.fromDirectory(root.resolve("examples"), work.resolve("git"));
            repo.pushTo(server.url("remote.git"));
            AgentConfig config = Measure.webhookDrivenAgent(server.url("remote.git"), work, cluster,
                    "latency-secret");
            try (Agent agent = Agent.start(config)) {
                waitFor(() -> agent.status().units().size() == 4 && agent.status().units().values().stream()
                        .allMatch(UnitOutcome.Synced.class::isInstance));
                WebhookSender github = new WebhookSender("http://127.0.0.1:" + agent.httpPort(), "latency-secret");
                List<Long> replies = Collections.synchronizedList(new ArrayList<>());
                server.onPush((name, ref) -> {
                    String head = repo.remoteHead();
                    long sent = System.nanoTime();
                    github.push(ref, head);
                    replies.add(System.nanoTime() - sent);
                });

                List<Long> latencies = new ArrayList<>();
                for (int i = 0; i < WARMUP + RUNS; i++) {
                    repo.write("README.md", "push " + i + "\n");
                    LocalGitRepo.git(repo.workTree(), "add", "-A");
                    LocalGitRepo.git(repo.workTree(), "-c", "user.name=bench", "-c", "user.email=b@example.com",
                            "commit", "-q", "-m", "push " + i);
                    String commit = LocalGitRepo.git(repo.workTree(), "rev-parse", "HEAD").strip();
                    long start = System.nanoTime();
                    LocalGitRepo.git(repo.workTree(), "push", "-q", "origin", "main");
                    waitFor(() -> agent.status().repo().commit().equals(Optional.of(commit)));
                    if (i >= WARMUP) {
                        latencies.add(System.nanoTime() - start);
                    }
                }

                List<Long> cycles = new ArrayList<>();
                int requestsBefore = server.requests();
                for (int i = 0; i < WARMUP + RUNS; i++) {
                    long count = agent.metrics().get("capstan_reconcile_cycle_seconds").timer().count();
                    long start = System.nanoTime();
                    agent.syncNow();
                    waitFor(() -> agent.metrics().get("capstan_reconcile_cycle_seconds").timer().count() > count);
                    if (i >= WARMUP) {
                        cycles.add(System.nanoTime() - start);
                    }
                }
                double requestsPerCycle = (server.requests() - requestsBefore) / (double) (WARMUP + RUNS);

                out.printf("push -> commit known via webhook (%d pushes): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                        RUNS, millis(percentile(latencies, 50)), millis(percentile(latencies, 99)),
                        millis(Collections.max(latencies)));
                List<Long> measuredReplies = replies.subList(WARMUP, replies.size());
                out.printf("webhook delivery answered (%d deliveries): p50 %.1f ms, p99 %.1f ms%n",
                        measuredReplies.size(), millis(percentile(measuredReplies, 50)),
                        millis(percentile(measuredReplies, 99)));
                out.printf("poll cycle, nothing changed (%d cycles): p50 %.1f ms, p99 %.1f ms;"
                                + " %.1f HTTP requests to the git server per cycle%n", RUNS,
                        millis(percentile(cycles, 50)), millis(percentile(cycles, 99)), requestsPerCycle);
            }
        }
    }
}
