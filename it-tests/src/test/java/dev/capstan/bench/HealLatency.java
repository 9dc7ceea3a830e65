package dev.capstan.bench;

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
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scripted end-to-end measurement (run: {@code bin/bench heal}): a field of a deployed unit changed by hand, and the
 * time until the agent has put it back. The agent polls git once an hour here, so what is measured is the
 * watch-driven path (informer event → drift check → dry run → apply), not a poll. Each run edits another object,
 * so the backoff for objects that keep coming back never applies.
 */
public final class HealLatency {
    private static final int RUNS = 20;

    private HealLatency() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path root = ClusterBinaries.repoRoot();
        Path work = Files.createTempDirectory("capstan-heal-latency-");
        try (LocalCluster cluster = LocalCluster.start(ClusterBinaries.locate(root), work.resolve("cluster"));
                KubernetesClient client = cluster.newClient();
                PodSimulator simulator = PodSimulator.start(client);
                GitHttpServer server = GitHttpServer.start(work.resolve("git"))) {
            LocalGitRepo repo = Measure.stagingRepo(root, work);
            for (int i = 0; i < RUNS; i++) {
                repo.write("charts/web/templates/cm-" + i + ".yaml", "apiVersion: v1\nkind: ConfigMap\n"
                        + "metadata: {name: heal-" + i + "}\ndata: {greeting: hello}\n");
            }
            repo.commitAndPush("bench: one ConfigMap per run");
            repo.pushTo(server.url("remote.git"));
            AgentConfig agentConfig = Measure.webhookDrivenAgent(server.url("remote.git"), work, cluster,
                    "heal-secret");
            try (Agent agent = Agent.start(agentConfig)) {
                waitFor(() -> agent.status().units().get("web/staging") instanceof UnitOutcome.Synced);
                waitFor(() -> agent.status().drift().get("web/staging") != null);
                List<Long> healed = new ArrayList<>();
                for (int i = 0; i < RUNS; i++) {
                    String name = "heal-" + i;
                    long start = System.nanoTime();
                    client.configMaps().inNamespace("bench").withName(name).edit(c -> {
                        c.getData().put("greeting", "changed by hand");
                        return c;
                    });
                    waitFor(() -> "hello".equals(client.configMaps().inNamespace("bench").withName(name).get()
                            .getData().get("greeting")));
                    healed.add(System.nanoTime() - start);
                }
                out.printf("hand edit -> corrected (poll interval 1 h: informer event driven), %d runs: p50 %.0f ms, "
                        + "p90 %.0f ms, max %.0f ms%n", RUNS, Measure.millis(percentile(healed, 50)),
                        Measure.millis(percentile(healed, 90)), Measure.millis(percentile(healed, 100)));
            }
        }
    }
}
