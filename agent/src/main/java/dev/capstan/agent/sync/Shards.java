package dev.capstan.agent.sync;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which shard a unit is on (by its chart, so a chart's environments stay together) and which shards this replica
 * holds the Lease of now. Without HA there is one shard and it is this agent's; with HA a replica works only on the
 * units of the shards it holds.
 */
public final class Shards {
    private final int count;
    private final Set<Integer> held = ConcurrentHashMap.newKeySet();
    private final Map<Integer, String> holders = new ConcurrentHashMap<>();

    private Shards(int count) {
        this.count = count;
    }

    /** One agent, no Lease: every unit is its own. */
    public static Shards single() {
        Shards shards = new Shards(1);
        shards.held.add(0);
        return shards;
    }

    /** Replicas sharing {@code count} shards by Leases: nothing is this replica's until it holds a Lease. */
    public static Shards leased(int count) {
        return new Shards(count);
    }

    public int count() {
        return count;
    }

    /** A stable spread of chart names over the shards (FNV-1a of the name's UTF-8 bytes). */
    public static int shardOf(String chart, int count) {
        int hash = 0x811c9dc5;
        for (byte b : chart.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x01000193;
        }
        return Math.floorMod(hash, count);
    }

    public int shardOf(String chart) {
        return shardOf(chart, count);
    }

    /** Whether this replica works on {@code chart}'s units now. */
    public boolean mine(String chart) {
        return held.contains(shardOf(chart));
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

    /** Who holds the shard of {@code chart}, if known. */
    public Optional<String> holderOf(String chart) {
        return Optional.ofNullable(holders.get(shardOf(chart))).filter(h -> !h.isEmpty());
    }

    public SortedSet<Integer> held() {
        return new TreeSet<>(held);
    }
}
