package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.observe.CommitStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Sharded by chart, an environment's charts are on several replicas: its status is all of theirs. */
class CommitStatusFeedTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    private final UnitStates mine = new UnitStates();
    private final OtherShardStates others = new OtherShardStates();
    private final List<CommitStatus> posted = new CopyOnWriteArrayList<>();

    private static UnitOutcome synced(String unit) {
        return new UnitOutcome.Synced(unit, "c1", NOW, "src", 3, "digest", 1);
    }

    @Test
    void noReplicaReportsSuccessWhileAnotherShardsChartStillRollsOut() {
        new CommitStatusFeed(mine, others, posted::add, "", Runnable::run).listen();
        others.replace(Map.of("api/staging", new UnitOutcome.Progressing("api/staging", "c1", NOW, "src",
                "canary 50%")));
        posted.clear();

        mine.record(synced("web/staging"));
        assertThat(posted).last().satisfies(status -> {
            assertThat(status.state()).isEqualTo(CommitStatus.State.RUNNING);
            assertThat(status.description()).contains("api rolling out: canary 50%");
        });

        others.replace(Map.of("api/staging", synced("api/staging")));
        assertThat(posted).last().satisfies(status -> {
            assertThat(status.context()).isEqualTo("capstan/staging");
            assertThat(status.state()).isEqualTo(CommitStatus.State.SUCCESS);
            assertThat(status.description()).isEqualTo("deployed to staging (2 charts)");
        });
    }

    @Test
    void withoutShardsAnEnvironmentIsItsOwnUnits() {
        new CommitStatusFeed(mine, others, posted::add, "", Runnable::run).listen();
        mine.record(synced("web/staging"));

        assertThat(posted).singleElement().satisfies(status -> assertThat(status.state())
                .isEqualTo(CommitStatus.State.SUCCESS));
    }
}
