package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.agent.cluster.WriteFence;
import dev.capstan.agent.git.Revision;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.release.Release;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One unit's work at a commit — render, roll out canary-first with its gates, record, write up a failure — on the
 * loop's parts over a cluster and records in memory ({@link LoopFixture}): no API server.
 */
class UnitWorkTest {
    @TempDir
    Path repo;

    private LoopFixture loop;

    @BeforeEach
    void wire() {
        loop = new LoopFixture(repo);
    }

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void aCommitIsRenderedRolledOutCanaryFirstGatedAndRecorded() {
        Revision first = loop.commit("c1", "1.0");
        Unit unit = loop.unit();

        UnitOutcome outcome = loop.work.sync(unit, first, "source-1");

        assertThat(outcome).isInstanceOfSatisfying(UnitOutcome.Synced.class, synced -> {
            assertThat(synced.revision()).isEqualTo(1);
            assertThat(synced.commit()).isEqualTo("c1");
        });
        assertThat(loop.cluster.image("web")).endsWith(":1.0");
        assertThat(loop.history()).containsExactly("1 deployed");
        assertThat(loop.board.releases().get("web/staging")).extracting(Release::revision).containsExactly(1);

        UnitOutcome next = loop.work.sync(unit, loop.commit("c2", "1.1"), "source-2");

        assertThat(next).isInstanceOf(UnitOutcome.Synced.class);
        assertThat(loop.cluster.writes).contains("apply web-canary", "delete web-canary");
        assertThat(loop.cluster.image("web")).endsWith(":1.1");
        assertThat(loop.history()).containsExactly("1 superseded", "2 deployed");
    }

    @Test
    void aCrashLoopingCommitIsRolledBackQuarantinedAndWrittenUpWhileTheStableKeepsServing() {
        Revision first = loop.commit("c1", "1.0");
        Unit unit = loop.unit();
        loop.work.sync(unit, first, "source-1");

        UnitOutcome outcome = loop.work.sync(unit, loop.commit("c2", "crashloop"), "source-2");

        assertThat(outcome).isInstanceOfSatisfying(UnitOutcome.Held.class, held ->
                assertThat(held.hold()).isEqualTo(Release.Hold.QUARANTINED));
        assertThat(loop.cluster.image("web")).endsWith(":1.0");
        assertThat(loop.cluster.live.keySet()).noneMatch(key -> key.name().equals("web-canary"));
        assertThat(loop.history()).containsExactly("1 deployed", "2 failed quarantined");
        assertThat(loop.incidents.all()).singleElement().satisfies(incident -> {
            assertThat(incident.unit()).isEqualTo("web/staging");
            assertThat(incident.failedRevision()).isEqualTo(2);
            assertThat(incident.signals()).anyMatch(signal -> signal.contains("CrashLoopBackOff"));
        });
    }

    @Test
    void anApplyTheServerFailsIsNoQuarantineTheStableIsBackAndTheNextTryDeploys() {
        Revision first = loop.commit("c1", "1.0");
        Unit unit = loop.unit();
        loop.work.sync(unit, first, "source-1");
        loop.cluster.failNextApplies(1);

        UnitOutcome failed = loop.work.sync(unit, loop.commit("c2", "1.1"), "source-2");

        assertThat(failed).isInstanceOfSatisfying(UnitOutcome.Failed.class, f -> {
            assertThat(f.stage()).isEqualTo(UnitOutcome.Stage.APPLY);
            assertThat(f.message()).contains("tried again next cycle");
        });
        assertThat(loop.history()).as("failed, not quarantined").containsExactly("1 deployed", "2 failed");
        assertThat(loop.cluster.image("web")).endsWith(":1.0");
        assertThat(loop.incidents.all()).as("the server's failure is no incident").isEmpty();

        UnitOutcome retried = loop.work.sync(unit, loop.commit("c2", "1.1"), "source-2");

        assertThat(retried).isInstanceOf(UnitOutcome.Synced.class);
        assertThat(loop.cluster.image("web")).endsWith(":1.1");
        assertThat(loop.history()).as("tried again under the same revision").containsExactly("1 superseded",
                "2 deployed");
    }

    @Test
    void aReplicaThatLostItsShardMidRolloutAbandonsTheWorkWithoutDecidingAnything() {
        Revision first = loop.commit("c1", "1.0");
        Unit unit = loop.unit();
        loop.work.sync(unit, first, "source-1");
        loop.cluster.loseLease();
        loop.cluster.writes.clear();

        assertThatThrownBy(() -> loop.work.sync(unit, loop.commit("c2", "1.1"), "source-2"))
                .isInstanceOf(WriteFence.LeaseLost.class);

        assertThat(loop.cluster.writes).isEmpty();
        assertThat(loop.cluster.image("web")).endsWith(":1.0");
        assertThat(loop.incidents.all()).isEmpty();
        assertThat(loop.history()).as("no rollback, no quarantine: the new holder decides")
                .allMatch(line -> line.equals("1 deployed") || line.equals("2 progressing"));
    }
}
