package dev.capstan.agent.cluster;

import dev.capstan.agent.config.AgentConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
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

    private static final long NEVER = Long.MIN_VALUE;

    private final LeaderElector elector;
    private final long renewDeadlineNanos;
    /** When the last create or renewal of the Lease by this replica was sent ({@link System#nanoTime}). */
    private volatile long renewedAt = NEVER;
    private CompletableFuture<?> running;

    public Leadership(KubernetesClient client, String namespace, AgentConfig.Ha ha, Runnable onStart,
                      Runnable onStop, Consumer<String> onNewLeader) {
        this(client, namespace, ha, ha.leaseName(), onStart, onStop, onNewLeader);
    }

    /** As above, for the Lease {@code leaseName} (a shard's). */
    public Leadership(KubernetesClient client, String namespace, AgentConfig.Ha ha, String leaseName,
                      Runnable onStart, Runnable onStop, Consumer<String> onNewLeader) {
        Namespaces.ensure(client, namespace);
        this.renewDeadlineNanos = ha.renewDeadline().toNanos();
        this.elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName("capstan")
                .withLock(new StampingLeaseLock(namespace, leaseName, ha.identity()))
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

    /**
     * Whether this replica renewed the Lease recently enough to write: within the renew deadline of when its last
     * successful renewal was sent. A standby may take the Lease only a lease duration after the renewal it saw, and
     * the renew deadline is shorter, so a write that passes this check lands before anyone else can hold the Lease;
     * a process paused past it (stopped, swapped out) finds its Lease stale when it wakes, before it can renew.
     */
    public boolean fresh() {
        long at = renewedAt;
        return at != NEVER && System.nanoTime() - at < renewDeadlineNanos;
    }

    /** The Lease lock, noting when each of this replica's own creates or renewals that succeeded was sent. */
    private final class StampingLeaseLock extends LeaseLock {
        StampingLeaseLock(String namespace, String name, String identity) {
            super(namespace, name, identity);
        }

        @Override
        public synchronized void create(KubernetesClient client, LeaderElectionRecord record) {
            long sent = System.nanoTime();
            super.create(client, record);
            stamp(record, sent);
        }

        @Override
        public synchronized void update(KubernetesClient client, LeaderElectionRecord record) {
            long sent = System.nanoTime();
            super.update(client, record);
            stamp(record, sent);
        }

        private void stamp(LeaderElectionRecord record, long sent) {
            renewedAt = identity().equals(record.getHolderIdentity()) ? sent : NEVER;
        }
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
