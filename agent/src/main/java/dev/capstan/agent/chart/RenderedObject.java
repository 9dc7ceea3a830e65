package dev.capstan.agent.chart;

import java.util.Map;

/**
 * One object a chart rendered: its key, the template it came from (for error messages) and its content as plain
 * YAML-shaped data (maps, lists, scalars).
 */
public record RenderedObject(ObjectKey key, String sourceTemplate, Map<String, Object> content) {
}
