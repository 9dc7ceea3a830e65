package dev.capstan.agent.plan;

import dev.capstan.agent.config.RepoConfig;
import java.util.List;
import java.util.Map;

/**
 * The units of one commit, in environment (promotion) order, charts sorted within an environment; and the chart
 * directories that cannot be units, each with why (by a printable form of its name).
 */
public record Plan(RepoConfig config, List<Unit> units, Map<String, String> refusedCharts) {
    public Plan {
        units = List.copyOf(units);
        refusedCharts = Map.copyOf(refusedCharts);
    }

    public Plan(RepoConfig config, List<Unit> units) {
        this(config, units, Map.of());
    }

    /** The part of this plan whose charts {@code charts} accepts (a sharded replica's units). */
    public Plan onlyCharts(java.util.function.Predicate<String> charts) {
        Map<String, String> refused = new java.util.HashMap<>(refusedCharts);
        refused.keySet().removeIf(chart -> !charts.test(chart));
        return new Plan(config, units.stream().filter(u -> charts.test(u.chart())).toList(), refused);
    }
}
