package dev.capstan.bench;

import dev.capstan.agent.cluster.RecordKind;
import dev.capstan.agent.cluster.SecretRecords;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import dev.capstan.testcluster.PodSimulator;
import dev.capstan.testcluster.TetheredProcess;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * Soak of fencing (run: {@code bin/bench pause-soak [pauses] [seed]}, default 20 pauses, seed 27): two agent processes
 * with leader election (Lease 4 s) on the rollout fixture, while a driver pushes good and crash-looping commits and
 * edits live objects by hand, and each round stops the leader ({@code kill -STOP}) after a random delay, until the
 * standby holds the Lease and has worked a random while more, then wakes it ({@code kill -CONT}) — past its gates'
 * and its Lease's deadlines, with a stale cache — and starts it again once it has exited. The checks: no false
 * rollback (every quarantined revision is a crash-looping commit's), no write by a replica after it lost its Lease
 * (nothing applied, rolled back, healed or recorded in its log once woken), no record seen during the run lost, none
 * duplicated, skipped or left progressing, and the units converge to a last good commit. Loopback only, bounded.
 */
public final class PausedLeaderSoak {
    private static final Duration CONVERGE = Duration.ofMinutes(5);
    private static final List<String> UNITS = List.of("web/staging", "web/production");
    /** What a replica logs when it writes for a unit: none may follow its waking after a lost Lease. */
    private static final Pattern WRITES = Pattern.compile("rollout step|rolled back|corrected drift|pruned|"
            + "revision \\d+ deployed|alert \\[");

    private PausedLeaderSoak() {
    }

    public static void main(String[] args) throws Exception {
        int pauses = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Random random = new Random(args.length > 1 ? Long.parseLong(args[1]) : 27);
        PrintStream out = System.out;
        Path root = ClusterBinaries.repoRoot();
        Path work = Files.createTempDirectory("capstan-pause-soak-");
        try (LocalCluster cluster = LocalCluster.start(ClusterBinaries.locate(root), work.resolve("cluster"));
                KubernetesClient client = cluster.newClient();
                PodSimulator simulator = PodSimulator.start(client)) {
            LocalGitRepo repo = LocalGitRepo.fromDirectory(root.resolve("it-tests/src/test/resources/rollout-repo"),
                    work.resolve("git"));
            repo.write("capstan.yaml", repo.read("capstan.yaml").replace("STAGING_NS", "pause-staging")
                    .replace("PRODUCTION_NS", "pause-production"));
            repo.commitAndPush("the soak's namespaces");
            Map<String, BenchAgent> configs = new HashMap<>();
            Map<String, TetheredProcess> running = new HashMap<>();
            Map<String, Path> logs = new HashMap<>();
            for (String identity : List.of("agent-a", "agent-b")) {
                Path dir = Files.createDirectories(work.resolve(identity));
                configs.put(identity, BenchAgent.configure(dir, repo.url(), cluster, "300ms",
                        "{namespace: pause-records, historyLimit: 1000, unitsMayDeployHere: true}",
                        "ha: {enabled: true, identity: " + identity + ", leaseDuration: 4s, renewDeadline: 3s, "
                                + "retryPeriod: 500ms}\n"));
            }
            running.put("agent-a", configs.get("agent-a").start("agent-a-0", List.of()));
            logs.put("agent-a", work.resolve("agent-a/agent-a-0.log"));
            Measure.waitFor(() -> "agent-a".equals(holder(client)));
            running.put("agent-b", configs.get("agent-b").start("agent-b-0", List.of()));
            logs.put("agent-b", work.resolve("agent-b/agent-b-0.log"));

            Set<String> crashloops = new HashSet<>();
            Map<String, Set<Integer>> seen = new HashMap<>();
            List<String> writesAfterLostLease = new ArrayList<>();
            int abandoned = 0;
            for (int round = 0; round < pauses; round++) {
                String leader = holder(client);
                BenchAgent leading = configs.get(leader);
                Measure.waitFor(() -> leading.text("/readyz") != null);
                String action = act(round, repo, client, crashloops);
                LockSupport.parkNanos(Duration.ofMillis(random.nextInt(4000)).toNanos());
                SoakRecords.recordSeen(leading, seen);
                TetheredProcess paused = running.get(leader);
                ProcessHandle process = paused.child().orElseThrow();
                signal("STOP", process);
                String standby = leader.equals("agent-a") ? "agent-b" : "agent-a";
                long stopped = System.nanoTime();
                Measure.waitFor(() -> standby.equals(holder(client)));
                long takenOver = System.nanoTime();
                // The standby works a while (resumes the rollout, heals) before the old leader wakes.
                LockSupport.parkNanos(Duration.ofMillis(2000 + random.nextInt(6000)).toNanos());
                SoakRecords.recordSeen(configs.get(standby), seen);
                Path log = logs.get(leader);
                long before = Files.size(log);
                signal("CONT", process);
                if (process.onExit().get(60, TimeUnit.SECONDS).isAlive()) {
                    throw new IllegalStateException(leader + " did not exit after losing its Lease");
                }
                String woken = Files.readString(log).substring((int) before);
                if (woken.contains("abandoned")) {
                    abandoned++; // it woke with a unit's work in flight, which the fence stopped
                }
                String where = leader + " round " + round + ": ";
                woken.lines().filter(line -> WRITES.matcher(line).find())
                        .forEach(line -> writesAfterLostLease.add(where + line));
                paused.close();
                int restart = round + 1;
                running.put(leader, configs.get(leader).start(leader + "-" + restart, List.of()));
                logs.put(leader, work.resolve(leader + "/" + leader + "-" + restart + ".log"));
                out.printf("round %2d: %-26s %s paused %.1f s (standby led after %.1f s), woke and exited%n", round,
                        action, leader, (System.nanoTime() - stopped) / 1e9, (takenOver - stopped) / 1e9);
            }
            repo.write("charts/web/values.yaml", repo.read("charts/web/values.yaml")
                    .replaceAll("tag: \"[^\"]*\"", "tag: \"final\""));
            String last = repo.commitAndPush("the last good commit");
            long start = System.nanoTime();
            ReleaseStore records = ReleaseStore.reading(new SecretRecords(client, "pause-records", RecordKind.RELEASES),
                    1000, Clock.systemUTC());
            while (!UNITS.stream().allMatch(unit -> deployedAt(records, unit, last))) {
                if (System.nanoTime() - start > CONVERGE.toNanos()) {
                    throw new IllegalStateException("not converged within " + CONVERGE);
                }
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
            out.printf("%n%d pauses; converged to the last commit in %.1f s%n", pauses,
                    (System.nanoTime() - start) / 1e9);
            List<String> problems = check(records, seen, crashloops);
            int falseRollbacks = (int) problems.stream().filter(p -> p.contains("false rollback")).count();
            problems.addAll(writesAfterLostLease);
            out.printf("woken with a unit's work in flight (abandoned at the fence): %d of %d%n", abandoned, pauses);
            out.printf("false rollbacks: %d; writes after a lost Lease: %d; records lost: %d%n", falseRollbacks,
                    writesAfterLostLease.size(), problems.stream().filter(p -> p.contains("lost")).count());
            out.println(problems.isEmpty() ? "all invariants hold" : "PROBLEMS: " + problems);
            running.values().forEach(TetheredProcess::close);
            if (!problems.isEmpty()) {
                System.exit(1);
            }
        }
    }

    private static String act(int round, LocalGitRepo repo, KubernetesClient client, Set<String> crashloops) {
        return switch (round % 3) {
            case 1 -> {
                repo.write("charts/web/values.yaml", repo.read("charts/web/values.yaml")
                        .replaceAll("tag: \"[^\"]*\"", "tag: \"crashloop\""));
                String commit = repo.commitAndPush("crash-looping image " + round);
                crashloops.add(commit);
                yield "push crashloop " + commit.substring(0, 7);
            }
            case 2 -> {
                var configMap = client.configMaps().inNamespace("pause-staging").withName("web-config");
                if (configMap.get() == null) {
                    yield "hand edit (nothing yet)";
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
    }

    /** The records' invariants, and no quarantined revision of a good commit. */
    private static List<String> check(ReleaseStore records, Map<String, Set<Integer>> seen, Set<String> crashloops) {
        List<String> problems = new ArrayList<>(SoakRecords.problems(records, UNITS, seen));
        for (String unit : UNITS) {
            String[] parts = unit.split("/");
            for (Release release : records.history(parts[0], parts[1])) {
                if (release.hold() == Release.Hold.QUARANTINED && !crashloops.contains(release.commit())) {
                    problems.add(unit + ": false rollback of revision " + release.revision() + " (good commit "
                            + release.commit().substring(0, 7) + "): " + release.message());
                }
            }
        }
        return problems;
    }

    private static boolean deployedAt(ReleaseStore records, String unit, String commit) {
        String[] parts = unit.split("/");
        return records.history(parts[0], parts[1]).stream().anyMatch(r -> r.status() == Release.Status.DEPLOYED
                && r.commit().equals(commit));
    }

    private static String holder(KubernetesClient client) {
        Lease lease = client.leases().inNamespace("pause-records").withName("capstan-leader").get();
        return lease == null || lease.getSpec() == null ? "" : String.valueOf(lease.getSpec().getHolderIdentity());
    }

    private static void signal(String signal, ProcessHandle process) throws Exception {
        if (new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start().waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }
}
