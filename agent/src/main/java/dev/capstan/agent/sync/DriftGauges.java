package dev.capstan.agent.sync;

import dev.capstan.agent.drift.ObjectVerdict;
import dev.capstan.agent.drift.UnitDrift;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code capstan_drift_objects}: objects per unit by drift verdict. A unit's series are set when its drift is
 * reported, so the check of one unit after its rollout costs that unit's series, not every unit's (re-registering
 * all of them after each unit made a commit of 5,000 units quadratic). A unit in sync is one series, not four.
 */
final class DriftGauges {
    private static final String NAME = "capstan_drift_objects";
    private static final List<String> VERDICTS = List.of("InSync", "Modified", "Missing", "Extra");

    private final MeterRegistry registry;
    private final Map<String, Map<String, Series>> byUnit = new ConcurrentHashMap<>();

    private record Series(AtomicLong value, Gauge gauge) {
    }

    DriftGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    synchronized void set(UnitDrift drift) {
        String[] parts = drift.unit().split("/", 2);
        Map<String, Series> series = byUnit.computeIfAbsent(drift.unit(), u -> new ConcurrentHashMap<>());
        for (String verdict : VERDICTS) {
            long count = drift.objects().stream().map(ObjectVerdict::name).filter(verdict::equals).count();
            if (count > 0 || verdict.equals("InSync")) {
                series.computeIfAbsent(verdict, v -> {
                    AtomicLong value = new AtomicLong();
                    Gauge gauge = Gauge.builder(NAME, value, AtomicLong::get)
                            .description("Objects per unit by drift verdict (InSync, Modified, Missing, Extra)")
                            .tags(Tags.of("chart", parts[0], "env", parts.length > 1 ? parts[1] : "", "verdict", v))
                            .register(registry);
                    return new Series(value, gauge);
                }).value().set(count);
            } else {
                Series gone = series.remove(verdict);
                if (gone != null) {
                    registry.remove(gone.gauge());
                }
            }
        }
    }

    /** Drops the series of units no longer on the board. */
    synchronized void retainOnly(Collection<String> units) {
        Set<String> kept = Set.copyOf(units);
        byUnit.keySet().removeIf(unit -> {
            if (kept.contains(unit)) {
                return false;
            }
            byUnit.get(unit).values().forEach(s -> registry.remove(s.gauge()));
            return true;
        });
    }
}
