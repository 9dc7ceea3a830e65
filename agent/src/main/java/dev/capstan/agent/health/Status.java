package dev.capstan.agent.health;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Null-safe reads of YAML-shaped object content (maps, lists, scalars). */
final class Status {
    private Status() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> object, String... path) {
        Object current = object;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) {
                return Map.of();
            }
            current = m.get(key);
        }
        return current instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> object, String key) {
        Object value = object.get(key);
        if (!(value instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().filter(Map.class::isInstance).map(item -> (Map<String, Object>) item).toList();
    }

    static long number(Map<String, Object> object, String key, long missing) {
        return object.get(key) instanceof Number n ? n.longValue() : missing;
    }

    static String text(Map<String, Object> object, String key) {
        Object value = object.get(key);
        return value == null ? "" : value.toString();
    }

    /** The condition of {@code type} in {@code status.conditions}, if present. */
    static Optional<Map<String, Object>> condition(Map<String, Object> object, String type) {
        return list(map(object, "status"), "conditions").stream()
                .filter(c -> type.equals(text(c, "type"))).findFirst();
    }

    static boolean conditionIs(Map<String, Object> object, String type, String status) {
        return condition(object, type).map(c -> status.equals(text(c, "status"))).orElse(false);
    }

    static String name(Map<String, Object> object) {
        return text(map(object, "metadata"), "name");
    }
}
