package dev.capstan.agent.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** Reads the agent's config file. An invalid file stops startup with one message naming the field. */
public final class AgentConfigLoader {
    private static final Set<String> SCHEMES = Set.of("file", "http", "https", "ssh");

    private AgentConfigLoader() {
    }

    public static AgentConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    /** Parses config text; relative paths in it resolve against {@code baseDir}. */
    public static AgentConfig parse(String text, String source, Path baseDir) {
        Fields root = Fields.parse(source, text).allowOnly(Set.of("repo", "cacheDir", "cluster", "http"));

        Fields repo = root.optionalObject("repo").orElseThrow(() -> root.error("repo", "required"))
                .allowOnly(Set.of("url", "branch", "pollInterval"));
        String url = repo.requiredString("url");
        checkUrl(repo, url);
        String branch = repo.optionalString("branch").orElse("main");
        if (branch.startsWith("refs/") || branch.contains("..") || branch.contains(" ")) {
            throw repo.error("branch", "expected a branch name like 'main', found '" + branch + "'");
        }
        Duration poll = repo.duration("pollInterval", Duration.ofSeconds(30));

        Path cacheDir = baseDir.resolve(root.optionalString("cacheDir").orElse(".capstan-cache")).normalize();

        Fields cluster = root.optionalObject("cluster").orElse(null);
        AgentConfig.Cluster clusterConfig = cluster == null
                ? new AgentConfig.Cluster(java.util.Optional.empty(), java.util.Optional.empty())
                : new AgentConfig.Cluster(
                        cluster.allowOnly(Set.of("kubeconfig", "context")).optionalString("kubeconfig")
                                .map(p -> baseDir.resolve(p).normalize()),
                        cluster.optionalString("context"));

        AgentConfig.Http http = root.optionalObject("http")
                .map(h -> new AgentConfig.Http(
                        h.allowOnly(Set.of("host", "port")).optionalString("host").orElse("0.0.0.0"),
                        h.integer("port", 8080, 0, 65535)))
                .orElse(new AgentConfig.Http("0.0.0.0", 8080));

        return new AgentConfig(new AgentConfig.Repo(url, branch, poll), cacheDir, clusterConfig, http);
    }

    private static void checkUrl(Fields repo, String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme())) {
                throw repo.error("url", "expected a file://, https://, http:// or ssh:// URL");
            }
            if (uri.getUserInfo() != null && uri.getUserInfo().contains(":")) {
                // Never echo the URL back: it holds a secret.
                throw repo.error("url", "must not contain a password; reference credentials by file");
            }
        } catch (URISyntaxException e) {
            throw repo.error("url", "not a valid URL");
        }
    }
}
