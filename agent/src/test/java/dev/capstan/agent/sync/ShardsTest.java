package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.config.AgentConfig;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardsTest {
    @Test
    void chartsSpreadStablyAndEvenlyEnoughOverTheShards() {
        Map<Integer, Long> perShard = IntStream.range(0, 3000).mapToObj(i -> "app-" + i)
                .collect(Collectors.groupingBy(chart -> Shards.shardOf(chart, 3), Collectors.counting()));

        assertThat(perShard).containsOnlyKeys(0, 1, 2);
        assertThat(perShard.values()).allSatisfy(count -> assertThat(count).isBetween(850L, 1150L));
        // The spread is part of the contract between replicas of different versions: it must not change.
        assertThat(Map.of("web", Shards.shardOf("web", 3), "checkout-api", Shards.shardOf("checkout-api", 3),
                "orders", Shards.shardOf("orders", 3))).isEqualTo(Map.of("web", 1, "checkout-api", 0, "orders", 2));
        assertThat(IntStream.range(0, 5).mapToObj(i -> "app-" + i).collect(Collectors.toMap(Function.identity(),
                chart -> Shards.shardOf(chart, 1)))).allSatisfy((chart, shard) -> assertThat(shard).isZero());
    }

    @Test
    void aReplicaWorksOnTheChartsOfTheShardsItHoldsAndKnowsWhoHoldsTheOthers() {
        Shards shards = Shards.leased(3);
        String chart = IntStream.range(0, 100).mapToObj(i -> "c" + i).filter(c -> Shards.shardOf(c, 3) == 1)
                .findFirst().orElseThrow();
        assertThat(shards.owns(chart + "/staging")).isFalse();

        shards.took(1);
        shards.holder(1, "capstan-1");
        assertThat(shards.owns(chart + "/staging")).isTrue();
        assertThat(shards.holderOfUnit(chart + "/staging")).contains("capstan-1");
        assertThat(shards.held()).containsExactly(1);

        shards.lost(1);
        assertThat(shards.owns(chart + "/staging")).isFalse();
        assertThat(Shards.single().owns(chart + "/staging")).isTrue();
    }

    @Test
    void byClusterAnEnvironmentsUnitsGoWhereItsClusterGoes() {
        Shards shards = Shards.leased(3, AgentConfig.ShardKey.CLUSTER);
        shards.environments(Map.of("staging", "eu", "production", "us", "qa", "eu"));

        assertThat(shards.shardOfUnit("web/staging")).isEqualTo(Shards.shardOf("eu", 3))
                .isEqualTo(shards.shardOfUnit("orders/staging")).isEqualTo(shards.shardOfUnit("web/qa"));
        assertThat(shards.shardOfUnit("web/production")).isEqualTo(Shards.shardOf("us", 3))
                .isNotEqualTo(shards.shardOfUnit("web/staging"));
        // An environment gone from capstan.yaml (a removed unit's) is keyed by its name, alike on every replica.
        assertThat(shards.shardOfUnit("web/legacy")).isEqualTo(Shards.shardOf("environment legacy", 3));

        shards.took(Shards.shardOf("eu", 3));
        assertThat(shards.owns("web/staging")).isTrue();
        assertThat(shards.owns("web/production")).isFalse();
    }

    @Test
    void aReplicaWritesForAUnitOnlyWhileItHoldsItsShardFreshlyRenewed() {
        Shards shards = Shards.leased(2);
        java.util.concurrent.atomic.AtomicBoolean renewedInTime = new java.util.concurrent.atomic.AtomicBoolean(true);
        shards.freshness(0, renewedInTime::get);
        String onZero = IntStream.range(0, 100).mapToObj(i -> "c" + i + "/staging")
                .filter(u -> shards.shardOfUnit(u) == 0).findFirst().orElseThrow();
        String onOne = IntStream.range(0, 100).mapToObj(i -> "c" + i + "/staging")
                .filter(u -> shards.shardOfUnit(u) == 1).findFirst().orElseThrow();

        assertThat(shards.mayWrite(onZero)).as("a standby writes nothing").isFalse();
        assertThat(shards.mayWrite("")).isFalse();
        shards.took(0);
        assertThat(shards.mayWrite(onZero)).isTrue();
        assertThat(shards.mayWrite(onOne)).as("another shard's unit").isFalse();
        assertThat(shards.mayWrite("")).isTrue();

        renewedInTime.set(false);
        assertThat(shards.mayWrite(onZero)).as("held, but not renewed within the deadline (paused)").isFalse();
        assertThat(shards.mayWrite("")).isFalse();
        assertThat(Shards.single().mayWrite(onOne)).as("one agent, no Lease").isTrue();
    }
}
