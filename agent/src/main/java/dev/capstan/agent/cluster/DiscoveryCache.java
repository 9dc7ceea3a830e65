package dev.capstan.agent.cluster;

import dev.capstan.agent.model.Capabilities;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The cluster's capabilities, discovered once and refreshed when they change: at most every {@code checkEvery}, one
 * request lists the API groups; only if that list differs (a CRD installed, an upgrade) is the full discovery run
 * again. If the check fails, the last capabilities are kept. Blocking.
 */
public final class DiscoveryCache implements Supplier<Capabilities> {
    private final KubernetesClient client;
    private final Duration checkEvery;
    private final Clock clock;
    private Capabilities current;
    private String groups = "";
    private Instant checked = Instant.EPOCH;

    public DiscoveryCache(KubernetesClient client, Duration checkEvery, Clock clock) {
        this.client = client;
        this.checkEvery = checkEvery;
        this.clock = clock;
    }

    @Override
    public synchronized Capabilities get() {
        Instant now = clock.instant();
        if (current != null && now.isBefore(checked.plus(checkEvery))) {
            return current;
        }
        try {
            String latest = groupVersions();
            if (current == null || !latest.equals(groups)) {
                current = ClusterCapabilities.discover(client);
                groups = latest;
            }
            checked = now;
        } catch (RuntimeException e) {
            if (current == null) {
                throw e;
            }
        }
        return current;
    }

    private String groupVersions() {
        TreeSet<String> versions = new TreeSet<>();
        for (APIGroup group : client.getApiGroups().getGroups()) {
            for (GroupVersionForDiscovery version : group.getVersions()) {
                versions.add(version.getGroupVersion());
            }
        }
        return client.getKubernetesVersion().getGitVersion() + " " + versions;
    }
}
