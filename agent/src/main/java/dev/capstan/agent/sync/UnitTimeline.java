package dev.capstan.agent.sync;

import dev.capstan.agent.observe.Incident.TimelineEntry;
import dev.capstan.agent.rollout.RolloutObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * What happened to one unit at one commit, with times: the timeline of an incident. Also passes each step's phase
 * on (to the status board). Used by one unit worker at a time.
 */
final class UnitTimeline implements RolloutObserver {
    private final Clock clock;
    private final Consumer<String> phases;
    private final List<TimelineEntry> entries = new ArrayList<>();

    UnitTimeline(Clock clock, Consumer<String> phases) {
        this.clock = clock;
        this.phases = phases;
    }

    void add(java.time.Instant at, String event) {
        entries.add(new TimelineEntry(at, event));
    }

    void now(String event) {
        add(clock.instant(), event);
    }

    @Override
    public void stepStarted(String phase) {
        phases.accept(phase);
        now("apply " + phase);
    }

    @Override
    public void gatePassed(String phase, Duration took) {
        now("health gate " + phase + " passed in " + took.toMillis() + " ms");
    }

    @Override
    public void gateFailed(String phase, List<String> signals) {
        now("failure detected: health gate " + phase + " failed: " + String.join("; ", signals));
    }

    @Override
    public void rolledBack(int toRevision) {
        now("rollback applied: canaries removed, revision " + toRevision + " re-applied from its stored manifests");
    }

    @Override
    public void recovery(int revision, boolean healthy) {
        now(healthy ? "recovery confirmed: revision " + revision + " healthy"
                : "recovery NOT confirmed: revision " + revision + " is not healthy either");
    }

    /** The entries in time order (an entry from git, like the commit's authoring time, may come first). */
    List<TimelineEntry> entries() {
        return entries.stream().sorted(Comparator.comparing(TimelineEntry::at)).toList();
    }
}
