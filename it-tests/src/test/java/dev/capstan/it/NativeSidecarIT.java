package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.Agent;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native sidecars (an init container with {@code restartPolicy: Always}, Kubernetes 1.29+): one that runs beside the
 * app holds no gate; one that crash-loops keeps its pods initializing, fails the canary's gate with the sidecar named,
 * and the unit rolls back like any other failed gate.
 */
@KubernetesCluster
class NativeSidecarIT {
    @TempDir
    Path temp;

    @Test
    void aRunningSidecarPassesTheGateAndACrashLoopingOneFailsItWithItsName(KubernetesClient client, TestNamespace ns,
                                                                           LocalCluster cluster) {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        String deployment = repo.git.read("charts/web/templates/deployment.yaml");
        repo.git.write("charts/web/templates/deployment.yaml", deployment.replace("""
                    spec:
                      containers:
                """, """
                    spec:
                      initContainers:
                        - name: log-shipper
                          image: "registry.example.com/log-shipper:{{ values.sidecarTag }}"
                          restartPolicy: Always
                      containers:
                """));
        repo.git.write("charts/web/values.yaml", repo.git.read("charts/web/values.yaml") + "sidecarTag: \"1\"\n");
        String withSidecar = repo.commit("web: a log-shipping sidecar");

        try (Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            RolloutAgents.awaitSynced(agent, "web/staging", withSidecar);
            assertThat(client.pods().inNamespace(repo.staging).withLabel("app.kubernetes.io/name", "web").list()
                    .getItems()).isNotEmpty().allSatisfy(pod -> assertThat(pod.getStatus().getInitContainerStatuses())
                            .singleElement().satisfies(sidecar -> assertThat(sidecar.getState().getRunning())
                                    .as("the sidecar runs on; it never completes").isNotNull()));

            repo.git.write("charts/web/values.yaml", repo.git.read("charts/web/values.yaml")
                    .replace("sidecarTag: \"1\"", "sidecarTag: crashloop"));
            String broken = repo.commit("web: a sidecar that crash-loops");
            UnitOutcome.Held held = RolloutAgents.awaitHeld(agent, "web/staging", broken);

            assertThat(held.message()).contains("container log-shipper CrashLoopBackOff");
            assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web-canary").get())
                    .as("the canary removed").isNull();
            assertThat(RolloutAgents.history(agent, "web/staging")).containsExactly("1 deployed", "2 failed");
        }
    }
}
