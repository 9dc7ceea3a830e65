package dev.capstan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.drift.FieldChange;
import dev.capstan.agent.drift.ObjectVerdict;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.rollout.MemoryRecords;
import dev.capstan.agent.sync.AgentRole;
import dev.capstan.agent.sync.BoardWriter;
import dev.capstan.agent.sync.Shards;
import dev.capstan.agent.sync.StatusBoard;
import dev.capstan.agent.sync.UnitOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardViewsTest {
    private static final Instant T0 = Instant.parse("2026-12-03T18:00:00Z");
    private final MemoryRecords records = new MemoryRecords();

    @Test
    void aReplicaServesTheOtherShardsUnitsAsTheirHolderPublishedThem() {
        String mine = chartOn(0);
        String theirs = chartOn(1);
        StatusBoard first = replica(0);
        BoardWriter.unit(first, synced(mine + "/staging", T0));
        BoardWriter.unit(first, synced(theirs + "/staging", T0));
        BoardWriter.drift(first, modified(mine + "/staging", T0));
        views(first, "capstan-0").publish();

        ShardViews second = views(replica(1), "capstan-1");
        second.refresh();

        assertThat(second.others()).as("only the shard capstan-0 holds").containsOnlyKeys(mine + "/staging");
        ShardViews.OtherUnit other = second.others().get(mine + "/staging");
        assertThat(other.holder()).isEqualTo("capstan-0");
        assertThat(other.shard()).isZero();
        assertThat(other.status().getString("state")).isEqualTo("Synced");
        assertThat(other.status().getInteger("revision")).isEqualTo(3);
        assertThat(other.drift().orElseThrow().getString("state")).isEqualTo("OutOfSync");
        assertThat(other.drift().orElseThrow().getJsonArray("objects").getJsonObject(0).getString("verdict"))
                .isEqualTo("Modified");
        assertThat(other.diff()).contains("-replicas: 3");
    }

    @Test
    void aUnitCheckedAgainWithTheSameResultIsNotWrittenAgain() {
        String mine = chartOn(0);
        StatusBoard board = replica(0);
        ShardViews views = views(board, "capstan-0");
        BoardWriter.unit(board, synced(mine + "/staging", T0));
        BoardWriter.drift(board, modified(mine + "/staging", T0));
        views.publish();
        String written = version();

        BoardWriter.drift(board, modified(mine + "/staging", T0.plusSeconds(30)));
        views.publish();
        assertThat(version()).as("checked again, same verdict").isEqualTo(written);

        BoardWriter.unit(board, new UnitOutcome.Progressing(mine + "/staging", "c0ffee2", T0.plusSeconds(40), "src",
                "canary 50%"));
        views.publish();
        assertThat(version()).as("a new state is news").isNotEqualTo(written);
    }

    @Test
    void theBoardSaysWhenAViewNeedsBuildingAgainAndAShardTakenWithoutAChangeIsStillPublished() {
        String mine = chartOn(0);
        String taken = chartOn(1);
        StatusBoard board = replica(0);
        BoardWriter.unit(board, synced(mine + "/staging", T0));
        BoardWriter.unit(board, synced(taken + "/staging", T0));
        BoardWriter.drift(board, modified(mine + "/staging", T0));
        long changes = board.changes();

        BoardWriter.drift(board, modified(mine + "/staging", T0.plusSeconds(30)));
        assertThat(board.changes()).as("checked again, same verdict: nothing to build").isEqualTo(changes);
        BoardWriter.drift(board, UnitDrift.unknown(mine + "/staging", "c0ffee1", T0.plusSeconds(60), "gone"));
        assertThat(board.changes()).as("a new verdict").isGreaterThan(changes);

        ShardViews views = views(board, "capstan-0");
        views.publish();
        assertThat(records.get(ShardViews.recordName(1))).isEmpty();
        board.role().shards().took(1);
        views.publish();
        assertThat(records.get(ShardViews.recordName(1))).as("the shard just taken, the board unchanged")
                .isPresent();
    }

    @Test
    void readingSaysWhichUnitsChangedSoOnlyTheirRecordsAreReadAgain() {
        String chart = chartOn(0);
        StatusBoard first = replica(0);
        ShardViews publisher = views(first, "capstan-0");
        BoardWriter.unit(first, synced(chart + "/staging", T0));
        BoardWriter.unit(first, synced(chart + "/production", T0));
        publisher.publish();
        StatusBoard second = replica(1);
        ShardViews reader = views(second, "capstan-1");

        assertThat(reader.refresh()).containsExactlyInAnyOrder(chart + "/staging", chart + "/production");
        assertThat(reader.refresh()).as("nothing new").isEmpty();
        BoardWriter.unit(first, new UnitOutcome.Progressing(chart + "/production", "c0ffee2", T0.plusSeconds(5),
                "src", "canary 10%"));
        publisher.publish();
        assertThat(reader.refresh()).containsExactly(chart + "/production");
        assertThat(reader.recordsChanged()).containsExactly(chart + "/production");
        // Carried to a newer commit: news for promotion, but its records are as they were.
        BoardWriter.unit(first, new UnitOutcome.Synced(chart + "/staging", "c0ffee3", T0.plusSeconds(9), "src", 4,
                "digest", 3));
        publisher.publish();
        assertThat(reader.refresh()).containsExactly(chart + "/staging");
        assertThat(reader.recordsChanged()).isEmpty();
        BoardWriter.unit(first, new UnitOutcome.Synced(chart + "/staging", "c0ffee1", T0.plusSeconds(10), "src",
                4, "digest", 3));
        publisher.publish();
        reader.refresh();
        // What promotion reads of the other shard's units.
        assertThat(second.otherShards().unit(chart + "/staging")).hasValueSatisfying(u ->
                assertThat(u).isInstanceOf(UnitOutcome.Synced.class).extracting(UnitOutcome::commit)
                        .isEqualTo("c0ffee1"));
        assertThat(second.otherShards().unit(chart + "/production")).hasValueSatisfying(u ->
                assertThat(u).isInstanceOf(UnitOutcome.Waiting.class));
    }

    @Test
    void aShardThisReplicaTookOverIsServedFromItsOwnState() {
        String mine = publishedByShardZero();
        StatusBoard second = replica(1);
        ShardViews views = views(second, "capstan-1");
        views.refresh();
        assertThat(views.others()).containsKey(mine + "/staging");

        second.role().shards().took(0);
        assertThat(views.others()).isEmpty();
    }

    @Test
    void anUnreadableViewIsSkippedAndTheOthersStillServed() {
        String mine = publishedByShardZero();
        records.put(ShardViews.recordName(2), Map.of(), Map.of("view.json.gz", "not gzip".getBytes()));

        ShardViews views = views(replica(1), "capstan-1");
        views.refresh();
        assertThat(views.others()).containsOnlyKeys(mine + "/staging");
    }

    /** A chart of shard 0 whose staging unit capstan-0 published as Synced. */
    private String publishedByShardZero() {
        String chart = chartOn(0);
        StatusBoard first = replica(0);
        BoardWriter.unit(first, synced(chart + "/staging", T0));
        views(first, "capstan-0").publish();
        return chart;
    }

    private ShardViews views(StatusBoard board, String identity) {
        return new ShardViews(records, () -> records.list(Map.of()), board, identity);
    }

    private String version() {
        return java.util.Base64.getEncoder().encodeToString(records.get(ShardViews.recordName(0)).orElseThrow()
                .entry("view.json.gz").orElseThrow());
    }

    private static StatusBoard replica(int shard) {
        StatusBoard board = new StatusBoard(new AgentRole(),
                ReleaseStore.remembering(new MemoryRecords(), 10, java.time.Clock.systemUTC()));
        Shards shards = Shards.leased(3);
        shards.took(shard);
        board.role().shards(shards);
        return board;
    }

    private static String chartOn(int shard) {
        for (int i = 0; ; i++) {
            if (Shards.shardOf("app-" + i, 3) == shard) {
                return "app-" + i;
            }
        }
    }

    private static UnitOutcome synced(String unit, Instant at) {
        return new UnitOutcome.Synced(unit, "c0ffee1", at, "src", 4, "digest", 3);
    }

    private static UnitDrift modified(String unit, Instant at) {
        ObjectKey key = new ObjectKey("apps/v1", "Deployment", "staging", "web");
        return new UnitDrift(unit, "c0ffee1", at, UnitDrift.State.OutOfSync, "", List.of(
                new ObjectVerdict.Modified(key, List.of(new FieldChange("spec.replicas", 5, 3)))),
                "-replicas: 3\n+replicas: 5\n");
    }
}
