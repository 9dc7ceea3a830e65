package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.AlertConfig;
import dev.capstan.agent.config.ApiConfig;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page is where people act (issue 16), used through the real agent in headless Chromium: a viewer sees the
 * history, the hold and the incident with its timeline and post-mortem draft but no buttons; a deployer rolls the
 * unit back by clicking, confirms, and the agent does it. Text from git stays text. A screenshot per view goes to
 * {@code it-tests/target/screenshots/}.
 */
@KubernetesCluster
class WebPageIT {
    private static final String VIEWER = "page-viewer-token-0123";
    private static final String DEPLOYER = "page-deployer-token-0123";
    private static final Path SHOTS = ClusterBinaries.repoRoot().resolve("it-tests/target/screenshots");

    @TempDir
    Path temp;

    @Test
    void aViewerSeesHistoryAndIncidentsAndADeployerRollsBackByClicking(TestNamespace ns, LocalCluster cluster,
                                                                       KubernetesClient client) throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = Agent.start(config(repo, cluster, ns))) {
            RolloutAgents.awaitSynced(agent, "web/staging", repo.git.remoteHead());
            RolloutAgents.awaitSynced(agent, "web/staging", repo.image("2", "web 2"));
            String bad = repo.image("crashloop", "web: <img src=x onerror=\"window.pwned=1\"> crash-looping build");
            RolloutAgents.awaitHeld(agent, "web/staging", bad);
            await().atMost(RolloutIT.ROLLOUT).until(() -> !agent.status().incidents().isEmpty());
            String base = "http://127.0.0.1:" + agent.httpPort();

            try (HeadlessChromium page = HeadlessChromium.start(temp.resolve("chromium"))) {
                signIn(page, base, VIEWER);
                page.open(base + "/");
                page.waitFor("document.body.dataset.loaded === 'true'");
                assertThat(page.text("#units tbody")).contains("web/staging", "Quarantined");
                shoot(page, "units.png");

                page.open(base + "/#web/staging");
                page.waitFor("document.querySelectorAll('#history tbody tr').length === 3");
                assertThat(page.text("#who")).isEqualTo("token dashboard: viewer");
                assertThat(page.text("#hold")).startsWith("Quarantined at revision");
                assertThat(page.evaluate("document.querySelectorAll('button.rollback, #resume').length"))
                        .as("a viewer is offered no action").isEqualTo(0);
                assertThat(page.text("#history tbody")).contains("superseded", "failed", "web 2 — Test Author",
                        "capstan (following git)");
                shoot(page, "unit-viewer.png");

                page.click("tr.incident");
                page.waitFor("document.getElementById('postmortem').textContent.startsWith('# Incident')");
                assertThat(page.text("#incident-commit")).contains("<img src=x onerror=\"window.pwned=1\">");
                assertThat(page.evaluate("document.querySelectorAll('#incident img').length")).isEqualTo(0);
                assertThat(page.evaluate("window.pwned === undefined")).isEqualTo(true);
                assertThat(page.text("#timeline tbody")).contains("failure detected", "rollback applied");
                shoot(page, "incident.png");

                signIn(page, base, DEPLOYER);
                page.open(base + "/#web/staging");
                page.waitFor("document.querySelectorAll('button.rollback').length > 0");
                assertThat(page.text("#who")).isEqualTo("token ci: deployer");
                assertThat(page.evaluate("document.getElementById('resume') !== null")).isEqualTo(true);
                shoot(page, "unit-deployer.png");

                page.click("tr[data-revision='1'] button.rollback");
                page.waitFor("!document.getElementById('confirm').hidden");
                assertThat(page.text("#confirm")).contains("Roll web/staging back to revision 1");
                assertThat(agent.status().unit("web/staging")).as("nothing happens before the confirmation")
                        .isInstanceOf(UnitOutcome.Held.class)
                        .extracting(u -> ((UnitOutcome.Held) u).hold()).isEqualTo(Release.Hold.QUARANTINED);
                shoot(page, "confirm.png");
                page.click("#confirm-yes");

                await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> assertThat(agent.status().unit("web/staging"))
                        .isInstanceOfSatisfying(UnitOutcome.Held.class, held ->
                                assertThat(held.hold()).isEqualTo(Release.Hold.PINNED)));
                assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":1");
                page.waitFor("document.getElementById('hold').textContent.startsWith('Pinned')");
                assertThat(page.text("#notice")).contains("rolling web/staging back to revision 1");
                page.waitFor("document.querySelector(\"#history tbody tr[data-revision='4']\") !== null");
                assertThat(page.text("#history tbody tr[data-revision='4']")).contains("token ci", "pinned",
                        "re-applied revision 1");
                shoot(page, "rolled-back.png");
            }
        }
    }

    /** Keeps the token for the tab as the page's prompt would, from a page of the same origin that has no data. */
    private static void signIn(HeadlessChromium page, String base, String token) throws Exception {
        page.open(base + "/healthz");
        page.waitFor("location.pathname === '/healthz' && document.readyState === 'complete'");
        page.evaluate("sessionStorage.setItem('capstan-token', '" + token + "'), true");
    }

    private static void shoot(HeadlessChromium page, String name) throws Exception {
        Path file = SHOTS.resolve(name);
        page.screenshot(file);
        HeadlessChromium.requireNonEmpty(file);
    }

    private AgentConfig config(RolloutRepo repo, LocalCluster cluster, TestNamespace ns) throws Exception {
        Path tokens = Files.writeString(temp.resolve("tokens.yaml"), """
                - {name: dashboard, role: viewer, token: "%s"}
                - {name: ci, role: deployer, token: "%s"}
                """.formatted(VIEWER, DEPLOYER));
        AgentConfig base = Examples.agentConfig(repo.git.url(), Duration.ofMillis(300), temp.resolve("cache"),
                cluster, ns);
        return new AgentConfig(base.repo(), base.cacheDir(), base.cluster(), base.http(), base.webhooks(),
                base.releases(), AlertConfig.none(), AgentConfig.Tracing.off(),
                new ApiConfig(Optional.of(tokens), ApiConfig.PROBES, 1000, Optional.empty()));
    }
}
