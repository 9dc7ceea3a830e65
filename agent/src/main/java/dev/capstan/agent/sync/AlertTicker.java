package dev.capstan.agent.sync;

import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.observe.Alerter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Feeds the board's state to the alerter's time-based rules, after every cycle and every unit's work. */
final class AlertTicker {
    private final Alerter alerter;
    private final StatusBoard board;
    private final Instant startedAt;

    AlertTicker(Alerter alerter, StatusBoard board, Clock clock) {
        this.alerter = alerter;
        this.board = board;
        this.startedAt = clock.instant();
    }

    void tick() {
        Map<String, UnitDrift> drift = board.drift();
        List<Alerter.UnitState> units = new ArrayList<>();
        board.units().forEach((id, outcome) -> units.add(state(id, outcome, drift.get(id))));
        tick(units);
    }

    /**
     * After one unit's work, that unit alone: a tick of every unit after each of 5,000 units' first sync read the whole
     * board 5,000 times. The others are ticked after the next cycle.
     */
    void tick(String unitId) {
        UnitOutcome outcome = board.unit(unitId);
        tick(outcome == null ? List.of() : List.of(state(unitId, outcome, board.driftOf(unitId))));
    }

    private void tick(List<Alerter.UnitState> units) {
        RepoStatus repo = board.repo();
        Instant lastSuccess = repo.lastSuccess().isAfter(startedAt) ? repo.lastSuccess() : startedAt;
        alerter.tick(units, repo.remote() == RepoStatus.Remote.UP, lastSuccess, repo.commit().orElse(""));
    }

    private static Alerter.UnitState state(String id, UnitOutcome outcome, UnitDrift drift) {
        Optional<String> failure = outcome instanceof UnitOutcome.Failed failed
                ? Optional.of(failed.stage().name().toLowerCase(java.util.Locale.ROOT) + " failed: "
                + failed.message()) : Optional.empty();
        // Drift matters where the unit claims to be in sync; a held unit differs from git on purpose.
        boolean drifted = outcome instanceof UnitOutcome.Synced && drift != null
                && drift.state() == UnitDrift.State.OutOfSync && drift.commit().equals(outcome.commit());
        return new Alerter.UnitState(id, outcome.commit(), failure, drifted);
    }
}
