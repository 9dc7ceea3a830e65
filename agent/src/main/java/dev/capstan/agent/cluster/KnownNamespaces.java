package dev.capstan.agent.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Namespaces#ensure} once per namespace per {@code ttl}, not once per unit: a thousand units in one namespace
 * cost one GET, not a thousand. A namespace deleted meanwhile makes the dry run fail with "not found" and is
 * forgotten, so the next attempt creates it again.
 */
final class KnownNamespaces {
    private final KubernetesClient client;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();

    KnownNamespaces(KubernetesClient client, Duration ttl, Clock clock) {
        this.client = client;
        this.ttl = ttl;
        this.clock = clock;
    }

    void ensure(String namespace) {
        Instant now = clock.instant();
        Instant since = seen.get(namespace);
        if (since != null && now.isBefore(since.plus(ttl))) {
            return;
        }
        Namespaces.ensure(client, namespace);
        seen.put(namespace, now);
    }

    void forget(String namespace) {
        seen.remove(namespace);
    }
}
