package dev.capstan.agent;

import dev.capstan.agent.api.ShardViews;
import dev.capstan.agent.cluster.Leadership;
import dev.capstan.agent.cluster.OwnCluster;
import dev.capstan.agent.cluster.PushSignal;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.sync.AgentRole;
import dev.capstan.agent.sync.CycleTrigger;
import dev.capstan.agent.sync.Shards;
import dev.capstan.agent.sync.StatusBoard;
import dev.capstan.agent.sync.SyncEngine;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With high availability: campaigns for the Lease of each shard (one shard, one Lease, without sharding). A replica
 * works on the units of the shards it holds, and follows the others' work from their published views and the records
 * of the units whose state changed ({@link OtherReplicas}), so its reads stay current. It campaigns for its own
 * shard at once and for the others after two lease durations, so that each replica of a starting set takes its own
 * and a dead replica's shard is taken over.
 */
final class HaCampaign {
    private static final Logger LOG = LoggerFactory.getLogger(HaCampaign.class);
    private static final long STANDBY_REFRESH_MS = 3_000;

    /** What the campaign drives on this replica. */
    record Replica(StatusBoard board, SyncEngine engine, CycleTrigger cycles, ReleaseStore store, ShardViews views) {
    }

    /** How a push one replica received reaches the others: the stamp, and what a push does here. */
    record Pushes(PushSignal signal, Runnable pushed) {
    }

    private HaCampaign() {
    }

    /**
     * Starts campaigning; closing what it returns gives the Leases up and stops watching them.
     *
     * @param onLostLeadership runs when a held shard is lost while not shutting down ({@code capstan run} exits)
     */
    static AutoCloseable start(AgentConfig.Ha ha, OwnCluster cluster, Vertx vertx, Replica replica, Pushes pushes,
                               AtomicBoolean closing, Runnable onLostLeadership) {
        StatusBoard board = replica.board();
        CycleTrigger cycles = replica.cycles();
        SyncEngine engine = replica.engine();
        String me = ha.identity();
        AgentConfig.Sharding sharding = ha.sharding();
        Shards shards = Shards.leased(sharding.count(), sharding.by());
        board.role().shards(shards);
        board.role().leadership(new AgentRole.Leadership(true, me, false, ""));
        // On Vert.x's worker pool, not the cycles' one thread: a sharded replica's cycles must not wait for it.
        OtherReplicas others = new OtherReplicas(replica.views(), engine, board, cycles, Clock.systemUTC());
        Runnable refresh = () -> vertx.executeBlocking(() -> {
            others.follow();
            return null;
        }, false);
        refresh.run();
        vertx.setPeriodic(STANDBY_REFRESH_MS, id -> refresh.run());
        List<Leadership> leases = new ArrayList<>();
        for (int shard = 0; shard < sharding.count(); shard++) {
            int mine = shard;
            Leadership lease = cluster.leadership(ha, ha.leaseOf(shard),
                    () -> {
                        LOG.info("{} leads (holds {}): reconciling its units", me, ha.leaseOf(mine));
                        // What this replica read of the shard's units may predate the last writes of the replica
                        // it replaces.
                        replica.store().invalidate(unit -> shards.shardOfUnit(unit) == mine);
                        shards.took(mine);
                        board.role().leadership(new AgentRole.Leadership(true, me, true, me));
                        cycles.start();
                    },
                    () -> {
                        shards.lost(mine);
                        if (!closing.get()) {
                            // Another replica may hold it now: nothing of this replica may write any more.
                            board.role().leadership(new AgentRole.Leadership(true, me, false, ""));
                            LOG.error("{} lost {}: stopping reconciliation", me, ha.leaseOf(mine));
                            cycles.stop(Duration.ofSeconds(5));
                            engine.stop(Duration.ofSeconds(5));
                            onLostLeadership.run();
                        }
                    },
                    holder -> {
                        shards.holder(mine, holder);
                        if (mine == sharding.preferred()) {
                            board.role().leadership(new AgentRole.Leadership(true, me, !shards.held().isEmpty(),
                                    holder));
                        }
                    });
            shards.freshness(mine, lease::fresh);
            leases.add(lease);
            if (shard == sharding.preferred()) {
                lease.start();
            } else {
                // Twice the lease: replicas starting together (a StatefulSet's) each take their own first.
                vertx.setTimer(2 * ha.leaseDuration().toMillis(), id -> {
                    if (!closing.get()) {
                        lease.start();
                    }
                });
            }
        }
        AutoCloseable watch = cluster.watchLeases((lease, holder) -> {
            for (int shard = 0; shard < shards.count(); shard++) {
                if (ha.leaseOf(shard).equals(lease)) {
                    shards.holder(shard, holder);
                }
            }
        }, pushes.signal(), pushes.pushed());
        return () -> {
            leases.forEach(Leadership::close);
            watch.close();
        };
    }
}
