package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void aUnitIsUpToDateWhenSyncedAtThisCommit() {
        UnitOutcome synced = new UnitOutcome.Synced("api/dev", "c1", NOW, "src", 3, "d");

        assertThat(Reconciler.upToDate(synced, "c1")).isTrue();
        assertThat(Reconciler.upToDate(synced, "c2")).isFalse();
        assertThat(Reconciler.upToDate(null, "c1")).isFalse();
    }

    @Test
    void aRenderFailureWaitsForANewCommitButAnApplyFailureIsRetried() {
        UnitOutcome renderFailed = new UnitOutcome.Failed("api/dev", "c1", NOW, "src", UnitOutcome.Stage.RENDER, "x");
        UnitOutcome applyFailed = new UnitOutcome.Failed("api/dev", "c1", NOW, "src", UnitOutcome.Stage.APPLY, "x");

        assertThat(Reconciler.upToDate(renderFailed, "c1")).isTrue();
        assertThat(Reconciler.upToDate(renderFailed, "c2")).isFalse();
        assertThat(Reconciler.upToDate(applyFailed, "c1")).isFalse();
    }
}
