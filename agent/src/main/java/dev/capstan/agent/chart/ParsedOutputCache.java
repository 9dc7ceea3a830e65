package dev.capstan.agent.chart;

import dev.capstan.agent.model.CompactTree;
import dev.capstan.agent.model.Yaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsed YAML documents by the exact text a template rendered. A commit usually changes one template's output; the
 * other templates of the chart render byte-identical text, and parsing YAML is the most expensive step of a render.
 * Bounded by the total size of the texts held. Entries are kept compact and read-only; hits are deep copies, so callers
 * may modify what they get.
 */
final class ParsedOutputCache {
    private final long maxChars;
    private long chars;
    private final LinkedHashMap<String, List<Object>> entries = new LinkedHashMap<>(64, 0.75f, true);

    ParsedOutputCache(long maxChars) {
        this.maxChars = maxChars;
    }

    List<Object> documents(String output, String unit, String template) {
        List<Object> cached;
        synchronized (this) {
            cached = entries.get(output);
        }
        if (cached != null) {
            return deepCopy(cached);
        }
        List<Object> parsed = Yaml.readDocuments(output, unit, template);
        if (maxChars > 0 && output.length() <= maxChars / 4) {
            synchronized (this) {
                if (entries.put(output, frozen(parsed)) == null) {
                    chars += output.length();
                }
                var eldest = entries.entrySet().iterator();
                while (chars > maxChars && eldest.hasNext()) {
                    chars -= eldest.next().getKey().length();
                    eldest.remove();
                }
            }
        }
        return parsed;
    }

    /** What the cache holds: read-only and compact ({@link CompactTree}); hits are copied out of it. */
    private static List<Object> frozen(List<Object> documents) {
        return documents.stream().map(CompactTree::freezeValue).toList();
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>(map.size() * 2);
            map.forEach((k, v) -> copy.put(k, deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return value;
    }
}
