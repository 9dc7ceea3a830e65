package dev.capstan.agent.manifests;

import java.util.LinkedHashMap;
import java.util.Map;

/** JSON Merge Patch (RFC 7386) on YAML-shaped data: maps merge, anything else replaces, {@code null} deletes. Pure. */
final class MergePatch {
    private MergePatch() {
    }

    @SuppressWarnings("unchecked")
    static Object apply(Object target, Object patch) {
        if (!(patch instanceof Map<?, ?> patchMap)) {
            return patch;
        }
        Map<String, Object> result = target instanceof Map<?, ?> targetMap
                ? new LinkedHashMap<>((Map<String, Object>) targetMap) : new LinkedHashMap<>();
        ((Map<String, Object>) patchMap).forEach((key, value) -> {
            if (value == null) {
                result.remove(key);
            } else {
                result.put(key, apply(result.get(key), value));
            }
        });
        return result;
    }
}
