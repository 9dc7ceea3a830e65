package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.testcluster.ApiRequests;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout sends only what differs from the live state (issue 14): a commit that changes one object of a unit
 * writes that one object, and re-syncing an unchanged unit writes nothing. Counted by the API server itself.
 */
@KubernetesCluster
class SendOnlyChangedIT {
    private static final Duration WITHIN = Duration.ofSeconds(90);
    private static final int CONFIG_MAPS = 30;

    @TempDir
    Path temp;

    @Test
    void oneChangedObjectIsOneWriteAndAnUnchangedUnitIsNone(TestNamespace ns, LocalCluster cluster,
                                                           KubernetesClient client) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("charts: [web]\n", "apps: [many]\n"));
        for (int i = 0; i < CONFIG_MAPS; i++) {
            repo.git.write("apps/many/cm-" + i + ".yaml", configMap(i, "one"));
        }
        String first = repo.commit("30 ConfigMaps");

        try (Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            RolloutAgents.awaitSynced(agent, "many/staging", first);
            awaitInSync(agent);
            long writes = ApiRequests.count(client, "APPLY", "configmaps", false);
            long dryRuns = ApiRequests.count(client, "APPLY", "configmaps", true);
            // The agent's own count: the API server's counts every client's LISTs (a controller's relist too).
            double agentLists = agentLists(agent);

            repo.git.write("apps/many/cm-7.yaml", configMap(7, "two"));
            String second = repo.commit("one ConfigMap changes");
            RolloutAgents.awaitSynced(agent, "many/staging", second);
            awaitInSync(agent);

            assertThat(client.configMaps().inNamespace(ns.name()).withName("cm-7").get().getData())
                    .containsEntry("value", "two");
            assertThat(ApiRequests.count(client, "APPLY", "configmaps", false) - writes).isEqualTo(1);
            // The comparison, the all-or-nothing dry run, and the drift check of the new live object.
            assertThat(ApiRequests.count(client, "APPLY", "configmaps", true) - dryRuns).isBetween(1L, 4L);
            assertThat(RolloutAgents.history(agent, "many/staging")).containsExactly("1 superseded",
                    "2 deployed");
            assertThat(agentLists(agent) - agentLists).as("release records are read once per unit, then kept by the "
                    + "agent's own writes; live objects come from watches").isZero();
        }

        long writes = ApiRequests.count(client, "APPLY", "configmaps", false);
        try (Agent restarted = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            await().atMost(WITHIN).until(() -> restarted.status().units().get("many/staging")
                    instanceof dev.capstan.agent.sync.UnitOutcome.Synced);
            awaitInSync(restarted);
            assertThat(ApiRequests.count(client, "APPLY", "configmaps", false) - writes)
                    .as("an unchanged unit re-synced after a restart writes nothing").isZero();
        }
    }

    private static double agentLists(Agent agent) {
        return agent.metrics().find("capstan_kube_requests_total").tag("verb", "LIST").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private static void awaitInSync(Agent agent) {
        await().atMost(WITHIN).until(() -> agent.status().drift().get("many/staging") != null
                && agent.status().drift().get("many/staging").state() == UnitDrift.State.InSync);
    }

    private static String configMap(int i, String value) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-" + i + "}\ndata: {value: " + value + "}\n";
    }
}
