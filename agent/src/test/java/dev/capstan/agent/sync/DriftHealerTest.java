package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.drift.HealPolicy;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.git.Revision;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.release.Release;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift correction on the loop's parts over a cluster in memory ({@link LoopFixture}): a hand edit is corrected from
 * the deployed release and written on it, naming who made it, until the same object keeps coming back.
 */
class DriftHealerTest {
    private static final String SCALER = "kubectl-scale (Update)";

    @TempDir
    Path repo;

    private LoopFixture loop;
    private DriftHealer healer;

    @BeforeEach
    void wire() {
        loop = new LoopFixture(repo);
        healer = new DriftHealer(loop.clusters, loop.store, loop.alerter, loop.metrics, loop.clock);
    }

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void aHandEditIsCorrectedOnTheDeployedReleaseNamingWhoMadeItUntilItKeepsComingBack() {
        Revision commit = loop.commit("c1", "1.0");
        Unit unit = loop.unit();
        loop.work.sync(unit, commit, "source-1");
        DesiredState desired = loop.desired(commit);
        RenderedObject scaledByHand = loop.desired(loop.commit("c1", "1.0", 5)).objects().get(0);
        loop.connection.changedBy(SCALER);

        for (int round = 1; round <= HealPolicy.FIGHT_LIMIT; round++) {
            handEdit(scaledByHand);
            DriftHealer.Outcome outcome = healer.heal(unit, drift(desired), desired, deployed());

            assertThat(outcome.corrected()).as("round %d", round).singleElement().satisfies(correction -> {
                assertThat(correction.object()).isEqualTo("Deployment shop/web");
                assertThat(correction.changedBy()).isEqualTo(SCALER);
            });
            assertThat(replicas()).isEqualTo(4);
            loop.clock.advance(Duration.ofMinutes(1)); // past the backoff, well within the fight window
        }
        assertThat(deployed().corrections()).hasSize(HealPolicy.FIGHT_LIMIT);

        handEdit(scaledByHand);
        DriftHealer.Outcome gaveUp = healer.heal(unit, drift(desired), desired, deployed());

        assertThat(gaveUp.corrected()).isEmpty();
        assertThat(gaveUp.notes()).singleElement().asString()
                .contains("Deployment shop/web keeps being changed by " + SCALER).contains("healing of it stopped");
        assertThat(replicas()).as("left as the other manager keeps it").isEqualTo(5);
        assertThat(loop.history()).as("corrections are no revisions").containsExactly("1 deployed");
        assertThat(loop.board.releases().get("web/staging")).singleElement()
                .satisfies(r -> assertThat(r.corrections()).hasSize(HealPolicy.FIGHT_LIMIT));
    }

    private void handEdit(RenderedObject edited) {
        synchronized (loop.cluster) {
            loop.cluster.live.put(edited.key(), edited);
        }
    }

    private UnitDrift drift(DesiredState desired) {
        return loop.connection.drift().check("web/staging", "c1", desired);
    }

    private Release deployed() {
        List<Release> history = loop.store.history("web", "staging");
        return history.get(history.size() - 1);
    }

    private Object replicas() {
        synchronized (loop.cluster) {
            return loop.cluster.live.values().stream().filter(o -> o.key().name().equals("web")).findFirst()
                    .map(o -> ((Map<?, ?>) o.content().get("spec")).get("replicas")).orElseThrow();
        }
    }
}
