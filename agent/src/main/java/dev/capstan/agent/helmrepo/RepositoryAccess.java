package dev.capstan.agent.helmrepo;

import dev.capstan.agent.config.ChartsConfig;
import dev.capstan.agent.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the agent config allows and presents when fetching charts: which repository URLs git may name, the login per
 * host (read from its file or variable when used, never kept in a message), and the HTTP client per host (a custom
 * CA where the config names one). No ambient configuration is read: no proxy variables, no Helm or Docker config.
 */
public final class RepositoryAccess {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final ChartsConfig config;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    public RepositoryAccess(ChartsConfig config) {
        this.config = config;
    }

    public long maxArchiveBytes() {
        return config.maxArchiveBytes();
    }

    /** Refuses a repository URL the agent config does not allow; the message says which setting decides. */
    public void checkAllowed(String repository) {
        String scheme = repository.contains("://") ? repository.substring(0, repository.indexOf("://")) : "";
        if (!List.of("https", "http", "oci").contains(scheme)) {
            throw new ChartFetchException("repository " + shown(repository) + ": only https://, http:// and oci:// "
                    + "repositories can be fetched (a local or aliased repository's chart must be vendored in "
                    + "charts/)");
        }
        boolean allowed = config.allowedRepositories().stream().anyMatch(repository::startsWith);
        if (!allowed) {
            throw new ChartFetchException("repository " + shown(repository) + " is not allowed by the agent config "
                    + "(charts.allowedRepositories: " + config.allowedRepositories() + ")");
        }
    }

    /** The value of an {@code Authorization} header for {@code uri}'s host, if the config gives it a login. */
    Optional<String> authorization(URI uri) {
        return login(uri).flatMap(login -> {
            if (login.token().isPresent()) {
                return Optional.of("Bearer " + login.token().get().read().value());
            }
            return basic(login);
        });
    }

    /** {@code Basic ...} for {@code uri}'s host, if its login has a username and password (a token service's login). */
    Optional<String> basicAuthorization(URI uri) {
        return login(uri).flatMap(RepositoryAccess::basic);
    }

    private static Optional<String> basic(ChartsConfig.Login login) {
        if (login.username().isEmpty() || login.password().isEmpty()) {
            return Optional.empty();
        }
        String pair = login.username().get() + ":" + login.password().get().read().value();
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
    }

    HttpClient client(URI uri) {
        Optional<ChartsConfig.Login> login = login(uri).filter(l -> l.caFile().isPresent());
        String key = login.map(l -> l.caFile().get().toString()).orElse("");
        return clients.computeIfAbsent(key, k -> {
            HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER).proxy(HttpClient.Builder.NO_PROXY);
            login.ifPresent(l -> builder.sslContext(trusting(l.caFile().get())));
            return builder.build();
        });
    }

    Optional<ChartsConfig.Login> login(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(java.util.Locale.ROOT);
        int port = uri.getPort();
        return config.logins().stream().filter(l -> matches(l.host(), host, port)).findFirst();
    }

    private static boolean matches(String configured, String host, int port) {
        String wanted = configured.toLowerCase(java.util.Locale.ROOT);
        int colon = wanted.lastIndexOf(':');
        if (colon > 0 && !wanted.endsWith("]")) {
            return wanted.substring(0, colon).equals(host)
                    && wanted.substring(colon + 1).equals(Integer.toString(port));
        }
        return wanted.equals(host);
    }

    /** The JDK's trusted CAs plus the one in {@code caFile} (PEM). */
    private static SSLContext trusting(java.nio.file.Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            for (javax.net.ssl.TrustManager manager : defaults.getTrustManagers()) {
                if (manager instanceof javax.net.ssl.X509TrustManager x509) {
                    for (java.security.cert.X509Certificate ca : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("default-" + i++, ca);
                    }
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("charts.repositories: CA file " + caFile + " cannot be read as PEM "
                    + "certificates");
        }
    }

    /** A URL as messages may show it: no user info, query or fragment. */
    public static String shown(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null) {
                return url.replaceAll("[?#].*", "");
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + (uri.getRawPath() == null ? "" : uri.getRawPath());
        } catch (IllegalArgumentException e) {
            return url.replaceAll("//[^/@]*@", "//").replaceAll("[?#].*", "");
        }
    }
}
