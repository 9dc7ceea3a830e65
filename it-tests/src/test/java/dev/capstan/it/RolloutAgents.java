package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Starting an agent on the rollout fixture and waiting for where a unit ends up. */
final class RolloutAgents {
    private RolloutAgents() {
    }

    static Agent start(String url, Path temp, LocalCluster cluster, TestNamespace ns) {
        return Agent.start(Examples.agentConfig(url, Duration.ofMillis(300), temp.resolve("cache"), cluster, ns));
    }

    /** An agent on {@code repo} whose staging unit is synced at the current head. */
    static Agent startSynced(RolloutRepo repo, Path temp, LocalCluster cluster, TestNamespace ns) {
        Agent agent = start(repo.git.url(), temp, cluster, ns);
        awaitSynced(agent, "web/staging", repo.git.remoteHead());
        return agent;
    }

    static void awaitSynced(Agent agent, String unit, String commit) {
        await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> assertThat(agent.status().units().get(unit))
                .isInstanceOfSatisfying(UnitOutcome.Synced.class, s -> assertThat(s.commit()).isEqualTo(commit)));
    }

    static UnitOutcome.Held awaitHeld(Agent agent, String unit, String commit) {
        AtomicReference<UnitOutcome.Held> held = new AtomicReference<>();
        await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> assertThat(agent.status().units().get(unit))
                .isInstanceOfSatisfying(UnitOutcome.Held.class, h -> {
                    assertThat(h.commit()).isEqualTo(commit);
                    held.set(h);
                }));
        return held.get();
    }

    /** "revision status" of each release of the unit, oldest first. */
    static List<String> history(Agent agent, String unit) {
        return agent.status().releases().get(unit).stream().map(r -> r.revision() + " " + r.status().label())
                .toList();
    }

    static String image(KubernetesClient client, String namespace, String deployment) {
        return client.apps().deployments().inNamespace(namespace).withName(deployment).get().getSpec()
                .getTemplate().getSpec().getContainers().get(0).getImage();
    }
}
