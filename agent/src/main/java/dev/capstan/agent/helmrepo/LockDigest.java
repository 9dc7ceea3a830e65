package dev.capstan.agent.helmrepo;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The digest Helm writes into {@code Chart.lock} and checks in {@code helm dependency build}: sha256 of Go's JSON of
 * {@code [Chart.yaml's dependencies, the lock's dependencies]} (Helm's {@code resolver.HashReq}). Field order, omitted
 * empty fields, sorted map keys and Go's string escaping are Go's, so the digest is byte-for-byte Helm's.
 */
final class LockDigest {
    private static final List<String> FIELDS = List.of("name", "version", "repository", "condition", "tags", "enabled",
            "import-values", "alias");
    /** Always written, even empty (no {@code omitempty} in Helm's struct tags). */
    private static final List<String> ALWAYS = List.of("name", "repository");

    private LockDigest() {
    }

    static String of(List<Map<String, Object>> required, List<Map<String, Object>> locked) {
        StringBuilder json = new StringBuilder("[");
        list(json, required);
        json.append(',');
        list(json, locked);
        json.append(']');
        return Digests.sha256(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void list(StringBuilder json, List<Map<String, Object>> dependencies) {
        if (dependencies == null) {
            json.append("null");
            return;
        }
        json.append('[');
        for (int i = 0; i < dependencies.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            dependency(json, dependencies.get(i));
        }
        json.append(']');
    }

    private static void dependency(StringBuilder json, Map<String, Object> dependency) {
        if (dependency == null) {
            json.append("null");
            return;
        }
        json.append('{');
        boolean first = true;
        for (String field : FIELDS) {
            Object value = dependency.get(field);
            String encoded = switch (field) {
                case "tags" -> nonEmptyList(value) ? array(value) : null;
                case "enabled" -> Boolean.TRUE.equals(value) ? "true" : null;
                case "import-values" -> nonEmptyList(value) ? value(value) : null;
                default -> {
                    String text = value == null ? "" : scalar(value);
                    yield text.isEmpty() && !ALWAYS.contains(field) ? null : string(text);
                }
            };
            if (encoded == null) {
                continue;
            }
            json.append(first ? "" : ",").append(string(field)).append(':').append(encoded);
            first = false;
        }
        json.append('}');
    }

    private static boolean nonEmptyList(Object value) {
        return value instanceof List<?> list && !list.isEmpty();
    }

    private static String array(Object value) {
        StringBuilder out = new StringBuilder("[");
        List<?> list = (List<?>) value;
        for (int i = 0; i < list.size(); i++) {
            out.append(i > 0 ? "," : "").append(string(list.get(i) == null ? "" : scalar(list.get(i))));
        }
        return out.append(']').toString();
    }

    /** Any value as Go's {@code encoding/json} writes an {@code interface{}} read from YAML. */
    private static String value(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> entry : new TreeMap<>(stringKeys(map)).entrySet()) {
                out.append(first ? "" : ",").append(string(entry.getKey().toString())).append(':')
                        .append(value(entry.getValue()));
                first = false;
            }
            return out.append('}').toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                out.append(i > 0 ? "," : "").append(value(list.get(i)));
            }
            return out.append(']').toString();
        }
        if (value instanceof Boolean || value instanceof Number) {
            return value.toString();
        }
        return string(value.toString());
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static String scalar(Object value) {
        return value.toString();
    }

    /** Go's JSON string: HTML-safe ({@code <>&} escaped), U+2028/9 escaped, control characters as \\u00XX. */
    static String string(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
