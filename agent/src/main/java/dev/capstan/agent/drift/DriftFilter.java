package dev.capstan.agent.drift;

import dev.capstan.agent.config.IgnoreRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes out of a unit's drift what its {@code ignoreDifferences} rules say to leave alone: a modified object whose
 * changed fields are all ignored is in sync. Pure.
 */
public final class DriftFilter {
    private DriftFilter() {
    }

    /** Whether every change of {@code modified} is one the rules ignore. */
    public static boolean ignoresAll(ObjectVerdict.Modified modified, List<IgnoreRule> rules, String chart,
                                     String env) {
        List<IgnoreRule> selecting = rules.stream().filter(r -> r.selects(chart, env, modified.key().kind(),
                modified.key().name())).toList();
        return !selecting.isEmpty() && modified.changes().stream()
                .allMatch(c -> selecting.stream().anyMatch(r -> r.covers(c.path())));
    }

    public static UnitDrift apply(UnitDrift drift, List<IgnoreRule> rules, String chart, String env) {
        if (rules.isEmpty() || drift.state() == UnitDrift.State.Unknown) {
            return drift;
        }
        List<ObjectVerdict> verdicts = new ArrayList<>();
        for (ObjectVerdict verdict : drift.objects()) {
            if (verdict instanceof ObjectVerdict.Modified modified) {
                List<IgnoreRule> selecting = rules.stream().filter(r -> r.selects(chart, env, modified.key().kind(),
                        modified.key().name())).toList();
                List<FieldChange> kept = modified.changes().stream()
                        .filter(c -> selecting.stream().noneMatch(r -> r.covers(c.path()))).toList();
                verdicts.add(kept.isEmpty() ? new ObjectVerdict.InSync(modified.key())
                        : new ObjectVerdict.Modified(modified.key(), kept));
            } else {
                verdicts.add(verdict);
            }
        }
        boolean inSync = verdicts.stream().allMatch(ObjectVerdict.InSync.class::isInstance);
        return new UnitDrift(drift.unit(), drift.commit(), drift.checkedAt(), inSync ? UnitDrift.State.InSync
                : UnitDrift.State.OutOfSync, drift.reason(), verdicts, drift.diff());
    }
}
