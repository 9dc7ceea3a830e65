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
import dev.capstan.testcluster.WebhookSender;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.json.JsonArray;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agent processes, three shards (a StatefulSet's replicas by their ordinals): each holds its own shard's Lease
 * and applies only its units; they poll git once an hour, so a push reaches every shard only through the webhook
 * one replica accepted; a replica killed (-9) in the middle of a canary has its shard taken over by a survivor,
 * which finishes the rollout under the same revision. No revision is duplicated, no canary is left, and the other
 * shards keep their holders throughout. Any replica answers every unit's status and drift.
 */
@KubernetesCluster
class ShardingIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int SHARDS = 3;
    private static final String WEBHOOK_SECRET = "sharded-webhook-secret-5f1e";

    @TempDir
    Path temp;
    private final HttpClient http = HttpClient.newHttpClient();
    private LocalCluster cluster;

    @Test
    void aKilledReplicasShardIsFinishedByASurvivorWhileTheOthersGoOn(KubernetesClient client, TestNamespace ns,
                                                                     LocalCluster cluster) throws Exception {
        this.cluster = cluster;
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        List<String> charts = chartsOnEveryShard();
        for (String chart : charts) {
            if (!chart.equals("web")) {
                for (String file : List.of("Chart.yaml", "values.yaml", "templates/deployment.yaml",
                        "templates/configmap.yaml", "templates/service.yaml")) {
                    String text = repo.git.read("charts/web/" + file);
                    repo.git.write("charts/" + chart + "/" + file, file.equals("Chart.yaml")
                            ? text.replace("name: web", "name: " + chart) : text);
                }
            }
        }
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]",
                "charts: [" + String.join(", ", charts) + "]"));
        repo.commit(charts.size() + " charts over " + SHARDS + " shards");
        ReleaseStore records = ReleaseStore.reading(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, Clock.systemUTC());
        int[] ports = {HaAgentProcess.freePort(), HaAgentProcess.freePort(), HaAgentProcess.freePort()};
        List<TetheredProcess> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < SHARDS; i++) {
                replicas.add(agent(repo, ns, "capstan-" + i, ports[i]));
            }
            await().atMost(WAIT).until(() -> IntStream.range(0, SHARDS).allMatch(shard ->
                    ("capstan-" + shard).equals(holder(client, ns, shard)))
                    && charts.stream().allMatch(chart -> statuses(records, chart).equals(List.of("1 deployed"))));
            for (String chart : charts) {
                int shard = Shards.shardOf(chart, SHARDS);
                assertThat(Files.readString(temp.resolve("capstan-" + shard + ".log")))
                        .as(chart + " is applied by its shard's replica").contains("[" + chart + "/staging@");
                int other = (shard + 1) % SHARDS;
                assertThat(Files.readString(temp.resolve("capstan-" + other + ".log")))
                        .as(chart + " is not applied by another replica").doesNotContain("[" + chart + "/staging@");
            }
            String web = "web";
            int victimShard = Shards.shardOf(web, SHARDS);
            HttpResponse<String> misdirected = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + ports[(victimShard + 1) % SHARDS] + "/api/releases/web/staging/resume"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(misdirected.statusCode()).isEqualTo(409);
            assertThat(misdirected.body()).contains("shard " + victimShard, "capstan-" + victimShard);
            int elsewhere = (victimShard + 1) % SHARDS;
            await().atMost(WAIT).untilAsserted(() -> {
                JsonArray units = get(ports[elsewhere], "/api/status").getJsonArray("units");
                assertThat(units).as("every unit, on any replica").hasSize(charts.size());
                JsonObject served = unit(units, "web/staging");
                assertThat(served).as("another replica serves web's status, as its holder published it").isNotNull();
                assertThat(served.getString("state")).isEqualTo("Synced");
                assertThat(served.getString("holder")).isEqualTo("capstan-" + victimShard);
                JsonObject drift = get(ports[elsewhere], "/api/drift/web/staging");
                assertThat(drift.getJsonArray("units").getJsonObject(0).getString("state")).isEqualTo("InSync");
            });

            for (String chart : charts) {
                repo.git.write("charts/" + chart + "/values.staging.yaml",
                        "image: {tag: \"2\"}\nreadyAfterMs: 2500\n");
            }
            String pushed = repo.commit("every chart at 2, slow to start");
            // To one replica only (a Service picks one): the push must reach the other shards' holders too.
            int receiver = (victimShard + 1) % SHARDS;
            assertThat(new WebhookSender("http://127.0.0.1:" + ports[receiver], WEBHOOK_SECRET)
                    .push("refs/heads/main", pushed)).isEqualTo(202);
            await().atMost(WAIT).until(() -> records.history(web, "staging").stream().anyMatch(r ->
                    r.revision() == 2 && r.status() == Release.Status.PROGRESSING && r.phase().equals("canary 50%"))
                    && client.apps().deployments().inNamespace(repo.staging).withName(web + "-canary").get() != null);
            Map<Integer, Set<String>> holdersSeen = new HashMap<>();
            IntStream.range(0, SHARDS).forEach(shard -> holdersSeen.put(shard, ConcurrentHashMap.newKeySet()));
            TetheredProcess victim = replicas.get(victimShard);
            victim.child().orElseThrow().destroyForcibly();
            victim.child().ifPresent(child -> child.onExit().join());

            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                IntStream.range(0, SHARDS).forEach(shard -> holdersSeen.get(shard).add(
                        String.valueOf(holder(client, ns, shard))));
                return charts.stream().allMatch(chart -> statuses(records, chart)
                        .equals(List.of("1 superseded", "2 deployed")));
            });
            String survivor = holder(client, ns, victimShard);
            assertThat(survivor).as("a survivor holds the dead replica's shard").isNotNull()
                    .isNotEqualTo("capstan-" + victimShard);
            for (int shard = 0; shard < SHARDS; shard++) {
                if (shard != victimShard) {
                    assertThat(holdersSeen.get(shard)).as("shard " + shard + " kept its holder")
                            .containsExactly("capstan-" + shard);
                }
            }
            for (String chart : charts) {
                assertThat(client.apps().deployments().inNamespace(repo.staging).withName(chart + "-canary").get())
                        .as(chart + "'s canary is gone").isNull();
                assertThat(RolloutAgents.image(client, repo.staging, chart)).endsWith(":2");
            }
            assertThat(Files.readString(temp.resolve(survivor + ".log"))).contains("resuming revision 2");
        } finally {
            replicas.forEach(TetheredProcess::close);
        }
    }

    /** "web" and as few more charts as it takes for every shard to have at least one. */
    private static List<String> chartsOnEveryShard() {
        List<String> charts = new ArrayList<>(List.of("web"));
        boolean[] covered = new boolean[SHARDS];
        covered[Shards.shardOf("web", SHARDS)] = true;
        for (int i = 1; !(covered[0] && covered[1] && covered[2]); i++) {
            String chart = "shop-" + i;
            int shard = Shards.shardOf(chart, SHARDS);
            if (!covered[shard]) {
                covered[shard] = true;
                charts.add(chart);
            }
        }
        return charts;
    }

    private TetheredProcess agent(RolloutRepo repo, TestNamespace ns, String identity, int port)
            throws Exception {
        Path secret = Files.writeString(temp.resolve("webhook-secret"), WEBHOOK_SECRET);
        return HaAgentProcess.start(temp, repo, ns.name(), cluster, identity, port, "shards: " + SHARDS, "1h",
                "webhooks: {github: {secretFile: \"" + secret + "\"}}");
    }

    private JsonObject get(int port, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private static JsonObject unit(JsonArray units, String id) {
        return units.stream().map(JsonObject.class::cast).filter(u -> id.equals(u.getString("unit"))).findFirst()
                .orElse(null);
    }

    private static String holder(KubernetesClient client, TestNamespace ns, int shard) {
        Lease lease = client.leases().inNamespace(ns.name()).withName("capstan-leader-shard-" + shard).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static List<String> statuses(ReleaseStore records, String chart) {
        return records.history(chart, "staging").stream().map(r -> r.revision() + " " + r.status().label())
                .toList();
    }
}
