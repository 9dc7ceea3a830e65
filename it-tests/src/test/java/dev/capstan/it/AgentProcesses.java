package dev.capstan.it;

import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.TetheredProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The agent as its own process ({@code java -jar capstan.jar run}), for tests that kill or signal it. */
final class AgentProcesses {
    private AgentProcesses() {
    }

    /** An agent config polling {@code url} every 300 ms, keeping its records in the test's namespace. */
    static Path config(String url, Path temp, LocalCluster cluster, TestNamespace ns) throws IOException {
        return Files.writeString(temp.resolve("agent.yaml"), """
                repo: {url: "%s", branch: main, pollInterval: 300ms}
                cacheDir: "%s"
                cluster: {kubeconfig: "%s"}
                http: {host: 127.0.0.1, port: 0}
                releases: {namespace: %s, unitsMayDeployHere: true}
                """.formatted(url, temp.resolve("cache"), cluster.kubeconfig(), ns.name()));
    }

    /** Starts the packaged agent with {@code config}; its output goes to {@code <temp>/<name>.log}. */
    static TetheredProcess start(String name, Path temp, Path config) throws IOException {
        Path jar = ClusterBinaries.repoRoot().resolve("agent/target/capstan.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        return TetheredProcess.start(name, temp, List.of(java, "-jar", jar.toString(), "run", "--config",
                config.toString()));
    }
}
