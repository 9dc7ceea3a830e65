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
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas sharding by cluster, as Argo CD shards its controller: staging deploys to the agent's own cluster
 * ({@code default}, shard 0), production to {@code eu} (shard 1, the same control plane through a second entry).
 * Each replica applies only its cluster's units, and production still waits for staging: the replica holding it learns
 * that staging passed the commit from the view the other replica published, and goes on without a poll (they poll
 * once an hour).
 */
@KubernetesCluster
class ShardByClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path temp;

    @Test
    void eachReplicaDeploysItsClusterAndPromotionWaitsAcrossShards(KubernetesClient client, TestNamespace ns,
                                                                    LocalCluster cluster) throws Exception {
        assertThat(Shards.shardOf("default", 2)).isZero();
        assertThat(Shards.shardOf("eu", 2)).isEqualTo(1);
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns);
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("  - name: production\n",
                "  - name: production\n    cluster: eu\n"));
        String commit = repo.commit("production deploys to the eu cluster");
        ReleaseStore records = ReleaseStore.reading(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, Clock.systemUTC());
        int[] ports = {HaAgentProcess.freePort(), HaAgentProcess.freePort()};
        List<TetheredProcess> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                replicas.add(HaAgentProcess.start(temp, repo, ns.name(), cluster, "capstan-" + i, ports[i],
                        "shards: 2, shardBy: cluster", "1h",
                        "clusters: {eu: {kubeconfig: \"" + cluster.kubeconfig() + "\"}}"));
            }
            await().atMost(WAIT).until(() -> deployed(records, "staging", commit) != null
                    && deployed(records, "production", commit) != null);

            Release staging = deployed(records, "staging", commit);
            Release production = deployed(records, "production", commit);
            assertThat(production.startedAt()).as("production started only after staging passed the commit")
                    .isAfterOrEqualTo(staging.updatedAt());
            String first = Files.readString(temp.resolve("capstan-0.log"));
            String second = Files.readString(temp.resolve("capstan-1.log"));
            assertThat(first).contains("[web/staging@").doesNotContain("[web/production@");
            assertThat(second).contains("[web/production@").doesNotContain("[web/staging@");
            assertThat(RolloutAgents.image(client, repo.production, "web")).isNotNull();

            await().atMost(WAIT).untilAsserted(() -> {
                JsonObject status = new JsonObject(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ports[0] + "/api/status")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertThat(status.getJsonArray("units").stream().map(JsonObject.class::cast)
                        .filter(u -> u.getString("unit").equals("web/production")).findFirst())
                        .hasValueSatisfying(u -> {
                            assertThat(u.getString("state")).isEqualTo("Synced");
                            assertThat(u.getString("holder")).isEqualTo("capstan-1");
                        });
            });
        } finally {
            replicas.forEach(TetheredProcess::close);
        }
    }

    private static Release deployed(ReleaseStore records, String env, String commit) {
        return records.history("web", env).stream().filter(r -> r.commit().equals(commit)
                && r.status() == Release.Status.DEPLOYED).findFirst().orElse(null);
    }
}
