package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(Shards.shardOf("web", 3)).isEqualTo(Shards.shardOf("web", 3));
        assertThat(IntStream.range(0, 5).mapToObj(i -> "app-" + i).collect(Collectors.toMap(Function.identity(),
                chart -> Shards.shardOf(chart, 1)))).allSatisfy((chart, shard) -> assertThat(shard).isZero());
    }

    @Test
    void aReplicaWorksOnTheChartsOfTheShardsItHoldsAndKnowsWhoHoldsTheOthers() {
        Shards shards = Shards.leased(3);
        String chart = IntStream.range(0, 100).mapToObj(i -> "c" + i).filter(c -> Shards.shardOf(c, 3) == 1)
                .findFirst().orElseThrow();
        assertThat(shards.mine(chart)).isFalse();

        shards.took(1);
        shards.holder(1, "capstan-1");
        assertThat(shards.mine(chart)).isTrue();
        assertThat(shards.holderOf(chart)).contains("capstan-1");
        assertThat(shards.held()).containsExactly(1);

        shards.lost(1);
        assertThat(shards.mine(chart)).isFalse();
        assertThat(Shards.single().mine(chart)).isTrue();
    }
}
