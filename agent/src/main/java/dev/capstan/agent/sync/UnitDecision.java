package dev.capstan.agent.sync;

import dev.capstan.agent.model.Commits;
import java.time.Instant;
import java.util.Optional;

/** What a unit needs at a commit, from where it stands. Pure. */
sealed interface UnitDecision {

    /** Nothing to do at this commit. */
    record Skip() implements UnitDecision {
    }

    /** The commit leaves the unit's source alone: move the outcome to the new commit without a render. */
    record Carry(UnitOutcome outcome) implements UnitDecision {
    }

    /** Held back by environment order. */
    record Wait(UnitOutcome.Waiting outcome) implements UnitDecision {
    }

    /** Render and roll out. */
    record Work() implements UnitDecision {
    }

    /**
     * @param last     the unit's outcome so far, if any
     * @param previous the outcome of the same chart in the previous environment, empty for the first environment
     */
    static UnitDecision decide(String unit, String commit, String source, UnitOutcome last,
                               Optional<UnitOutcome> previous, boolean hasPreviousEnv, Instant now) {
        boolean sameSource = last != null && !source.isEmpty() && source.equals(last.source());
        if (last != null && last.commit().equals(commit) && (last instanceof UnitOutcome.Synced
                || last instanceof UnitOutcome.Held
                || last instanceof UnitOutcome.Failed f && !f.triedAgain())) {
            return new Skip();
        }
        if (sameSource) {
            // Rendering is pure: the same source renders the same objects, fails the same way, stays held.
            Optional<UnitOutcome> carried = switch (last) {
                case UnitOutcome.Synced s -> Optional.of(new UnitOutcome.Synced(unit, commit, now, source,
                        s.objects(), s.digest(), s.revision()));
                case UnitOutcome.Held h -> Optional.of(new UnitOutcome.Held(unit, commit, now, source, h.hold(),
                        h.revision(), h.message()));
                case UnitOutcome.Failed f when !f.triedAgain() -> Optional.of(
                        new UnitOutcome.Failed(unit, commit, now, source, f.stage(), f.message()));
                default -> Optional.empty();
            };
            if (carried.isPresent()) {
                return new Carry(carried.get());
            }
        }
        if (hasPreviousEnv) {
            boolean passed = previous.filter(p -> p instanceof UnitOutcome.Synced && p.commit().equals(commit))
                    .isPresent();
            if (!passed) {
                String prev = previous.map(UnitOutcome::unit).orElse("the previous environment");
                return new Wait(new UnitOutcome.Waiting(unit, commit, now, source, "waiting for " + prev
                        + " to pass commit " + Commits.shortened(commit)));
            }
        }
        return new Work();
    }
}
