package dev.capstan.agent.cluster;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the requests Capstan's client sends to one cluster's API server, by the verb the API server would log
 * ({@code capstan_kube_requests_total{cluster,verb}}): what the agent costs the control plane, apart from every other
 * client's requests (the API server's own {@code apiserver_request_total} cannot tell clients apart).
 */
public final class RequestCounter implements Interceptor {
    private static final Logger LOG = LoggerFactory.getLogger(RequestCounter.class);
    static final List<String> VERBS = List.of("GET", "LIST", "WATCH", "CREATE", "UPDATE", "PATCH", "APPLY", "DELETE",
            "DISCOVERY");

    private final Map<String, Counter> counters;

    public RequestCounter(MeterRegistry metrics, String cluster) {
        this.counters = VERBS.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), verb -> Counter
                .builder("capstan_kube_requests_total").description("Requests sent to the cluster's API server")
                .tag("cluster", cluster).tag("verb", verb).register(metrics)));
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        // The body's content type is kept apart from the headers until the request is sent.
        String contentType = request instanceof StandardHttpRequest standard && standard.getContentType() != null
                ? standard.getContentType() : request.header("Content-Type");
        String verb = verb(request.method(), request.uri().getPath(), request.uri().getRawQuery(), contentType);
        counters.get(verb).increment();
        // Which requests a cycle sends, for whoever tunes it (capstan.log.level=TRACE); only the path, never a body.
        LOG.trace("{} {}", verb, request.uri().getPath());
    }

    /** The API server's name for a request: a GET of a collection is a LIST, a PATCH of apply-patch an APPLY. */
    static String verb(String method, String path, String query, String contentType) {
        List<String> segments = resourcePath(path);
        if (segments.isEmpty()) {
            return "DISCOVERY";
        }
        boolean collection = segments.size() == 1;
        return switch (method) {
            case "GET" -> query != null && query.contains("watch=true") ? "WATCH" : collection ? "LIST" : "GET";
            case "POST" -> "CREATE";
            case "PUT" -> "UPDATE";
            case "PATCH" -> contentType != null && contentType.startsWith("application/apply-patch") ? "APPLY"
                    : "PATCH";
            case "DELETE" -> "DELETE";
            default -> "DISCOVERY";
        };
    }

    /**
     * The part of the path after {@code /api/v1} or {@code /apis/group/version} and after {@code namespaces/x}:
     * {@code [pods]} for a collection, {@code [pods, name, ...]} for an object; empty for discovery.
     */
    private static List<String> resourcePath(String path) {
        List<String> segments = List.of(path.replaceAll("^/+|/+$", "").split("/+"));
        int skip;
        if (segments.size() >= 3 && segments.get(0).equals("api")) {
            skip = 2;
        } else if (segments.size() >= 4 && segments.get(0).equals("apis")) {
            skip = 3;
        } else {
            return List.of();
        }
        List<String> rest = segments.subList(skip, segments.size());
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            return rest.subList(2, rest.size());
        }
        return rest;
    }
}
