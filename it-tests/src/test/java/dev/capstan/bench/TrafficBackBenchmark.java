package dev.capstan.bench;

import static dev.capstan.bench.Measure.millis;
import static dev.capstan.bench.Measure.percentile;
import static dev.capstan.bench.Measure.waitFor;

import com.sun.net.httpserver.HttpServer;
import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.it.TrafficLog;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.GitHttpServer;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import dev.capstan.testcluster.PodSimulator;
import dev.capstan.testcluster.WebhookSender;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Timer;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A new version that fails once it serves traffic, under each strategy side by side in one run (run: {@code bin/bench
 * traffic-back}): blue-green (it fails after the Services switched to it), canary 50% (it fails at its canary step)
 * and rolling (it fails after the full step). A Prometheus check (an instant query, every second) reads an error
 * ratio of 0.5 while the Service {@code web} sends traffic to a pod of the bad version, as the cluster's EndpointSlice
 * controller publishes it, and 0 otherwise; a sample above {@code max: 0.05} fails the gate at once. Measured
 * per failure:
 * <ul>
 *   <li><b>traffic back</b>: from the failed gate to the old version alone behind the Service, as its
 *   EndpointSlices say (their watch, on loopback: what clients of the Service would see);</li>
 *   <li><b>bad version served</b>: from the first EndpointSlice with a pod of the bad version to the old version alone
 *   again (exposure: detection included);</li>
 *   <li>the agent's own timer: blue-green {@code capstan_traffic_back_seconds} (failed gate → Services re-pointed),
 *   canary and rolling {@code capstan_rollback_seconds} (failed gate → last good re-applied).</li>
 * </ul>
 * Real git push, GitHub-style webhook, real control plane, pod simulator with readiness delay 0.
 */
public final class TrafficBackBenchmark {
    private static final int FAILURES = 10;
    private static final String SECRET = "traffic-back-secret";
    private static final String NAMESPACE = "bench";

    private TrafficBackBenchmark() {
    }

    private record Strategy(String name, String rollout, String agentTimer) {
    }

