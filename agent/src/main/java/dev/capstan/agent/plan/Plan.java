package dev.capstan.agent.plan;

import dev.capstan.agent.config.RepoConfig;
import java.util.List;

/** The units of one commit, in environment (promotion) order, charts sorted within an environment. */
public record Plan(RepoConfig config, List<Unit> units) {
    public Plan {
        units = List.copyOf(units);
    }
}
