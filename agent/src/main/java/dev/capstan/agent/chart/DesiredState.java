package dev.capstan.agent.chart;

import java.util.List;

/**
 * Everything one unit (chart x environment) should look like at one commit: the ordered objects, the exact manifest
 * text they were rendered to, and its SHA-256 digest. Same commit in, same bytes and digest out.
 */
public record DesiredState(String chart, String env, String commit, List<RenderedObject> objects, String manifest,
                           String digest) {

    public DesiredState {
        objects = List.copyOf(objects);
    }
}
