package dev.capstan.agent.helm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** Values as Helm merges a user's values file over a chart's {@code values.yaml}. Pure. */
final class HelmValues {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HelmValues() {
    }

    /**
     * {@code overrides} over {@code defaults}, as Helm's {@code coalesce}: maps merge key by key, any other value
     * replaces, and {@code null} deletes the chart's key.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> coalesce(Map<String, Object> defaults, Map<String, Object> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(defaults);
        overrides.forEach((key, value) -> {
            Object current = merged.get(key);
            if (value == null) {
                merged.remove(key);
            } else if (value instanceof Map<?, ?> map && current instanceof Map<?, ?> base) {
                merged.put(key, coalesce((Map<String, Object>) base, (Map<String, Object>) map));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    /** JSON, which Helm reads as YAML with no doubt about any value's type ({@code on}, {@code 012}, dates). */
    static String asJson(Map<String, Object> values) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
