package dev.capstan.agent;

import dev.capstan.agent.api.ShardViews;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.sync.Shards;
import dev.capstan.agent.sync.StatusBoard;
import dev.capstan.agent.sync.SyncEngine;
import dev.capstan.agent.sync.CycleTrigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a replica (HA) does every few seconds about the other replicas' work: publishes the views of the shards it
 * holds, reads the others' views (from an informer: no request), and reads again the release records of only the units
 * whose state changed. Every record is read at start and then every {@link #FULL_READ}, in case a change went unseen.
 * Sharding by cluster, a change may let a unit waiting for its previous environment on another shard go on: a cycle
 * is asked for. Blocking; on a worker.
 */
final class OtherReplicas {
    static final Duration FULL_READ = Duration.ofMinutes(5);

    private final ShardViews views;
    private final SyncEngine engine;
    private final StatusBoard board;
    private final CycleTrigger cycles;
    private final Clock clock;
    private Instant lastFullRead = Instant.MIN;

    OtherReplicas(ShardViews views, SyncEngine engine, StatusBoard board, CycleTrigger cycles, Clock clock) {
        this.views = views;
        this.engine = engine;
        this.board = board;
        this.cycles = cycles;
        this.clock = clock;
    }

    synchronized void follow() {
        Shards shards = board.role().shards();
        views.publish();
        Set<String> changed = views.refresh().stream().filter(unit -> !shards.owns(unit))
                .collect(Collectors.toSet());
        Instant now = clock.instant();
        if (lastFullRead.plus(FULL_READ).isBefore(now)) {
            lastFullRead = now;
            if (!board.leadership().leader()) {
                engine.refreshRecords();
            } else if (shards.count() > 1) {
                engine.refreshOthers(shards::owns);
            }
        } else {
            engine.refreshUnits(views.recordsChanged().stream().filter(unit -> !shards.owns(unit))
                    .collect(Collectors.toSet()));
        }
        if (!changed.isEmpty() && shards.by() == AgentConfig.ShardKey.CLUSTER && !shards.held().isEmpty()) {
            cycles.trigger();
        }
    }
}
