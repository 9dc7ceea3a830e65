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

    /**
     * The part of this plan whose units {@code units} accepts by id (a sharded replica's); a refused chart stays if
     * any of its environments' units is accepted.
     */
    public Plan onlyUnits(java.util.function.Predicate<String> units) {
        Map<String, String> refused = new java.util.HashMap<>(refusedCharts);
        refused.keySet().removeIf(chart -> config.environments().stream()
                .noneMatch(env -> units.test(chart + "/" + env.name())));
        return new Plan(config, this.units.stream().filter(u -> units.test(u.id())).toList(), refused);
    }
}
