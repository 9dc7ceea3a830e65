package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An apply the API server fails for reasons of its own after the dry run passed (here etcd refusing a 2 MB object
 * with a 500, as an exhausted service IP range does) is not a failed health gate (issue 14): retried, then the unit
 * is put back on its last good release and {@code Failed} at APPLY with the server's message — never quarantined —
 * and a later commit deploys as usual.
 */
@KubernetesCluster
class TransientApplyErrorIT {
    private static final Duration WITHIN = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @Test
    void aServerErrorOnApplyFailsTheUnitWithoutQuarantine(TestNamespace ns, LocalCluster cluster,
                                                          KubernetesClient client) {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {
            String deployment = repo.git.read("charts/web/templates/deployment.yaml");
            // About 2 MB in one env value: valid for the dry run, too large for etcd to store.
            repo.git.write("charts/web/templates/deployment.yaml", deployment.replace(
                    "          ports:", "          env:\n            - name: BIG\n              value: \""
                            + "{% for i in range(1, 9999) %}" + "x".repeat(200) + "{% endfor %}\"\n          ports:"));
            String tooBig = repo.commit("an env value etcd will not store");

            await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().units().get("web/staging"))
                    .isInstanceOfSatisfying(UnitOutcome.Failed.class, failed -> {
                        assertThat(failed.commit()).isEqualTo(tooBig);
                        assertThat(failed.stage()).isEqualTo(UnitOutcome.Stage.APPLY);
                        assertThat(failed.message()).contains("apply failed (the API server:",
                                "revision 1 is in place again");
                    }));
            assertThat(agent.status().releases().get("web/staging")).allSatisfy(r ->
                    assertThat(r.hold()).isEqualTo(Release.Hold.NONE));
            // Tried again every cycle under the same revision: no pile of failed records.
            assertThat(RolloutAgents.history(agent, "web/staging")).containsExactly("1 deployed", "2 failed");
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("web").get().getSpec()
                    .getTemplate().getSpec().getContainers().get(0).getEnv()).isNullOrEmpty();
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("web-canary").get()).isNull();
            assertThat(agent.status().incidents()).isEmpty();

            repo.git.write("charts/web/templates/deployment.yaml", deployment);
            repo.git.write("charts/web/values.staging.yaml", "image: {tag: \"2\"}\n");
            String fixed = repo.commit("web 2, without the big value");
            RolloutAgents.awaitSynced(agent, "web/staging", fixed);
            assertThat(RolloutAgents.image(client, ns.name(), "web")).endsWith(":2");
            assertThat(RolloutAgents.history(agent, "web/staging")).containsExactly("1 superseded", "2 failed",
                    "3 deployed");
        }
    }
}
