package dev.capstan.agent.sync;

import dev.capstan.agent.drift.UnitDrift;

/** For tests outside this package: writes a board's views as the unit work and the drift reporter do. */
public final class BoardWriter {
    private BoardWriter() {
    }

    public static void unit(StatusBoard board, UnitOutcome outcome) {
        board.unitStates().record(outcome);
    }

    public static void drift(StatusBoard board, UnitDrift drift) {
        board.driftBoard().record(drift);
    }
}
