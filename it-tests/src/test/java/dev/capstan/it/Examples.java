package dev.capstan.it;

import dev.capstan.agent.config.AgentConfig;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The examples/ GitOps repository, deployed into a test's own namespaces, and an agent config for it. */
final class Examples {
    private Examples() {
    }

    /** examples/ as a git repo whose staging env uses the test's namespace and production a second one. */
    static LocalGitRepo repo(Path dir, TestNamespace ns) {
        LocalGitRepo repo = LocalGitRepo.fromDirectory(ClusterBinaries.repoRoot().resolve("examples"), dir);
        String production = ns.another("prod");
        repo.write("capstan.yaml", repo.read("capstan.yaml")
                .replace("namespace: staging", "namespace: " + ns.name())
                .replace("namespace: production", "namespace: " + production));
        repo.commitAndPush("use the test's namespaces");
        return repo;
    }

    /** The examples with every environment in {@code drift: report}: drift is shown and left as it is. */
    static LocalGitRepo reportingRepo(Path dir, TestNamespace ns) {
        LocalGitRepo repo = repo(dir, ns);
        repo.write("capstan.yaml", repo.read("capstan.yaml").replace("    rollout:",
                "    drift: report\n    rollout:"));
        repo.commitAndPush("drift: report");
        return repo;
    }

    /**
     * An agent on a free port polling {@code url} every {@code poll}, against the test cluster, keeping its release
     * records in the test's namespace (chart names repeat across tests; so units may deploy there too, which a
     * real install forbids by default: {@code releases.unitsMayDeployHere}). Its checks may reach loopback, where the
     * tests' check servers listen (an operator's {@code checks.allow}); {@code HostileInputIT} uses the default.
     */
    static AgentConfig agentConfig(String url, Duration poll, Path cache, LocalCluster cluster, TestNamespace ns) {
        return new AgentConfig(new AgentConfig.Repo(url, "main", poll), cache,
                new AgentConfig.Cluster(Optional.of(cluster.kubeconfig()), Optional.empty()),
                new AgentConfig.Http("127.0.0.1", 0), dev.capstan.agent.config.WebhookConfig.none(),
                new AgentConfig.Releases(ns.name(), 10, true))
                .withChecks(new AgentConfig.Checks(java.util.List.of("127.0.0.0/8")));
    }
}
