package dev.capstan.agent.drift;

import java.time.Instant;
import java.util.List;

/**
 * The drift of one unit at one check. {@code state}: InSync, OutOfSync, or Unknown (then {@code reason} says why:
 * the render failed, the cluster is unreachable...). {@code diff} is the unified diff of the normalised YAML of the
 * owned fields, secrets masked.
 */
public record UnitDrift(String unit, String commit, Instant checkedAt, State state, String reason,
                        List<ObjectVerdict> objects, String diff) {

    public UnitDrift {
        objects = List.copyOf(objects);
    }

    public enum State { InSync, OutOfSync, Unknown }

    public static UnitDrift unknown(String unit, String commit, Instant at, String reason) {
        return new UnitDrift(unit, commit, at, State.Unknown, reason, List.of(), "");
    }
}
