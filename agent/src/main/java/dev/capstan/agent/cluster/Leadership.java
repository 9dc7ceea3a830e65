package dev.capstan.agent.cluster;

import dev.capstan.agent.config.AgentConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election through a Lease (fabric8's {@link LeaderElector}): {@code onStart} runs when this replica becomes
 * the leader, {@code onStop} when it stops being one (it could not renew in time, or it is shutting down). A
 * replica that stopped leading does not campaign again: the agent process exits and comes back as a standby.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private final LeaderElector elector;
    private CompletableFuture<?> running;

    public Leadership(KubernetesClient client, String namespace, AgentConfig.Ha ha, Runnable onStart,
                      Runnable onStop, Consumer<String> onNewLeader) {
        this(client, namespace, ha, ha.leaseName(), onStart, onStop, onNewLeader);
    }

    /** As above, for the Lease {@code leaseName} (a shard's). */
    public Leadership(KubernetesClient client, String namespace, AgentConfig.Ha ha, String leaseName,
                      Runnable onStart, Runnable onStop, Consumer<String> onNewLeader) {
        Namespaces.ensure(client, namespace);
        this.elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName("capstan")
                .withLock(new LeaseLock(namespace, leaseName, ha.identity()))
                .withLeaseDuration(ha.leaseDuration())
                .withRenewDeadline(ha.renewDeadline())
                .withRetryPeriod(ha.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(onStart, onStop, leader -> {
                    LOG.info("{} is now held by {}", leaseName, leader);
                    onNewLeader.accept(leader);
                }))
                .build())
                .build();
    }

    public void start() {
        running = elector.start();
    }

    /** Stops campaigning and, if leading, gives the Lease up at once so a standby need not wait it out. */
    @Override
    public void close() {
        if (running != null) {
            running.cancel(true);
        }
    }
}
