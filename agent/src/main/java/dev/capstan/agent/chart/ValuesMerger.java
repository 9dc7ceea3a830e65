package dev.capstan.agent.chart;

import java.util.LinkedHashMap;
import java.util.Map;

/** Helm's values layering: maps merge deeply, lists and scalars replace, an explicit {@code null} deletes the key. */
public final class ValuesMerger {
    private ValuesMerger() {
    }

    /** Returns a new map: {@code overlay} laid over {@code base}. Neither input is modified. */
    public static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overlay) {
        Map<String, Object> result = new LinkedHashMap<>(base);
        for (Map.Entry<String, Object> entry : overlay.entrySet()) {
            String key = entry.getKey();
            Object over = entry.getValue();
            if (over == null) {
                result.remove(key);
            } else if (over instanceof Map<?, ?> overMap && result.get(key) instanceof Map<?, ?> baseMap) {
                result.put(key, merge(asStringMap(baseMap), asStringMap(overMap)));
            } else {
                result.put(key, withoutNulls(over));
            }
        }
        return result;
    }

    /** A null inside a map that replaces nothing still means "absent", as in Helm. */
    private static Object withoutNulls(Object value) {
        if (value instanceof Map<?, ?> map) {
            return merge(Map.of(), asStringMap(map));
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asStringMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
