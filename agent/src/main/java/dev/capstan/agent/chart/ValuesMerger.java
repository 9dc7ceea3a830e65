package dev.capstan.agent.chart;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Helm 3's values coalescing ({@code chartutil.CoalesceValues}, Helm 3.19), with the environment's file as the
 * user's values over the chart's {@code values.yaml}:
 * <ul>
 *   <li>maps merge deeply; lists and scalars replace; a user's scalar or list also replaces a default map, and a
 *   user's map a default scalar (Helm warns and keeps the user's);</li>
 *   <li>a user's {@code null} deletes the key; inside a merged map every user {@code null} is dropped, while a
 *   top-level {@code key: null} with no default to delete stays {@code null};</li>
 *   <li>nulls left in {@code values.yaml} itself stay (Helm 3; Helm 4.2 removes them).</li>
 * </ul>
 * Keys keep their order: the defaults' first, then the user's additions, so output stays stable byte for byte. Pure.
 */
public final class ValuesMerger {
    private ValuesMerger() {
    }

    /** Returns a new map: {@code overlay} (the user's values) laid over {@code base}. Neither is modified. */
    public static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overlay) {
        return coalesce(overlay, base, true);
    }

    /**
     * Helm's {@code coalesceValues} at the top level and {@code coalesceTablesFullKey} (without merge) below it:
     * they differ only in that a user's {@code null} with no default to delete stays at the top level.
     */
    private static Map<String, Object> coalesce(Map<String, Object> user, Map<String, Object> defaults,
                                                boolean topLevel) {
        Map<String, Object> result = new LinkedHashMap<>();
        defaults.forEach((key, defaultValue) -> {
            if (!user.containsKey(key)) {
                result.put(key, copy(defaultValue));
                return;
            }
            Object value = user.get(key);
            if (value == null) {
                return;
            }
            result.put(key, value instanceof Map<?, ?> userMap && defaultValue instanceof Map<?, ?> defaultMap
                    ? coalesce(asStringMap(userMap), asStringMap(defaultMap), false) : copy(value));
        });
        user.forEach((key, value) -> {
            if (!defaults.containsKey(key) && (topLevel || value != null)) {
                result.put(key, copy(value));
            }
        });
        return result;
    }

    private static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            asStringMap(map).forEach((k, v) -> copy.put(k, copy(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(copy(v)));
            return copy;
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asStringMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
