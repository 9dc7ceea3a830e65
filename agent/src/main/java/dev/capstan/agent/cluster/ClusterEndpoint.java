package dev.capstan.agent.cluster;

import dev.capstan.agent.model.PlainCause;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Where a cluster client talks to, for the errors people read: the API server's URL, the kubeconfig file (or the
 * pod's service account) and its context and user. {@link #describe} puts that beside the cause in plain words —
 * "connection refused", "TLS: ...", "401 Unauthorized: the API server refused the credentials of user ci" — instead of
 * the client's "An error has occurred.".
 */
public record ClusterEndpoint(String server, String source, Optional<String> context, Optional<String> user) {

    /** The endpoint {@code client} was configured with. */
    public static ClusterEndpoint of(KubernetesClient client) {
        return of(client.getConfiguration());
    }

    public static ClusterEndpoint of(Config config) {
        NamedContext current = config.getCurrentContext();
        Optional<String> context = Optional.ofNullable(current).map(NamedContext::getName);
        Optional<String> user = Optional.ofNullable(current).map(NamedContext::getContext)
                .map(c -> c.getUser()).filter(u -> !u.isBlank());
        String source = config.getFile() != null ? "kubeconfig " + config.getFile()
                : System.getenv("KUBERNETES_SERVICE_HOST") != null ? "in-cluster service account" : "no kubeconfig";
        return new ClusterEndpoint(withoutUserInfo(String.valueOf(config.getMasterUrl())), source, context, user);
    }

    /** "https://10.0.0.1:6443 (kubeconfig /etc/k.yaml, context prod, user ci)". */
    public String where() {
        StringBuilder where = new StringBuilder(server.replaceAll("/+$", "")).append(" (").append(source);
        context.ifPresent(c -> where.append(", context ").append(c));
        user.ifPresent(u -> where.append(", user ").append(u));
        return where.append(')').toString();
    }

    /**
     * Whether {@code failure} came from talking to a cluster (an API server's answer, or no answer): the rooms that
     * catch failures without knowing the client library ask this, then {@link #describe} it.
     */
    public static boolean isClusterFailure(Throwable failure) {
        return failure instanceof KubernetesClientException;
    }

    /** "cluster <where>: <cause in plain words>". */
    public String describe(Throwable failure) {
        return "cluster " + where() + ": " + cause(failure);
    }

    /** The cause in plain words: the HTTP status the API server answered, or why there was no answer. */
    public String cause(Throwable failure) {
        KubernetesClientException answered = answered(failure);
        if (answered == null) {
            return PlainCause.of(failure);
        }
        String said = answered.getStatus() != null && answered.getStatus().getMessage() != null
                ? answered.getStatus().getMessage() : "";
        return switch (answered.getCode()) {
            case 401 -> "401 Unauthorized: the API server refused the credentials"
                    + user.map(u -> " of user " + u).orElse("") + " (expired or revoked token, or wrong certificate)";
            case 403 -> "403 Forbidden: " + (said.isEmpty() ? "the user" + user.map(u -> " " + u).orElse("")
                    + " may not do this (RBAC)" : said);
            case 404 -> "404 Not Found" + (said.isEmpty() ? "" : ": " + said);
            default -> answered.getCode() + (said.isEmpty() ? "" : ": " + said);
        };
    }

    private static KubernetesClientException answered(Throwable failure) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() > 0) {
                return k;
            }
        }
        return null;
    }

    private static String withoutUserInfo(String url) {
        return url.replaceAll("://[^/@\\s]+@", "://***@");
    }
}
