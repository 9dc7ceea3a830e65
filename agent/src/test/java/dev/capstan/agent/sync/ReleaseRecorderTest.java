package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.release.Release;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseRecorderTest {
    private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

    private static Release release(int revision, Release.Status status, int rollbackTo, Release.Hold hold) {
        return Release.builder().chart("api").env("dev").revision(revision).commit("c" + revision)
                .chartVersion("1.0.0").appVersion("1.0").status(status).startedAt(T).updatedAt(T).digest("d")
                .source("src" + revision).rollbackTo(rollbackTo).hold(hold).build();
    }

    @Test
    void aQuarantineSurvivesTheRollbackThatFollowsIt() {
        List<Release> history = List.of(
                release(1, Release.Status.SUPERSEDED, 0, Release.Hold.NONE),
                release(2, Release.Status.FAILED, 0, Release.Hold.QUARANTINED),
                release(3, Release.Status.DEPLOYED, 1, Release.Hold.NONE));
        assertThat(ReleaseRecorder.holdOf(history)).map(Release::revision).contains(2);
    }

    @Test
    void aForwardRevisionAfterAHoldLiftsIt() {
        List<Release> history = List.of(
                release(1, Release.Status.FAILED, 0, Release.Hold.QUARANTINED),
                release(2, Release.Status.DEPLOYED, 0, Release.Hold.NONE));
        assertThat(ReleaseRecorder.holdOf(history)).isEmpty();
        assertThat(ReleaseRecorder.holdOf(List.of())).isEmpty();
    }

    @Test
    void aPinnedRollbackHoldsItself() {
        List<Release> history = List.of(
                release(1, Release.Status.ROLLED_BACK, 0, Release.Hold.NONE),
                release(2, Release.Status.DEPLOYED, 1, Release.Hold.PINNED));
        assertThat(ReleaseRecorder.holdOf(history)).map(Release::hold).contains(Release.Hold.PINNED);
    }

    @Test
    void theDefaultManualRollbackTargetIsTheNewestGoodRevisionBeforeTheDeployedOne() {
        List<Release> history = List.of(
                release(1, Release.Status.SUPERSEDED, 0, Release.Hold.NONE),
                release(2, Release.Status.SUPERSEDED, 0, Release.Hold.NONE),
                release(3, Release.Status.FAILED, 0, Release.Hold.NONE),
                release(4, Release.Status.DEPLOYED, 0, Release.Hold.NONE));
        assertThat(UnitActions.previousGood(history)).map(Release::revision).contains(2);
        assertThat(UnitActions.previousGood(history.subList(3, 4))).isEmpty();
    }
}
