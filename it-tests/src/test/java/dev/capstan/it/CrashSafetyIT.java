package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.cluster.RecordKind;
import dev.capstan.agent.cluster.SecretRecords;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.TetheredProcess;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kill -9 of the real agent process in the middle of a rollout, then a new agent: it reads the progressing record,
 * removes the orphaned canary, finishes the rollout under the same revision number, and writes no duplicate.
 */
@KubernetesCluster
class CrashSafetyIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"canary 50%", "full"})
    void anAgentKilledMidRolloutIsFinishedByTheNextOne(String killAt, KubernetesClient client, TestNamespace ns,
                                                       LocalCluster cluster) throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        Path config = AgentProcesses.config(repo.git.url(), temp, cluster, ns);
        ReleaseStore records = ReleaseStore.reading(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, Clock.systemUTC());

        try (TetheredProcess first = agent(config, "agent-1")) {
            await().atMost(WAIT).until(() -> statuses(records).equals(List.of("1 deployed")));
            // Slow pods give the kill a window inside the step.
            repo.git.write("charts/web/values.staging.yaml", "image: {tag: \"2\"}\nreadyAfterMs: 5000\n");
            repo.commit("web 2, slow to start");
            await().atMost(WAIT).until(() -> records.history("web", "staging").stream().anyMatch(r ->
                    r.revision() == 2 && r.status() == Release.Status.PROGRESSING && r.phase().equals(killAt))
                    && client.apps().deployments().inNamespace(repo.staging).withName("web-canary").get() != null);
            first.child().orElseThrow().destroyForcibly();
            first.child().ifPresent(child -> child.onExit().join());
        }
        assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web-canary").get())
                .as("the killed agent left its canary behind").isNotNull();

        try (TetheredProcess second = agent(config, "agent-2")) {
            await().atMost(WAIT).until(() -> statuses(records).equals(List.of("1 superseded", "2 deployed")));
            assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web-canary").get())
                    .isNull();
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":2");
            Release resumed = records.history("web", "staging").get(1);
            assertThat(resumed.phase()).isEmpty();
            String log = Files.readString(temp.resolve("agent-2.log"));
            assertThat(log).contains("resuming revision 2");
            if (killAt.equals("full")) {
                // Resumed at the step its record says it reached, not at the first.
                assertThat(log).contains("resuming at step full (recorded)").doesNotContain("rollout step canary");
            }
        }
    }

    /**
     * Blue-green, killed with the new version up beside the old one and the Services pinned to the old pods
     * ({@code preview}), after the switch with the old version parked ({@code hold}), or while the old version is
     * rolled onto the new template ({@code promote}): the next agent goes on from
     * the recorded step, keeps the green copy that serves, and the two versions never serve side by side.
     */
    @ParameterizedTest
    @ValueSource(strings = {"preview", "hold", "promote"})
    void aBlueGreenRolloutKilledBeforeOrAfterItsSwitchIsFinishedByTheNextAgent(String killAt,
                                                                              KubernetesClient client,
                                                                              TestNamespace ns, LocalCluster cluster)
            throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns,
                "    rollout: {strategy: blueGreen, scaleDownDelay: 8s, stepTimeout: 60s}");
        Path config = AgentProcesses.config(repo.git.url(), temp, cluster, ns);
        ReleaseStore records = ReleaseStore.reading(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, Clock.systemUTC());

        try (TrafficLog traffic = TrafficLog.of(client, repo.staging, "web")) {
            try (TetheredProcess first = agent(config, "agent-1")) {
                await().atMost(WAIT).until(() -> statuses(records).equals(List.of("1 deployed")));
                // Slow pods give the kill a window inside the preview step.
                repo.git.write("charts/web/values.staging.yaml", "image: {tag: \"2\"}\nreadyAfterMs: 4000\n");
                repo.commit("web 2, slow to start");
                await().atMost(WAIT).until(() -> records.history("web", "staging").stream().anyMatch(r ->
                        r.revision() == 2 && r.status() == Release.Status.PROGRESSING && r.phase().equals(killAt))
                        && client.apps().deployments().inNamespace(repo.staging).withName("web-green").get() != null);
                first.child().orElseThrow().destroyForcibly();
                first.child().ifPresent(child -> child.onExit().join());
            }
            Set<String> servingAtKill = traffic.versionsNow();
            assertThat(servingAtKill).isEqualTo(Set.of(killAt.equals("preview") ? "1" : "2"));

            try (TetheredProcess second = agent(config, "agent-2")) {
                await().atMost(WAIT).until(() -> statuses(records).equals(List.of("1 superseded", "2 deployed")));
                assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web-green").get())
                        .isNull();
                assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":2");
                String log = Files.readString(temp.resolve("agent-2.log"));
                assertThat(log).contains("resuming revision 2");
                if (!killAt.equals("preview")) {
                    assertThat(log).contains("resuming at step " + killAt + " (recorded)")
                            .doesNotContain("rollout step preview");
                }
                await().atMost(WAIT).until(() -> traffic.versionsNow().equals(Set.of("2")));
                assertThat(traffic.versionHistory()).as("%s", traffic)
                        .allSatisfy(versions -> assertThat(versions).hasSizeLessThanOrEqualTo(1));
            }
        }
    }

    private TetheredProcess agent(Path config, String name) throws Exception {
        return AgentProcesses.start(name, temp, config);
    }

    private static List<String> statuses(ReleaseStore records) {
        return records.history("web", "staging").stream().map(r -> r.revision() + " " + r.status().label())
                .toList();
    }
}
