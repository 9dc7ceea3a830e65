package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.cluster.RecordKind;
import dev.capstan.agent.cluster.SecretRecords;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.sync.Shards;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.TetheredProcess;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27: a leader paused past its Lease ({@code kill -STOP}) while its canary is in a health gate; the standby
 * takes over, finishes that rollout and deploys a newer commit; the old leader is woken ({@code kill -CONT}) long
 * after its gate's deadline. It must write nothing — no rollback, no record, no alert — and stop: every write is
 * fenced by a Lease renewed within the renew deadline, and a record written by another replica since is not
 * overwritten.
 */
@KubernetesCluster
class PausedLeaderIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    /** Kept when the test fails: the two agents' logs are in it. */
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path temp;

    @Test
    void aLeaderWokenAfterLosingItsLeaseWritesNothing(KubernetesClient client, TestNamespace ns,
                                                      LocalCluster cluster) throws Exception {
        RolloutRepo repo = repo(ns);
        ReleaseStore records = ReleaseStore.reading(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, Clock.systemUTC());
        try (TetheredProcess a = HaAgentProcess.start(temp, repo, ns.name(), cluster, "agent-a",
                HaAgentProcess.freePort(), "")) {
            await().atMost(WAIT).until(() -> "agent-a".equals(HaAgentProcess.leaseHolder(client, ns.name()))
                    && HaAgentProcess.statuses(records).equals(List.of("1 deployed")));
            try (TetheredProcess b = HaAgentProcess.start(temp, repo, ns.name(), cluster, "agent-b",
                    HaAgentProcess.freePort(), "")) {
                await().atMost(WAIT).until(() -> Files.exists(temp.resolve("agent-b.log"))
                        && Files.readString(temp.resolve("agent-b.log")).contains("capstan agent started"));
                pauseInAGateAndWakeLate(client, ns, repo, records, a, b, "capstan-leader", "agent-b");
            }
        }
    }

    @Test
    void aShardHolderWokenAfterLosingItsShardWritesNothing(KubernetesClient client, TestNamespace ns,
                                                           LocalCluster cluster) throws Exception {
        RolloutRepo repo = repo(ns);
        ReleaseStore records = ReleaseStore.reading(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, Clock.systemUTC());
        int webShard = Shards.shardOf("web", 2);
        String holder = "capstan-" + webShard;
        String other = "capstan-" + (1 - webShard);
        String lease = "capstan-leader-shard-" + webShard;
        try (TetheredProcess paused = HaAgentProcess.start(temp, repo, ns.name(), cluster, holder,
                HaAgentProcess.freePort(), "shards: 2");
                TetheredProcess survivor = HaAgentProcess.start(temp, repo, ns.name(), cluster, other,
                        HaAgentProcess.freePort(), "shards: 2")) {
            await().atMost(WAIT).until(() -> holder.equals(HaAgentProcess.leaseHolder(client, ns.name(), lease))
                    && other.equals(HaAgentProcess.leaseHolder(client, ns.name(), "capstan-leader-shard-"
                    + (1 - webShard))) && HaAgentProcess.statuses(records).equals(List.of("1 deployed")));
            pauseInAGateAndWakeLate(client, ns, repo, records, paused, survivor, lease, other);
        }
    }

    private RolloutRepo repo(TestNamespace ns) {
        return RolloutRepo.stagingOnly(temp.resolve("git"), ns,
                "    rollout: {strategy: canary, steps: [50, 100], stepTimeout: 10s}");
    }

    /**
     * Stops {@code leader} in web's canary gate; once {@code standby} holds {@code lease}, has finished that revision
     * and deployed a newer one, and the paused gate's deadline has passed, wakes it: it must write nothing and exit.
     */
    private void pauseInAGateAndWakeLate(KubernetesClient client, TestNamespace ns, RolloutRepo repo,
                                         ReleaseStore records, TetheredProcess paused, TetheredProcess survivor,
                                         String lease, String standby) throws Exception {
        repo.git.write("charts/web/values.staging.yaml", "image: {tag: \"2\"}\nreadyAfterMs: 1500\n");
        repo.commit("web 2, slow to start");
        await().atMost(WAIT).until(() -> records.history("web", "staging").stream().anyMatch(r ->
                r.revision() == 2 && r.status() == Release.Status.PROGRESSING && r.phase().equals("canary 50%"))
                && client.apps().deployments().inNamespace(repo.staging).withName("web-canary").get() != null);
        long gateSeen = System.nanoTime();
        ProcessHandle leader = paused.child().orElseThrow();
        signal("STOP", leader);
        Path log = temp.resolve(paused.name() + ".log");
        long logBeforeWaking;
        Map<String, String> recordVersions;
        String deploymentVersion;
        try {
            await().atMost(WAIT).until(() -> standby.equals(HaAgentProcess.leaseHolder(client, ns.name(), lease)));
            // The standby resumes revision 2 at its canary and finishes it, then deploys a newer commit.
            await().atMost(WAIT).until(() -> HaAgentProcess.statuses(records).equals(List.of("1 superseded",
                    "2 deployed")));
            repo.image("3", "web 3");
            await().atMost(WAIT).until(() -> HaAgentProcess.statuses(records).equals(List.of("1 superseded",
                    "2 superseded", "3 deployed")));
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":3");
            // The paused leader's canary gate is past its 10 s deadline when it wakes (as in the report).
            await().atMost(WAIT).until(() -> System.nanoTime() - gateSeen > Duration.ofSeconds(11).toNanos());
            recordVersions = recordVersions(client, ns);
            deploymentVersion = client.apps().deployments().inNamespace(repo.staging).withName("web").get()
                    .getMetadata().getResourceVersion();
            logBeforeWaking = Files.size(log);
        } finally {
            signal("CONT", leader);
        }

        // Woken, its gate fails on the clock, its cache is stale, its Lease is gone: it stops, writing nothing on
        // the way out.
        assertThat(leader.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
        String woken = Files.readString(log).substring((int) logBeforeWaking);
        assertThat(woken).doesNotContain("rolled back", "rollout step", "alert [")
                .containsAnyOf("abandoned", "lost " + lease);
        assertThat(HaAgentProcess.statuses(records)).containsExactly("1 superseded", "2 superseded", "3 deployed");
        assertThat(recordVersions(client, ns)).as("no record written by the woken leader").isEqualTo(recordVersions);
        assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web").get().getMetadata()
                .getResourceVersion()).as("nor the Deployment").isEqualTo(deploymentVersion);
        assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":3");
        assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web-canary").get()).isNull();
        assertThat(survivor.child().orElseThrow().isAlive()).isTrue();
    }

    private static void signal(String signal, ProcessHandle process) throws Exception {
        int exit = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start()
                .waitFor();
        assertThat(exit).as("kill -" + signal).isZero();
    }

    private static Map<String, String> recordVersions(KubernetesClient client, TestNamespace ns) {
        return client.secrets().inNamespace(ns.name()).withLabel("capstan.dev/owner").list().getItems().stream()
                .filter(s -> s.getMetadata().getName().startsWith("capstan.release.")
                        || s.getMetadata().getName().startsWith("capstan.incident."))
                .collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s.getMetadata().getResourceVersion()));
    }
}
