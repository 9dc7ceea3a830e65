package dev.capstan.agent.chart;

import dev.capstan.agent.model.Capabilities;

/**
 * One unit to render: a chart's files for an environment at a commit.
 *
 * @param namespace the environment's default namespace, given to namespaced objects that declare none
 * @param revision  the release revision this render is for (0 when not deploying, e.g. {@code capstan render})
 */
public record RenderRequest(ChartFiles chart, String env, String namespace, String commit, long revision,
                            Capabilities capabilities) {
}
