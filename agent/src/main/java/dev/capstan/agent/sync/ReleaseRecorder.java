package dev.capstan.agent.sync;

import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the store's memory of every unit's release history current (other replicas' units too), and on the first
 * cycle restores from the records what must survive a restart: which units are held (quarantined or pinned) and on
 * which source. A read that fails is logged and retried later; the cluster keeps the truth. Blocking.
 */
public final class ReleaseRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseRecorder.class);

    private final ReleaseStore store;
    private final UnitStates units;
    private volatile boolean loaded;

    public ReleaseRecorder(ReleaseStore store, UnitStates units) {
        this.store = store;
        this.units = units;
    }

    /** Reads every unit's history once (on the first cycle), so the API and the holds survive a restart. */
    void loadOnce() {
        if (loaded) {
            return;
        }
        readAll().ifPresent(byUnit -> {
            byUnit.forEach((unit, history) -> holdOf(history).ifPresent(held -> units.record(
                    new UnitOutcome.Held(unit, held.commit(), held.updatedAt(), held.source(), held.hold(),
                            held.revision(), held.message()))));
            loaded = true;
        });
    }

    /** Re-reads every unit's history (a standby keeps its reads current this way). */
    void reloadAll() {
        readAll();
    }

    /**
     * The histories of the units of other shards (the unit ids {@code mine} refuses) into the store's memory,
     * so this replica answers reads for them too; what it remembers of its own units' records is not touched.
     */
    void reloadOthers(java.util.function.Predicate<String> mine) {
        try {
            store.rereadOthers(mine);
        } catch (RuntimeException e) {
            LOG.warn("other shards' release history not readable: {}", e.getMessage());
        }
    }

    /** The histories of these units (other replicas', by id) read again into the store's memory. */
    void reloadUnits(java.util.Collection<String> unitIds) {
        for (String unit : unitIds) {
            try {
                store.reread(List.of(unit));
            } catch (RuntimeException e) {
                LOG.warn("release history of {} not readable: {}", unit, e.getMessage());
            }
        }
    }

    /** Every unit's history into the store's memory; empty when the records cannot be read. */
    private Optional<Map<String, List<Release>>> readAll() {
        try {
            Map<String, List<Release>> byUnit = store.all().stream()
                    .collect(Collectors.groupingBy(Release::unit));
            return Optional.of(byUnit);
        } catch (RuntimeException e) {
            LOG.warn("release history not readable yet: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The revision holding a unit: the newest one with a hold, if nothing but rollbacks came after it (a forward
     * revision after it means a newer source was tried, which lifts a hold).
     */
    static Optional<Release> holdOf(List<Release> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            Release release = history.get(i);
            if (release.hold() != Release.Hold.NONE) {
                return Optional.of(release);
            }
            if (release.rollbackTo() == 0) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Lifts the unit's hold in the records (resume), so a restart does not bring it back. */
    void lift(String chart, String env) {
        List<Release> history = store.history(chart, env);
        holdOf(history).ifPresent(held -> store.save(held.withHold(Release.Hold.NONE, held.updatedAt())));
    }
}
