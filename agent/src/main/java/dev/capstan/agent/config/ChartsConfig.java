package dev.capstan.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where charts named by repository and version come from: the cache of fetched archives ({@code cacheDir}, the
 * agent's cache directory's {@code charts/} unless set: give it a volume and it survives a restart), which repository
 * URLs a repository in git may name ({@code allowedRepositories}, URL prefixes; any {@code https://} and
 * {@code oci://} by default), the logins per host, and how big an archive may be.
 */
public record ChartsConfig(Optional<Path> cacheDir, List<String> allowedRepositories, List<Login> logins,
                           long maxArchiveBytes) {
    public static final List<String> DEFAULT_ALLOWED = List.of("https://", "oci://");
    public static final long DEFAULT_MAX_ARCHIVE_BYTES = 16L * 1024 * 1024;

    public ChartsConfig {
        allowedRepositories = List.copyOf(allowedRepositories);
        logins = List.copyOf(logins);
    }

    public static ChartsConfig defaults() {
        return new ChartsConfig(Optional.empty(), DEFAULT_ALLOWED, List.of(), DEFAULT_MAX_ARCHIVE_BYTES);
    }

    /**
     * What Capstan presents to one host ({@code registry.example.com} or {@code host:port}): a username and password
     * (basic auth, or the login an OCI registry's token service takes), or a bearer token; and the CA that signs the
     * host's certificate when it is not a public one. Secrets are referenced (file or environment), never inline.
     */
    public record Login(String host, Optional<String> username, Optional<SecretRef> password,
                        Optional<SecretRef> token, Optional<Path> caFile) {
    }

    public ChartsConfig withCacheDir(Path dir) {
        return new ChartsConfig(Optional.of(dir), allowedRepositories, logins, maxArchiveBytes);
    }
}
