package dev.capstan.agent.plan;

import dev.capstan.agent.config.Environment;

/** One chart in one environment: the thing Capstan renders, diffs, applies and rolls back as a whole. */
public record Unit(String chart, Environment env) {
    public String id() {
        return chart + "/" + env.name();
    }
}
