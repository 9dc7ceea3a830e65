package dev.capstan.agent.drift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Walks a field manager's {@code fieldsV1} set (server-side apply's record of which fields it owns) over two versions
 * of an object and reports the owned fields that differ. Everything the set does not name (defaults, status, fields
 * other managers own, like an HPA's replicas) is never compared: that is what keeps drift free of noise. Pure.
 */
public final class OwnedFields {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OwnedFields() {
    }

    /** Owned fields where {@code live} differs from {@code desired} (the server's dry-run of the apply). */
    public static List<FieldChange> diff(Map<String, Object> fieldsV1, Object desired, Object live) {
        List<FieldChange> changes = new ArrayList<>();
        walk(fieldsV1, desired, live, "", changes);
        return changes;
    }

    /** Only the owned fields of {@code object}: what a readable diff should show. */
    public static Object project(Map<String, Object> fieldsV1, Object object) {
        return projectNode(fieldsV1, object);
    }

    @SuppressWarnings("unchecked")
    private static void walk(Map<String, Object> fields, Object desired, Object live, String path,
                             List<FieldChange> changes) {
        for (Map.Entry<String, Object> entry : fields.entrySet()) {
            String key = entry.getKey();
            Map<String, Object> sub = entry.getValue() instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            if (key.equals(".")) {
                continue;
            }
            if (key.startsWith("f:")) {
                String name = key.substring(2);
                String childPath = path.isEmpty() ? name : path + "." + name;
                compare(sub, field(desired, name), field(live, name), childPath, changes);
            } else if (key.startsWith("k:")) {
                Map<String, Object> itemKey = parseKey(key.substring(2));
                String childPath = path + "[" + describe(itemKey) + "]";
                compare(sub, element(desired, itemKey), element(live, itemKey), childPath, changes);
            } else if (key.startsWith("v:")) {
                Object value = parseValue(key.substring(2));
                boolean wanted = contains(desired, value);
                boolean present = contains(live, value);
                if (wanted != present) {
                    changes.add(new FieldChange(path + "[" + value + "]", present ? value : null,
                            wanted ? value : null));
                }
            } else if (key.startsWith("i:")) {
                int index = Integer.parseInt(key.substring(2));
                compare(sub, index(desired, index), index(live, index), path + "[" + index + "]", changes);
            }
        }
    }

    private static void compare(Map<String, Object> sub, Object desired, Object live, String path,
                                List<FieldChange> changes) {
        boolean leaf = sub.isEmpty() || sub.keySet().stream().allMatch("."::equals);
        if (leaf || desired == null || live == null) {
            if (!Objects.equals(normalize(desired), normalize(live))) {
                changes.add(new FieldChange(path, live, desired));
            }
            return;
        }
        walk(sub, desired, live, path, changes);
    }

    @SuppressWarnings("unchecked")
    private static Object projectNode(Map<String, Object> fields, Object object) {
        if (object instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : fields.entrySet()) {
                if (!entry.getKey().startsWith("f:")) {
                    continue;
                }
                String name = entry.getKey().substring(2);
                if (!map.containsKey(name)) {
                    continue;
                }
                Map<String, Object> sub = entry.getValue() instanceof Map<?, ?> m ? (Map<String, Object>) m
                        : Map.of();
                boolean leaf = sub.isEmpty() || sub.keySet().stream().allMatch("."::equals);
                result.put(name, leaf ? map.get(name) : projectNode(sub, map.get(name)));
            }
            return result;
        }
        if (object instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            for (Map.Entry<String, Object> entry : fields.entrySet()) {
                Map<String, Object> sub = entry.getValue() instanceof Map<?, ?> m ? (Map<String, Object>) m
                        : Map.of();
                if (entry.getKey().startsWith("k:")) {
                    Object item = element(list, parseKey(entry.getKey().substring(2)));
                    if (item != null) {
                        result.add(projectNode(sub, item));
                    }
                } else if (entry.getKey().startsWith("v:")) {
                    result.add(parseValue(entry.getKey().substring(2)));
                }
            }
            return result.isEmpty() ? list : result;
        }
        return object;
    }

    private static Object field(Object node, String name) {
        return node instanceof Map<?, ?> map ? map.get(name) : null;
    }

    private static Object element(Object node, Map<String, Object> itemKey) {
        if (!(node instanceof List<?> list)) {
            return null;
        }
        for (Object item : list) {
            if (item instanceof Map<?, ?> map && itemKey.entrySet().stream()
                    .allMatch(e -> Objects.equals(normalize(e.getValue()), normalize(map.get(e.getKey()))))) {
                return item;
            }
        }
        return null;
    }

    private static Object index(Object node, int index) {
        return node instanceof List<?> list && index < list.size() ? list.get(index) : null;
    }

    private static boolean contains(Object node, Object value) {
        return node instanceof List<?> list && list.stream().anyMatch(v -> Objects.equals(normalize(v),
                normalize(value)));
    }

    /** Numbers compare by value (YAML's 1 and JSON's 1.0 are the same replicas), everything else by equals. */
    private static Object normalize(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> result = new LinkedHashMap<>();
            map.forEach((k, v) -> result.put(k, normalize(v)));
            return result;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(OwnedFields::normalize).toList();
        }
        return value;
    }

    private static String describe(Map<String, Object> itemKey) {
        StringBuilder out = new StringBuilder();
        itemKey.forEach((k, v) -> out.append(out.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseKey(String json) {
        try {
            return JSON.readValue(json, LinkedHashMap.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("managedFields list key is not JSON: " + json, e);
        }
    }

    private static Object parseValue(String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("managedFields set value is not JSON: " + json, e);
        }
    }
}
