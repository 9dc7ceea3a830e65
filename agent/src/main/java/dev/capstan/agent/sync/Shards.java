package dev.capstan.agent.sync;

import dev.capstan.agent.config.AgentConfig.ShardKey;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which shard a unit is on (by its chart, so a chart's environments stay together, or by the cluster its environment
 * deploys to) and which shards this replica holds the Lease of now. Without HA there is one shard and it is this
 * agent's; with HA a replica works only on the units of the shards it holds. Units are named by their id,
 * {@code chart/env}.
 */
public final class Shards {
    private final int count;
    private final ShardKey by;
    private final Set<Integer> held = ConcurrentHashMap.newKeySet();
    private final Map<Integer, String> holders = new ConcurrentHashMap<>();
    /** Per shard whose Lease this replica campaigns for: whether it renewed it recently enough to write. */
    private final Map<Integer, java.util.function.BooleanSupplier> fresh = new ConcurrentHashMap<>();
    /** Each environment's cluster, from the last planned capstan.yaml (sharding by cluster). */
    private volatile Map<String, String> clusterOfEnv = Map.of();

    private Shards(int count, ShardKey by) {
        this.count = count;
        this.by = by;
    }

    /** One agent, no Lease: every unit is its own. */
    public static Shards single() {
        Shards shards = new Shards(1, ShardKey.CHART);
        shards.held.add(0);
        return shards;
    }

    /** Replicas sharing {@code count} shards by Leases: nothing is this replica's until it holds a Lease. */
    public static Shards leased(int count) {
        return leased(count, ShardKey.CHART);
    }

    public static Shards leased(int count, ShardKey by) {
        return new Shards(count, by);
    }

    public int count() {
        return count;
    }

    public ShardKey by() {
        return by;
    }

    /** A stable spread of keys (chart or cluster names) over the shards (FNV-1a of the key's UTF-8 bytes). */
    public static int shardOf(String key, int count) {
        int hash = 0x811c9dc5;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x01000193;
        }
        return Math.floorMod(hash, count);
    }

    /** The environments' clusters of the commit last planned: where units sharded by cluster belong. */
    public void environments(Map<String, String> clusterOfEnvironment) {
        clusterOfEnv = Map.copyOf(clusterOfEnvironment);
    }

    /**
     * The shard of unit {@code chart/env}. By cluster, an environment no longer in capstan.yaml (a removed unit's)
     * is keyed by its name, the same on every replica, so exactly one replica cleans it up.
     */
    public int shardOfUnit(String unitId) {
        int slash = unitId.indexOf('/');
        String chart = slash < 0 ? unitId : unitId.substring(0, slash);
        if (by == ShardKey.CHART) {
            return shardOf(chart, count);
        }
        String env = slash < 0 ? "" : unitId.substring(slash + 1);
        String cluster = clusterOfEnv.get(env);
        return shardOf(cluster == null ? "environment " + env : cluster, count);
    }

    /** Whether this replica works on unit {@code chart/env} now. */
    public boolean owns(String unitId) {
        return held.contains(shardOfUnit(unitId));
    }

    /** How to tell whether this replica's hold on {@code shard}'s Lease is fresh enough to write. */
    public void freshness(int shard, java.util.function.BooleanSupplier renewedInTime) {
        fresh.put(shard, renewedInTime);
    }

    /**
     * Whether this replica may write for unit {@code chart/env} now: it holds the unit's shard and renewed its Lease
     * within the renew deadline. For a write of no unit ({@code unitId} empty): it holds shards, all of them fresh.
     */
    public boolean mayWrite(String unitId) {
        if (unitId.isEmpty()) {
            return !held.isEmpty() && held.stream().allMatch(this::renewedInTime);
        }
        int shard = shardOfUnit(unitId);
        return held.contains(shard) && renewedInTime(shard);
    }

    private boolean renewedInTime(int shard) {
        java.util.function.BooleanSupplier renewed = fresh.get(shard);
        return renewed == null || renewed.getAsBoolean();
    }

    public void took(int shard) {
        held.add(shard);
    }

    public void lost(int shard) {
        held.remove(shard);
    }

    /** The identity that holds {@code shard}'s Lease, as its elector last saw it. */
    public void holder(int shard, String identity) {
        holders.put(shard, identity);
    }

    /** Who holds the shard of unit {@code chart/env}, if known. */
    public Optional<String> holderOfUnit(String unitId) {
        return Optional.ofNullable(holders.get(shardOfUnit(unitId))).filter(h -> !h.isEmpty());
    }

    public SortedSet<Integer> held() {
        return new TreeSet<>(held);
    }
}
