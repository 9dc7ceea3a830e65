package dev.capstan.agent.config;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Deploy status reported back on the commit in the git host (as Flux's notification-controller does): each
 * environment's outcome for the commit as a commit status with context {@code capstan/<env>}.
 *
 * @param apiUrl     the host's API root (GitHub {@code https://api.github.com}, GitLab {@code .../api/v4}, Gitea
 *                   {@code .../api/v1})
 * @param repository {@code owner/name} (GitHub, Gitea) or the project's path or numeric id (GitLab)
 * @param token      an API token allowed to write commit statuses, read from a file at each delivery
 * @param pageUrl    where a status links to (the agent's page as users reach it), if set
 */
public record CommitStatusConfig(Provider provider, URI apiUrl, String repository, SecretRef token,
                                 Optional<URI> pageUrl) {

    /** The git hosts whose commit status APIs Capstan speaks. */
    public enum Provider {
        GITHUB("https://api.github.com"), GITLAB("https://gitlab.com/api/v4"), GITEA(null);

        private final String defaultApiUrl;

        Provider(String defaultApiUrl) {
            this.defaultApiUrl = defaultApiUrl;
        }

        /** The public host's API root; Gitea has none (always self-hosted). */
        public Optional<URI> defaultApiUrl() {
            return Optional.ofNullable(defaultApiUrl).map(URI::create);
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The repository path from a clone URL: {@code https://github.com/shop/deploy.git} and
     * {@code git@github.com:shop/deploy.git} give {@code shop/deploy}; empty when the URL has no such path.
     */
    public static Optional<String> repositoryOf(String cloneUrl) {
        String path;
        int scheme = cloneUrl.indexOf("://");
        if (scheme > 0) {
            int slash = cloneUrl.indexOf('/', scheme + 3);
            path = slash < 0 ? "" : cloneUrl.substring(slash + 1);
        } else {
            int colon = cloneUrl.indexOf(':');
            path = colon < 0 ? "" : cloneUrl.substring(colon + 1);
        }
        path = path.replaceAll("/+$", "").replaceAll("\\.git$", "");
        return path.contains("/") && !path.startsWith("/") && !path.contains("..") ? Optional.of(path)
                : Optional.empty();
    }
}
