package dev.capstan.agent.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Who may call the HTTP API. With {@code tokensFile}, every endpoint but the open ones needs a bearer token of a role
 * (viewer reads, deployer also syncs/rolls back/resumes, admin everything); without it the API is open and the agent
 * warns at startup. Webhooks always need their signature instead.
 *
 * @param openEndpoints which of {@code healthz}, {@code readyz}, {@code metrics} need no token
 * @param tls           PEM certificate and key: the listener speaks HTTPS only
 * @param hostNames     the names the API answers to besides loopback and IP addresses, when it is open (a
 *                      browser tricked into calling it through another name — DNS rebinding — is refused)
 */
public record ApiConfig(Optional<Path> tokensFile, Set<String> openEndpoints, int maxRequestsPerSecond,
                        Optional<Tls> tls, Set<String> hostNames) {
    public static final Set<String> PROBES = Set.of("healthz", "readyz", "metrics");

    public ApiConfig {
        openEndpoints = Set.copyOf(openEndpoints);
        hostNames = Set.copyOf(hostNames);
    }

    public ApiConfig(Optional<Path> tokensFile, Set<String> openEndpoints, int maxRequestsPerSecond,
                     Optional<Tls> tls) {
        this(tokensFile, openEndpoints, maxRequestsPerSecond, tls, Set.of());
    }

    public static ApiConfig open() {
        return new ApiConfig(Optional.empty(), PROBES, 50, Optional.empty());
    }

    public record Tls(Path certFile, Path keyFile) {
    }
}
