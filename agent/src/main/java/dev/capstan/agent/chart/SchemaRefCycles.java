package dev.capstan.agent.chart;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Finds {@code $ref} cycles in a schema that never move into the values: a schema that refers to itself in place
 * ({@code {"$ref": "#"}}, or through {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not}/{@code if}/{@code then}/
 * {@code else}) makes a validator recurse forever on any input. Recursion through {@code properties}, {@code items}
 * and the like is fine: each step goes one level down the (finite) values. Local JSON-pointer references only; the
 * validator never resolves others. Pure.
 */
final class SchemaRefCycles {
    private static final Set<String> IN_PLACE_LISTS = Set.of("allOf", "anyOf", "oneOf");
    private static final Set<String> IN_PLACE_SCHEMAS = Set.of("not", "if", "then", "else", "dependentSchemas");

    private SchemaRefCycles() {
    }

    /** The first cycle found, as pointers: {@code #/definitions/a -> #/definitions/b -> #/definitions/a}. */
    static Optional<String> find(JsonNode root) {
        Map<String, List<String>> edges = new HashMap<>();
        collect(root, "#", root, edges, 0);
        Map<String, Integer> state = new HashMap<>();
        for (String start : edges.keySet()) {
            List<String> cycle = dfs(start, edges, state, new ArrayList<>());
            if (!cycle.isEmpty()) {
                return Optional.of(String.join(" -> ", cycle));
            }
        }
        return Optional.empty();
    }

    /** Edges from each subschema to the schemas it applies in place through a local {@code $ref}. */
    private static void collect(JsonNode root, String pointer, JsonNode node, Map<String, List<String>> edges,
                                int depth) {
        if (depth > 200 || node == null) {
            return;
        }
        if (node.isObject()) {
            List<String> targets = new ArrayList<>();
            inPlaceRefs(node, targets, 0);
            if (!targets.isEmpty()) {
                edges.put(pointer, targets);
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                collect(root, pointer + "/" + escape(field.getKey()), field.getValue(), edges, depth + 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(root, pointer + "/" + i, node.get(i), edges, depth + 1);
            }
        }
    }

    /** Local refs reached from {@code node} without descending into the values. */
    private static void inPlaceRefs(JsonNode node, List<String> targets, int depth) {
        if (depth > 50 || node == null || !node.isObject()) {
            return;
        }
        JsonNode ref = node.get("$ref");
        if (ref != null && ref.isString() && ref.asString().startsWith("#")) {
            targets.add(normalize(ref.asString()));
        }
        for (String keyword : IN_PLACE_LISTS) {
            JsonNode list = node.get(keyword);
            if (list != null && list.isArray()) {
                list.forEach(item -> inPlaceRefs(item, targets, depth + 1));
            }
        }
        for (String keyword : IN_PLACE_SCHEMAS) {
            JsonNode sub = node.get(keyword);
            if (sub != null && sub.isObject()) {
                if (keyword.equals("dependentSchemas")) {
                    sub.forEach(item -> inPlaceRefs(item, targets, depth + 1));
                } else {
                    inPlaceRefs(sub, targets, depth + 1);
                }
            }
        }
    }

    private static List<String> dfs(String node, Map<String, List<String>> edges, Map<String, Integer> state,
                                    List<String> path) {
        Integer seen = state.get(node);
        if (seen != null && seen == 2) {
            return List.of();
        }
        path.add(node);
        if (seen != null && seen == 1) {
            return List.copyOf(path.subList(path.indexOf(node), path.size()));
        }
        state.put(node, 1);
        for (String next : edges.getOrDefault(node, List.of())) {
            // Only a target that itself refers on in place can continue a chain.
            if (edges.containsKey(next)) {
                List<String> cycle = dfs(next, edges, state, path);
                if (!cycle.isEmpty()) {
                    return cycle;
                }
            }
        }
        state.put(node, 2);
        path.remove(path.size() - 1);
        return List.of();
    }

    private static String normalize(String ref) {
        return ref.equals("#/") ? "#" : ref;
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
