package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.config.RepoConfigParser;
import dev.capstan.agent.plan.Plan;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.release.Release;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnitDecisionTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private static UnitDecision decide(UnitOutcome last, String commit, String source) {
        return UnitDecision.decide("api/dev", commit, source, last, Optional.empty(), false, NOW);
    }

    @Test
    void aUnitSyncedAtThisCommitNeedsNothing() {
        UnitOutcome synced = new UnitOutcome.Synced("api/dev", "c1", NOW, "src", 3, "d", 1);
        assertThat(decide(synced, "c1", "src")).isInstanceOf(UnitDecision.Skip.class);
        assertThat(decide(null, "c1", "src")).isInstanceOf(UnitDecision.Work.class);
    }

    @Test
    void aNewCommitThatLeavesTheSourceAloneIsCarriedWithoutARender() {
        UnitOutcome synced = new UnitOutcome.Synced("api/dev", "c1", NOW, "src", 3, "d", 4);
        assertThat(decide(synced, "c2", "src")).isInstanceOfSatisfying(UnitDecision.Carry.class, carry ->
                assertThat(carry.outcome()).isEqualTo(new UnitOutcome.Synced("api/dev", "c2", NOW, "src", 3, "d", 4)));
        assertThat(decide(synced, "c2", "other")).isInstanceOf(UnitDecision.Work.class);
    }

    @Test
    void aRenderFailureWaitsForANewSourceButAnApplyFailureIsRetried() {
        UnitOutcome renderFailed = new UnitOutcome.Failed("api/dev", "c1", NOW, "src", UnitOutcome.Stage.RENDER, "x");
        UnitOutcome applyFailed = new UnitOutcome.Failed("api/dev", "c1", NOW, "src", UnitOutcome.Stage.APPLY, "x");
        assertThat(decide(renderFailed, "c1", "src")).isInstanceOf(UnitDecision.Skip.class);
        assertThat(decide(renderFailed, "c2", "src")).isInstanceOf(UnitDecision.Carry.class);
        assertThat(decide(renderFailed, "c2", "new")).isInstanceOf(UnitDecision.Work.class);
        assertThat(decide(applyFailed, "c1", "src")).isInstanceOf(UnitDecision.Work.class);
        UnitOutcome engineFailed = new UnitOutcome.Failed("api/dev", "c1", NOW, "src", UnitOutcome.Stage.ENGINE,
                "Helm's render process exited: a render did not finish within 60 s");
        assertThat(decide(engineFailed, "c1", "src")).as("not its chart's fault: tried again")
                .isInstanceOf(UnitDecision.Work.class);
        assertThat(decide(engineFailed, "c2", "src")).isInstanceOf(UnitDecision.Work.class);
    }

    @Test
    void aQuarantinedSourceIsNotAppliedAgainUntilTheSourceChanges() {
        UnitOutcome held = new UnitOutcome.Held("api/dev", "bad", NOW, "src", Release.Hold.QUARANTINED, 5, "x");
        assertThat(decide(held, "bad", "src")).isInstanceOf(UnitDecision.Skip.class);
        assertThat(decide(held, "unrelated", "src")).isInstanceOfSatisfying(UnitDecision.Carry.class, carry ->
                assertThat(carry.outcome()).isInstanceOfSatisfying(UnitOutcome.Held.class, h -> {
                    assertThat(h.commit()).isEqualTo("unrelated");
                    assertThat(h.hold()).isEqualTo(Release.Hold.QUARANTINED);
                }));
        assertThat(decide(held, "fix", "fixed-src")).isInstanceOf(UnitDecision.Work.class);
    }

    @Test
    void aLaterEnvironmentWaitsUntilThePreviousOnePassedTheSameCommit() {
        UnitOutcome stagingOld = new UnitOutcome.Synced("api/staging", "c1", NOW, "s", 3, "d", 1);
        UnitOutcome stagingNew = new UnitOutcome.Synced("api/staging", "c2", NOW, "s2", 3, "d", 2);
        UnitOutcome stagingHeld = new UnitOutcome.Held("api/staging", "c2", NOW, "s2", Release.Hold.QUARANTINED, 2,
                "x");
        UnitOutcome prod = new UnitOutcome.Synced("api/prod", "c1", NOW, "p", 3, "d", 1);
        assertThat(UnitDecision.decide("api/prod", "c2", "p2", prod, Optional.of(stagingOld), true, NOW))
                .isInstanceOfSatisfying(UnitDecision.Wait.class, wait -> assertThat(wait.outcome().reason())
                        .isEqualTo("waiting for api/staging to pass commit c2"));
        assertThat(UnitDecision.decide("api/prod", "c2", "p2", prod, Optional.of(stagingHeld), true, NOW))
                .isInstanceOf(UnitDecision.Wait.class);
        assertThat(UnitDecision.decide("api/prod", "c2", "p2", prod, Optional.empty(), true, NOW))
                .isInstanceOf(UnitDecision.Wait.class);
        assertThat(UnitDecision.decide("api/prod", "c2", "p2", prod, Optional.of(stagingNew), true, NOW))
                .isInstanceOf(UnitDecision.Work.class);
    }

    @Test
    void eachUnitsPreviousEnvironmentIsTheSameChartOneEnvironmentEarlier() {
        var config = RepoConfigParser.parse(
                "environments: [{name: dev}, {name: staging}, {name: prod}]\n");
        var envs = config.environments();
        var units = java.util.List.of(new Unit("api", envs.get(0)), new Unit("web", envs.get(0)),
                new Unit("api", envs.get(1)), new Unit("api", envs.get(2)), new Unit("web", envs.get(2)));
        var previous = CommitCycle.previousEnvironments(new Plan(config, units));
        assertThat(previous).hasSize(2);
        assertThat(previous.get("api/staging").id()).isEqualTo("api/dev");
        assertThat(previous.get("api/prod").id()).isEqualTo("api/staging");
        assertThat(previous).as("web has no staging unit").doesNotContainKey("web/dev").doesNotContainKey("web/prod");
    }
}
