package dev.capstan.agent.model;

import java.util.Map;

/**
 * One object a chart rendered: its key, the template it came from (for error messages) and its content as plain
 * YAML-shaped data (maps, lists, scalars), read-only and compact ({@link CompactTree}): a unit's objects are held
 * from one commit to the next. To change an object, copy its content.
 */
public record RenderedObject(ObjectKey key, String sourceTemplate, Map<String, Object> content) {

    public RenderedObject {
        content = CompactTree.freeze(content);
    }
}
