package dev.capstan.agent.chart;

import java.util.List;

/**
 * Everything one unit (chart x environment) should look like at one commit: the objects in install order and the
 * SHA-256 digest of their canonical JSON. Same commit in, same objects and digest out. The YAML manifest is made
 * on demand ({@link #manifest()}): the reconcile path needs only objects and digest.
 */
public record DesiredState(String chart, String env, String commit, List<RenderedObject> objects, String digest) {

    public DesiredState {
        objects = List.copyOf(objects);
    }

    /** Multi-document YAML, each document headed by {@code # Source: chart/templates/file.yaml}, like helm. */
    public String manifest() {
        StringBuilder out = new StringBuilder();
        for (RenderedObject object : objects) {
            out.append("---\n# Source: ").append(chart).append('/').append(object.sourceTemplate()).append('\n')
                    .append(Yaml.write(object.content()));
        }
        return out.toString();
    }
}