    private record Figures(List<Long> trafficBack, List<Long> exposure, List<Long> agentTimer) {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path root = ClusterBinaries.repoRoot();
        Path work = Files.createTempDirectory("capstan-traffic-back-");
        List<Strategy> strategies = List.of(
                new Strategy("blue-green", "{strategy: blueGreen, scaleDownDelay: 1s, stepTimeout: 30s}",
                        "capstan_traffic_back_seconds"),
                new Strategy("canary 50%", "{strategy: canary, steps: [50, 100], stepTimeout: 30s}",
                        "capstan_rollback_seconds"),
                new Strategy("rolling", "{strategy: rolling, stepTimeout: 30s}", "capstan_rollback_seconds"));
        HttpServer checks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        try (LocalCluster cluster = LocalCluster.start(ClusterBinaries.locate(root), work.resolve("cluster"));
                KubernetesClient client = cluster.newClient();
                PodSimulator simulator = PodSimulator.start(client);
                GitHttpServer server = GitHttpServer.start(work.resolve("git"))) {
            LocalGitRepo repo = Measure.stagingRepo(root, work);
            String check = "    prometheus: [{name: errors, url: \"http://127.0.0.1:" + checks.getAddress().getPort()
                    + "\", query: error_ratio, max: 0.05}]\n";
            repo.write("capstan.yaml", repo.read("capstan.yaml").replaceFirst("(?m)^    rollout: .*\\n",
                    "    rollout: " + strategies.get(0).rollout() + "\n" + check));
            repo.write("charts/web/values.staging.yaml", "image: {tag: \"good-0\"}\nreadyAfterMs: 0\n");
            repo.commitAndPush("bench: staging only, pods ready at once, a smoke check");
            repo.pushTo(server.url("remote.git"));
            AgentConfig agentConfig = Measure.webhookDrivenAgent(server.url("remote.git"), work, cluster, SECRET)
                    .withChecks(new AgentConfig.Checks(List.of("127.0.0.0/8")));
            try (Agent agent = Agent.start(agentConfig);
                    TrafficLog traffic = TrafficLog.of(client, NAMESPACE, "web")) {
                // An error ratio of 0.5 exactly while a bad version's pod is behind the Service, as the
                // Prometheus HTTP API answers an instant query.
                checks.createContext("/api/v1/query", exchange -> {
                    String ratio = traffic.versionsNow().stream().anyMatch(v -> v.startsWith("bad")) ? "0.5" : "0";
                    byte[] body = ("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
                            + "[{\"metric\":{},\"value\":[1,\"" + ratio + "\"]}]}}")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                checks.start();
                waitFor(() -> agent.status().units().get("web/staging") instanceof UnitOutcome.Synced);
                WebhookSender github = new WebhookSender("http://127.0.0.1:" + agent.httpPort(), SECRET);
                server.onPush((name, ref) -> github.push(ref, repo.remoteHead()));

                List<Figures> figures = new ArrayList<>();
                String current = "good-0";
                for (Strategy strategy : strategies) {
                    repo.write("capstan.yaml", repo.read("capstan.yaml").replaceFirst("(?m)^    rollout: .*$",
                            "    rollout: " + strategy.rollout()));
                    current = "good-" + strategy.name().charAt(0);
                    String good = Measure.pushImage(repo, current, "bench: " + strategy.name());
                    waitFor(() -> Measure.syncedAt(agent, good));
                    String old = current;
                    waitFor(() -> traffic.versionsNow().equals(Set.of(old)));
                    figures.add(failures(agent, repo, traffic, strategy, old));
                }

                for (int i = 0; i < strategies.size(); i++) {
                    Figures f = figures.get(i);
                    out.printf("%-10s (%d failures): traffic back p50 %.0f ms, max %.0f ms; bad version served "
                            + "p50 %.0f ms, max %.0f ms; agent %s p50 %.1f ms%n", strategies.get(i).name(),
                            FAILURES, millis(percentile(f.trafficBack(), 50)), millis(Collections.max(
                                    f.trafficBack())), millis(percentile(f.exposure(), 50)),
                            millis(Collections.max(f.exposure())), strategies.get(i).agentTimer(),
                            millis(percentile(f.agentTimer(), 50)));
                }
            } finally {
                checks.stop(0);
            }
        }
    }

    private static Figures failures(Agent agent, LocalGitRepo repo, TrafficLog traffic, Strategy strategy,
                                    String old) {
        Timer timer = agent.metrics().get(strategy.agentTimer()).timer();
        List<Long> back = new ArrayList<>();
        List<Long> exposure = new ArrayList<>();
        List<Long> agentTimer = new ArrayList<>();
        for (int i = 0; i < FAILURES; i++) {
            double before = timer.totalTime(TimeUnit.NANOSECONDS);
            long failedGates = failedGates(agent);
            String tag = "bad-" + i;
            int mark = traffic.mark();
            String bad = Measure.pushImage(repo, tag, strategy.name() + ": bad " + i);
            // The failed gate's moment, as the agent's failed-gate count rises (polled every 0.1 ms).
            waitFor(() -> failedGates(agent) > failedGates);
            long failedAt = System.nanoTime();
            waitFor(() -> agent.status().units().get("web/staging") instanceof UnitOutcome.Held held
                    && held.commit().equals(bad));
            waitFor(() -> traffic.versionsNow().equals(Set.of(old)));
            Supplier<IllegalStateException> missing = () -> new IllegalStateException(
                    strategy.name() + ": the bad version never served: " + traffic);
            long served = traffic.firstNanosServing(tag, mark).orElseThrow(missing);
            long alone = traffic.firstNanosOnlyServing(old, served).orElseThrow(missing);
            back.add(alone - failedAt);
            exposure.add(alone - served);
            agentTimer.add((long) (timer.totalTime(TimeUnit.NANOSECONDS) - before));
        }
        return new Figures(back, exposure, agentTimer);
    }

    private static long failedGates(Agent agent) {
        Timer failed = agent.metrics().find("capstan_health_gate_seconds").tag("result", "failed").timer();
        return failed == null ? 0 : failed.count();
    }
}
