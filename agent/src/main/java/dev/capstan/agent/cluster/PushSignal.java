package dev.capstan.agent.cluster;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A webhook reaches one replica (whichever the Service picked), but with HA every replica that holds a shard must
 * fetch the push now, not at its next poll. The replica that accepted the delivery stamps a Lease that no one
 * campaigns for ({@code <leaseName>-push}); every replica watches the Leases of the records namespace already (to
 * know the shards' holders) and fetches when another replica's stamp changes. One write per accepted push, none
 * while idle.
 */
public final class PushSignal {
    private static final Logger LOG = LoggerFactory.getLogger(PushSignal.class);
    static final String PUSHED_AT = "capstan.dev/pushed-at";
    static final String PUSHED_VIA = "capstan.dev/pushed-via";
    private static final String FIELD_MANAGER = "capstan-push-signal";

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String identity;
    private final Clock clock;

    public PushSignal(KubernetesClient client, String namespace, String leaseName, String identity, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.name = nameFor(leaseName);
        this.identity = identity;
        this.clock = clock;
    }

    /** The Lease that carries the stamp, beside the shards' Leases. */
    public static String nameFor(String leaseName) {
        return leaseName + "-push";
    }

    /**
     * Stamps the Lease (one server-side apply, created if missing). Blocking; never on an event loop. A failure is
     * logged and dropped: the other replicas still see the commit at their next poll.
     */
    public void announce() {
        Lease stamp = new LeaseBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .withAnnotations(Map.of(PUSHED_AT, clock.instant().toString(), PUSHED_VIA, identity))
                .endMetadata().build();
        try {
            client.leases().inNamespace(namespace).resource(stamp).fieldManager(FIELD_MANAGER).forceConflicts()
                    .serverSideApply();
        } catch (KubernetesClientException e) {
            LOG.warn("could not tell the other replicas about the push (Lease {}/{}): {}; they fetch at their next "
                    + "poll", namespace, name, e.getMessage());
        }
    }

    /** Whether {@code lease} is this signal stamped by another replica (this replica fetched already). */
    public boolean fromAnother(Lease lease) {
        if (lease == null || lease.getMetadata() == null || !name.equals(lease.getMetadata().getName())) {
            return false;
        }
        Map<String, String> annotations = lease.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(PUSHED_AT)
                && !identity.equals(annotations.get(PUSHED_VIA));
    }
}
