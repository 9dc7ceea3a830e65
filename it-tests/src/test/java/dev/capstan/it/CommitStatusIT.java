package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.CommitStatusConfig;
import dev.capstan.agent.config.SecretRef;
import dev.capstan.agent.observe.CommitStatus;
import dev.capstan.agent.observe.CommitStatusReporter;
import dev.capstan.testcluster.LocalCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Deploy status back on the pushed commit (issue 16): each provider's documented request and authentication, checked
 * by {@link GitHostServer}; the statuses of a real rollout per environment; a git host that hangs never delays one.
 */
@KubernetesCluster
class CommitStatusIT {
    private static final String TOKEN = "status-token-0123456789";
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(CommitStatusConfig.Provider.class)
    void eachProviderGetsItsDocumentedRequestWithItsAuthentication(CommitStatusConfig.Provider provider)
            throws Exception {
        try (GitHostServer host = GitHostServer.start(TOKEN)) {
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            try (CommitStatusReporter reporter = new CommitStatusReporter(config(host, provider, TOKEN), metrics,
                    Duration.ofMillis(10))) {
                reporter.report(status(CommitStatus.State.RUNNING, "web rolling out: canary 50%"));
                reporter.report(status(CommitStatus.State.RUNNING, "web rolling out: canary 50%"));
                reporter.report(status(CommitStatus.State.RUNNING, "web rolling out: full"));
                reporter.report(status(CommitStatus.State.FAILURE, "web rolled back: " + "x".repeat(300)));
                await().atMost(Duration.ofSeconds(30)).until(() -> delivered(metrics, provider) == 3);
            }
            String running = provider == CommitStatusConfig.Provider.GITLAB ? "running" : "pending";
            String failed = provider == CommitStatusConfig.Provider.GITLAB ? "failed" : "failure";
            assertThat(host.refused()).isEmpty();
            // GitLab refuses a second "running" (same state): the agent takes that as already there.
            assertThat(host.posted()).extracting(GitHostServer.Posted::state).containsExactlyElementsOf(
                    provider == CommitStatusConfig.Provider.GITLAB ? List.of(running, failed)
                            : List.of(running, running, failed));
            assertThat(host.posted()).allSatisfy(p -> {
                assertThat(p.provider()).isEqualTo(provider.label());
                assertThat(p.repository()).isEqualTo("shop/deploy");
                assertThat(p.sha()).isEqualTo(SHA);
                assertThat(p.context()).isEqualTo("capstan/staging");
                assertThat(p.targetUrl()).isEqualTo("https://capstan.example.com/");
            });
            assertThat(host.posted().get(host.posted().size() - 1).description()).hasSize(140).endsWith("…");
        }
    }

    @Test
    void aWrongTokenIsRefusedRetriedAndCountedAsFailed() throws Exception {
        try (GitHostServer host = GitHostServer.start(TOKEN)) {
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            try (CommitStatusReporter reporter = new CommitStatusReporter(config(host,
                    CommitStatusConfig.Provider.GITHUB, "not-the-token"), metrics, Duration.ofMillis(10))) {
                reporter.report(status(CommitStatus.State.SUCCESS, "deployed to staging (1 chart)"));
                await().atMost(Duration.ofSeconds(30)).until(() -> metrics.counter("capstan_commit_statuses_total",
                        "provider", "github", "result", "failed").count() == 1);
            }
            assertThat(host.refused()).hasSize(4).allSatisfy(r -> assertThat(r).contains("Authorization"));
            assertThat(host.posted()).isEmpty();
        }
    }

    @Test
    void aRolloutIsReportedOnTheCommitPerEnvironment(TestNamespace ns, LocalCluster cluster) throws Exception {
        try (GitHostServer host = GitHostServer.start(TOKEN)) {
            RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns);
            try (Agent agent = Agent.start(agentConfig(repo, cluster, ns, host))) {
                RolloutAgents.awaitSynced(agent, "web/production", repo.git.remoteHead());
                String good = repo.image("2", "web 2");
                RolloutAgents.awaitSynced(agent, "web/production", good);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(states(host, good, "capstan/staging")).startsWith("pending").endsWith("success");
                    assertThat(states(host, good, "capstan/production")).startsWith("pending").endsWith("success");
                });
                assertThat(host.posted()).filteredOn(p -> p.sha().equals(good)).extracting(
                        GitHostServer.Posted::description).contains("web rolling out: canary 50%",
                        "deployed to staging (1 chart)", "deployed to production (1 chart)");

                String bad = repo.image("crashloop", "web: crash-looping build");
                RolloutAgents.awaitHeld(agent, "web/staging", bad);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(host.posted())
                        .filteredOn(p -> p.sha().equals(bad) && p.context().equals("capstan/staging")).last()
                        .satisfies(p -> {
                            assertThat(p.state()).isEqualTo("failure");
                            assertThat(p.description()).startsWith("web rolled back: ").contains("CrashLoopBackOff");
                        }));
                assertThat(states(host, bad, "capstan/production")).as("production never took the bad commit")
                        .doesNotContain("success", "failure");
            }
            assertThat(host.refused()).isEmpty();
        }
    }

    @Test
    void aGitHostThatHangsNeverDelaysARollout(TestNamespace ns, LocalCluster cluster) throws Exception {
        try (GitHostServer host = GitHostServer.start(TOKEN)) {
            host.hang();
            RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns);
            try (Agent agent = Agent.start(agentConfig(repo, cluster, ns, host))) {
                RolloutAgents.awaitSynced(agent, "web/production", repo.git.remoteHead());
                String next = repo.image("2", "web 2 while the git host hangs");
                RolloutAgents.awaitSynced(agent, "web/production", next);
                assertThat(host.requests()).as("statuses were being sent, and none answered").isPositive();
                assertThat(host.posted()).isEmpty();
            }
        }
    }

    private static List<String> states(GitHostServer host, String sha, String context) {
        return host.posted().stream().filter(p -> p.sha().equals(sha) && p.context().equals(context))
                .map(GitHostServer.Posted::state).toList();
    }

    private static double delivered(SimpleMeterRegistry metrics, CommitStatusConfig.Provider provider) {
        return metrics.counter("capstan_commit_statuses_total", "provider", provider.label(), "result", "delivered")
                .count();
    }

    private static CommitStatus status(CommitStatus.State state, String description) {
        return new CommitStatus(SHA, "capstan/staging", state, description, "https://capstan.example.com/");
    }

    private CommitStatusConfig config(GitHostServer host, CommitStatusConfig.Provider provider, String token)
            throws Exception {
        Path file = Files.writeString(temp.resolve("status-token-" + provider.label()), token + "\n");
        return new CommitStatusConfig(provider, URI.create(host.apiUrl(provider.label())), "shop/deploy",
                new SecretRef.FromFile(file), Optional.of(URI.create("https://capstan.example.com")));
    }

    private AgentConfig agentConfig(RolloutRepo repo, LocalCluster cluster, TestNamespace ns, GitHostServer host)
            throws Exception {
        return Examples.agentConfig(repo.git.url(), Duration.ofMillis(300), temp.resolve("cache"), cluster, ns)
                .withCommitStatus(config(host, CommitStatusConfig.Provider.GITHUB, TOKEN));
    }
}
