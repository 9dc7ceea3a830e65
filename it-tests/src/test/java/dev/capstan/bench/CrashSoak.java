package dev.capstan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.agent.cluster.RecordKind;
import dev.capstan.agent.cluster.SecretRecords;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import dev.capstan.testcluster.PodSimulator;
import dev.capstan.testcluster.TetheredProcess;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Soak under faults (run: {@code bin/bench soak [kills] [seed]}, default 50 kills, seed 14): the agent as its own
 * process on the rollout fixture (staging, then production, canary steps), while a driver pushes good commits,
 * crash-looping commits (canary fails, rollback, quarantine) and edits live objects by hand (heal), and kills the
 * agent with {@code kill -9} after a random delay (0-6 s) each time, restarting it at once and acting again once it
 * is ready; the API server is restarted once,
 * mid-rollout. Then one last good commit, and the checks: every unit converges to it, no canary is left, no revision
 * is duplicated, skipped or left progressing, and no record seen during the run is lost. Bounded: loopback only,
 * about six minutes.
 */
public final class CrashSoak {
    private static final Duration CONVERGE = Duration.ofMinutes(5);
    private static final List<String> UNITS = List.of("web/staging", "web/production");

    private CrashSoak() {
    }

    public static void main(String[] args) throws Exception {
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Random random = new Random(args.length > 1 ? Long.parseLong(args[1]) : 14);
        PrintStream out = System.out;
        Path root = ClusterBinaries.repoRoot();
        Path work = Files.createTempDirectory("capstan-soak-");
        try (LocalCluster cluster = LocalCluster.start(ClusterBinaries.locate(root), work.resolve("cluster"));
                KubernetesClient client = cluster.newClient();
                PodSimulator simulator = PodSimulator.start(client)) {
            LocalGitRepo repo = LocalGitRepo.fromDirectory(root.resolve("it-tests/src/test/resources/rollout-repo"),
                    work.resolve("git"));
            repo.write("capstan.yaml", repo.read("capstan.yaml").replace("STAGING_NS", "soak-staging")
                    .replace("PRODUCTION_NS", "soak-production"));
            repo.commitAndPush("the soak's namespaces");
            BenchAgent agentConfig = BenchAgent.configure(work, repo.url(), cluster, "300ms",
                    "{namespace: soak-records, historyLimit: 1000}");
            Map<String, Set<Integer>> seen = new HashMap<>();
            Map<String, Integer> killedIn = new TreeMap<>();
            TetheredProcess agent = agentConfig.start("agent-0", List.of());
            long restartApiServerAt = kills / 2;
            for (int round = 0; round < kills; round++) {
                // Each kill lands in the agent's work, not in its JVM's start: act once it is ready.
                Measure.waitFor(() -> agentConfig.text("/readyz") != null);
                String action = switch (round % 4) {
                    case 1 -> {
                        repo.write("charts/web/values.yaml", repo.read("charts/web/values.yaml")
                                .replaceAll("tag: \"[^\"]*\"", "tag: \"crashloop\""));
                        yield "push crashloop " + repo.commitAndPush("crash-looping image " + round).substring(0, 7);
                    }
                    case 2 -> {
                        var configMap = client.configMaps().inNamespace("soak-staging").withName("web-config");
                        if (configMap.get() == null) {
                            yield "hand edit (nothing to edit yet)";
                        }
                        configMap.edit(cm -> {
                            cm.getData().put("greeting", "edited by hand " + System.nanoTime());
                            return cm;
                        });
                        yield "hand edit";
                    }
                    default -> {
                        repo.write("charts/web/values.yaml", repo.read("charts/web/values.yaml")
                                .replaceAll("tag: \"[^\"]*\"", "tag: \"" + (round + 2) + "\""));
                        yield "push good " + repo.commitAndPush("good image " + round).substring(0, 7);
                    }
                };
                // Up to 6 s: long enough, now and then, for staging to finish and production to take its turn.
                LockSupport.parkNanos(Duration.ofMillis(random.nextInt(6000)).toNanos());
                if (round == restartApiServerAt) {
                    cluster.restartApiServer();
                    out.printf("round %d: API server restarted%n", round);
                    LockSupport.parkNanos(Duration.ofMillis(random.nextInt(1500)).toNanos());
                }
                String where = phases(agentConfig);
                SoakRecords.recordSeen(agentConfig, seen);
                killedIn.merge(where, 1, Integer::sum);
                TetheredProcess running = agent;
                Measure.waitFor(() -> running.child().isPresent());
                running.child().orElseThrow().destroyForcibly();
                agent.close();
                out.printf("round %2d: %-26s kill -9 during %s%n", round, action, where);
                agent = agentConfig.start("agent-" + (round + 1), List.of());
            }
            repo.write("charts/web/values.yaml", repo.read("charts/web/values.yaml")
                    .replaceAll("tag: \"[^\"]*\"", "tag: \"final\""));
            String last = repo.commitAndPush("the last good commit");
            long start = System.nanoTime();
            while (!UNITS.stream().allMatch(unit -> syncedAt(agentConfig, unit, last))) {
                if (System.nanoTime() - start > CONVERGE.toNanos()) {
                    throw new IllegalStateException("not converged within " + CONVERGE + ": " + phases(agentConfig));
                }
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
            double converged = (System.nanoTime() - start) / 1e9;
            agent.close();
            out.printf("%n%d kills; kill points: %s%n", kills, killedIn);
            out.printf("converged to the last commit in %.1f s after the last restart%n", converged);
            List<String> problems = check(client, seen);
            ReleaseStore records = ReleaseStore.reading(new SecretRecords(client, "soak-records", RecordKind.RELEASES),
                    1000, Clock.systemUTC());
            for (String unit : UNITS) {
                String[] parts = unit.split("/");
                List<Release> history = records.history(parts[0], parts[1]);
                Map<Release.Status, Integer> byStatus = new TreeMap<>();
                history.forEach(r -> byStatus.merge(r.status(), 1, Integer::sum));
                out.printf("%s: %d revisions %s%n", unit, history.size(), byStatus);
            }
            out.println(problems.isEmpty() ? "all invariants hold: every unit converged, no orphan canary, no "
                    + "duplicate or skipped revision, none left progressing, no record lost" : "PROBLEMS: " + problems);
            if (!problems.isEmpty()) {
                System.exit(1);
            }
        }
    }

    private static List<String> check(KubernetesClient client, Map<String, Set<Integer>> seen) {
        ReleaseStore records = ReleaseStore.reading(new SecretRecords(client, "soak-records", RecordKind.RELEASES),
                1000, Clock.systemUTC());
        List<String> problems = new ArrayList<>(SoakRecords.problems(records, UNITS, seen));
        for (String namespace : List.of("soak-staging", "soak-production")) {
            if (!client.apps().deployments().inNamespace(namespace).withLabel("capstan.dev/track", "canary").list()
                    .getItems().isEmpty()) {
                problems.add(namespace + ": a canary Deployment is left");
            }
        }
        return problems;
    }

    /** What the units were doing, as the agent said: "staging Progressing canary-50, production Synced". */
    private static String phases(BenchAgent agent) {
        JsonNode status = agent.json("/api/status");
        if (status == null) {
            return "startup (not answering yet)";
        }
        List<String> states = new ArrayList<>();
        for (JsonNode unit : status.path("units")) {
            String state = unit.path("state").asText();
            states.add(unit.path("unit").asText().replace("web/", "") + " " + state
                    + (unit.has("phase") ? " " + unit.path("phase").asText() : ""));
        }
        return states.isEmpty() ? "startup (no unit yet)" : String.join(", ", states);
    }

    private static boolean syncedAt(BenchAgent agent, String name, String commit) {
        JsonNode status = agent.json("/api/status");
        if (status == null) {
            return false;
        }
        for (JsonNode unit : status.path("units")) {
            if (unit.path("unit").asText().equals(name)) {
                return "Synced".equals(unit.path("state").asText()) && commit.equals(unit.path("commit").asText());
            }
        }
        return false;
    }
}
