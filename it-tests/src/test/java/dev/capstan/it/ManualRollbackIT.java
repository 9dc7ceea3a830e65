package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manual rollback through the API and the real {@code capstan} CLI: the unit goes back to a stored revision, stays
 * pinned there through new cycles and commits that leave it alone, and follows git again after resume.
 */
@KubernetesCluster
class ManualRollbackIT {
    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRollbackPinsTheUnitUntilResumed(KubernetesClient client, TestNamespace ns, LocalCluster cluster)
            throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns,
                "    rollout: {strategy: rolling, stepTimeout: 30s}");
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {
            String second = repo.image("2", "web 2");
            RolloutAgents.awaitSynced(agent, "web/staging", second);
            String server = "http://127.0.0.1:" + agent.httpPort();

            assertThat(post(server + "/api/releases/web/staging/rollback", "{\"revision\": 99}").statusCode())
                    .isEqualTo(404);
            assertThat(post(server + "/api/releases/web/staging/rollback", "{\"revision\": \"one\"}").statusCode())
                    .isEqualTo(400);
            assertThat(post(server + "/api/releases/nope/staging/rollback", "").statusCode()).isEqualTo(404);
            assertThat(post(server + "/api/releases/web/staging/resume", "").statusCode()).as("nothing to resume")
                    .isEqualTo(409);

            CapstanProcess.Result rollback = CapstanProcess.run("rollback", "web", "staging", "--server", server);
            assertThat(rollback.exit()).as(rollback.err()).isZero();
            assertThat(rollback.out()).contains("back to revision 1");

            await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> assertThat(agent.status().units()
                    .get("web/staging")).isInstanceOfSatisfying(UnitOutcome.Held.class,
                        held -> assertThat(held.hold()).isEqualTo(Release.Hold.PINNED)));
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":1");
            assertThat(RolloutAgents.history(agent, "web/staging"))
                    .containsExactly("1 superseded", "2 rolled-back", "3 deployed");
            assertThat(agent.status().releases().get("web/staging").get(2).rollbackTo()).isEqualTo(1);

            // Pinned: more cycles and a commit that leaves the unit alone change nothing.
            repo.git.write("README.md", "docs\n");
            String docs = repo.commit("docs");
            await().atMost(RolloutIT.ROLLOUT).until(() -> agent.status().units().get("web/staging").commit()
                    .equals(docs));
            assertThat(agent.status().units().get("web/staging")).isInstanceOf(UnitOutcome.Held.class);
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":1");
            assertThat(agent.status().releases().get("web/staging")).hasSize(3);

            CapstanProcess.Result resume = CapstanProcess.run("resume", "web", "staging", "--server", server);
            assertThat(resume.exit()).as(resume.err()).isZero();
            RolloutAgents.awaitSynced(agent, "web/staging", docs);
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":2");
            assertThat(RolloutAgents.history(agent, "web/staging"))
                    .containsExactly("1 superseded", "2 rolled-back", "3 superseded", "4 deployed");

            CapstanProcess.Result again = CapstanProcess.run("resume", "web", "staging", "--server", server);
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("not quarantined or pinned");
        }
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }
}
