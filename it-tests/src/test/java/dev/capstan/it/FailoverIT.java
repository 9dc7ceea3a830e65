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
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agent processes with leader election on one Lease: the standby serves reads and refuses to act; when the
 * leader is killed (-9) in the middle of a canary step, the standby takes the Lease within its duration and finishes
 * the rollout under the same revision. Nothing is applied twice, no revision is duplicated, no canary is left.
 */
@KubernetesCluster
class FailoverIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FailoverIT.class);

    @TempDir
    Path temp;
    private final HttpClient http = HttpClient.newHttpClient();
    private LocalCluster cluster;

    @Test
    void theStandbyTakesOverAndFinishesTheRollout(KubernetesClient client, TestNamespace ns, LocalCluster cluster)
            throws Exception {
        this.cluster = cluster;
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        ReleaseStore records = ReleaseStore.reading(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, Clock.systemUTC());
        int portA = HaAgentProcess.freePort();
        int portB = HaAgentProcess.freePort();
        assertThat(portB).isNotEqualTo(portA);
        try (TetheredProcess a = agent(repo, ns, "agent-a", portA)) {
            // The first agent leads; the second starts once it does, as a standby.
            await().atMost(WAIT).until(() -> "agent-a".equals(HaAgentProcess.leaseHolder(client, ns.name()))
                    && HaAgentProcess.statuses(records).equals(List.of("1 deployed")));
            standbyTakesOver(client, ns, repo, records, a, portB);
        }
    }

    private void standbyTakesOver(KubernetesClient client, TestNamespace ns, RolloutRepo repo, ReleaseStore records,
                                  TetheredProcess a, int portB) throws Exception {
        try (TetheredProcess b = agent(repo, ns, "agent-b", portB)) {
            await().atMost(WAIT).ignoreException(java.net.ConnectException.class).untilAsserted(() -> {
                JsonObject status = new JsonObject(get(portB, "/api/status").body());
                assertThat(status.getJsonObject("agent").getString("role")).isEqualTo("standby");
                assertThat(status.getJsonObject("agent").getString("leader")).isEqualTo("agent-a");
                assertThat(get(portB, "/api/releases/web/staging").body()).as("a standby serves reads")
                        .contains("\"revision\":1");
                assertThat(status.getJsonArray("units").stream().map(JsonObject.class::cast)
                        .filter(u -> u.getString("unit").equals("web/staging")).findFirst())
                        .as("and the leader's units' status, from the view it publishes").hasValueSatisfying(u -> {
                            assertThat(u.getString("state")).isEqualTo("Synced");
                            assertThat(u.getString("holder")).isEqualTo("agent-a");
                        });
            });
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portB
                    + "/api/sync")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("standby", "agent-a");

            repo.git.write("charts/web/values.staging.yaml", "image: {tag: \"2\"}\nreadyAfterMs: 2500\n");
            repo.commit("web 2, slow to start");
            await().atMost(WAIT).until(() -> records.history("web", "staging").stream().anyMatch(r ->
                    r.revision() == 2 && r.status() == Release.Status.PROGRESSING && r.phase().equals("canary 50%"))
                    && client.apps().deployments().inNamespace(repo.staging).withName("web-canary").get() != null);
            // The standby follows: the unit's state changed in the leader's view, so it read the unit's records again.
            await().atMost(WAIT).untilAsserted(() -> assertThat(get(portB, "/api/releases/web/staging").body())
                    .contains("\"revision\":2"));
            long killed = System.nanoTime();
            a.child().orElseThrow().destroyForcibly();
            a.child().ifPresent(child -> child.onExit().join());

            await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> "agent-b".equals(HaAgentProcess.leaseHolder(client, ns.name())));
            // A figure for the README, not an assertion: the Lease is 4 s, renewals every 0.5 s.
            LOG.info("failover: standby holds the Lease {} ms after the leader was killed",
                    (System.nanoTime() - killed) / 1_000_000);
            await().atMost(WAIT).until(() -> HaAgentProcess.statuses(records)
                    .equals(List.of("1 superseded", "2 deployed")));
            assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web-canary").get()).isNull();
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":2");
            assertThat(new JsonObject(get(portB, "/api/status").body()).getJsonObject("agent").getString("role"))
                    .isEqualTo("leader");
            String log = Files.readString(temp.resolve("agent-b.log"));
            assertThat(log).contains("resuming revision 2");
            assertThat(log.indexOf("agent-b leads")).as("the standby applied nothing before it led")
                    .isLessThan(log.indexOf("rollout step")).isGreaterThan(-1);
        }
    }

    private TetheredProcess agent(RolloutRepo repo, TestNamespace ns, String identity, int port)
            throws Exception {
        return HaAgentProcess.start(temp, repo, ns.name(), cluster, identity, port, "");
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
