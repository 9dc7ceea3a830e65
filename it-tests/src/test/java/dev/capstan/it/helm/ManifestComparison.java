package dev.capstan.it.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.Yaml;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares Capstan's render of a chart with Helm's, object by object. Removed first, and only: what Capstan adds by
 * design (its {@code capstan.dev/} labels and annotations, {@code app.kubernetes.io/managed-by}, the release
 * namespace on namespaced objects that Helm leaves without one). What differs between two Helm renders of the same
 * input (random passwords, generated certificates, checksums of them, random names) is compared by shape: the same
 * JSON type where Helm has it.
 */
final class ManifestComparison {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: (\\S+)\\s*$");
    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    /** One rendered object: where it came from and what it is. */
    record Doc(String source, ObjectNode content) {
        String key() {
            JsonNode metadata = content.path("metadata");
            return content.path("apiVersion").asText() + " " + content.path("kind").asText() + " "
                    + metadata.path("name").asText();
        }

        String sameTemplate() {
            return content.path("apiVersion").asText() + " " + content.path("kind").asText() + " " + source;
        }
    }

    private ManifestComparison() {
    }

    /** The objects of {@code helm template}'s output, each with its template (without the chart's name). */
    static List<Doc> parseHelm(String output, String chartName) {
        List<Doc> docs = new ArrayList<>();
        for (String chunk : SEPARATOR.split(output)) {
            Matcher source = SOURCE.matcher(chunk);
            String file = source.find() ? source.group(1) : "";
            file = file.startsWith(chartName + "/") ? file.substring(chartName.length() + 1) : file;
            for (Object document : Yaml.readDocuments(chunk, chartName, file)) {
                if (document != null) {
                    docs.add(new Doc(file, (ObjectNode) JSON.valueToTree(document)));
                }
            }
        }
        return docs;
    }

    /** Capstan's object, with what Capstan adds by design taken away. */
    static Doc fromCapstan(String source, Map<String, Object> content) {
        ObjectNode node = JSON.valueToTree(content);
        ObjectNode metadata = (ObjectNode) node.path("metadata");
        for (String field : List.of("labels", "annotations")) {
            if (metadata.get(field) instanceof ObjectNode map) {
                map.properties().removeIf(e -> e.getKey().startsWith("capstan.dev/")
                        || e.getKey().equals(Labels.MANAGED_BY) && e.getValue().asText().equals("capstan"));
            }
        }
        return new Doc(source, node);
    }

    /** Helm's object without {@code app.kubernetes.io/managed-by: Helm}, which Capstan replaces by design. */
    static Doc withoutManagedBy(Doc helm) {
        ObjectNode copy = helm.content().deepCopy();
        if (copy.path("metadata").get("labels") instanceof ObjectNode labels) {
            labels.remove(Labels.MANAGED_BY);
            if (labels.isEmpty()) {
                ((ObjectNode) copy.get("metadata")).remove("labels");
            }
        }
        return new Doc(helm.source(), copy);
    }

    /**
     * Every difference between Capstan's objects and Helm's first render, given Helm's second render of the same input
     * to tell random fields apart; empty when Capstan renders as Helm does.
     */
    static List<String> differences(List<Doc> capstan, List<Doc> helm, List<Doc> helmAgain, String namespace) {
        List<String> out = new ArrayList<>();
        Map<String, Doc> ours = byKey(capstan, out, "Capstan");
        Map<String, Doc> theirs = byKey(helm, out, "Helm");
        Map<String, Doc> again = byKey(helmAgain, new ArrayList<>(), "Helm");
        Map<String, Doc> unmatchedOurs = new LinkedHashMap<>(ours);
        unmatchedOurs.keySet().removeAll(theirs.keySet());
        Map<String, Doc> unmatchedTheirs = new LinkedHashMap<>(theirs);
        unmatchedTheirs.keySet().removeAll(ours.keySet());
        for (Map.Entry<String, Doc> entry : theirs.entrySet()) {
            Doc ourDoc = ours.get(entry.getKey());
            if (ourDoc != null) {
                Set<String> random = randomPaths(entry.getValue(), again.get(entry.getKey()));
                compare(entry.getKey(), "", ourDoc.content(), entry.getValue().content(), random, namespace, out);
            }
        }
        // A random name: the only object of its kind from that template on each side.
        for (Iterator<Map.Entry<String, Doc>> it = unmatchedTheirs.entrySet().iterator(); it.hasNext(); ) {
            Doc helmDoc = it.next().getValue();
            List<Doc> candidates = unmatchedOurs.values().stream()
                    .filter(d -> d.sameTemplate().equals(helmDoc.sameTemplate())).toList();
            List<Doc> helmSiblings = again.values().stream().filter(d -> d.sameTemplate()
                    .equals(helmDoc.sameTemplate()) && !theirs.containsKey(d.key())).toList();
            if (candidates.size() == 1 && helmSiblings.size() == 1) {
                Set<String> random = randomPaths(helmDoc, helmSiblings.get(0));
                compare(helmDoc.key() + " (random name)", "", candidates.get(0).content(), helmDoc.content(),
                        random, namespace, out);
                unmatchedOurs.remove(candidates.get(0).key());
                it.remove();
            }
        }
        unmatchedTheirs.keySet().forEach(key -> out.add(key + ": rendered by Helm, not by Capstan"));
        unmatchedOurs.keySet().forEach(key -> out.add(key + ": rendered by Capstan, not by Helm"));
        return out;
    }

    private static Map<String, Doc> byKey(List<Doc> docs, List<String> out, String who) {
        Map<String, Doc> map = new LinkedHashMap<>();
        for (Doc doc : docs) {
            if (map.put(doc.key(), doc) != null) {
                out.add(doc.key() + ": rendered twice by " + who);
            }
        }
        return map;
    }

    private static Set<String> randomPaths(Doc first, Doc second) {
        Set<String> paths = new HashSet<>();
        if (second != null) {
            collectDifferences("", first.content(), second.content(), paths);
        }
        return paths;
    }

    private static void collectDifferences(String path, JsonNode a, JsonNode b, Set<String> paths) {
        if (Objects.equals(a, b)) {
            return;
        }
        if (a != null && b != null && a.isObject() && b.isObject()) {
            Set<String> names = new HashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            names.forEach(name -> collectDifferences(path + "." + name, a.get(name), b.get(name), paths));
        } else if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                collectDifferences(path + "[" + i + "]", a.get(i), b.get(i), paths);
            }
        } else {
            paths.add(path);
        }
    }

    private static void compare(String key, String path, JsonNode ours, JsonNode theirs, Set<String> random,
                                String namespace, List<String> out) {
        if (path.equals(".metadata.namespace") && theirs == null && ours != null && ours.asText().equals(namespace)) {
            return; // Capstan names the release namespace on every namespaced object, by design.
        }
        if ((path.equals(".metadata.labels") || path.equals(".metadata.annotations")) && theirs == null
                && ours != null && ours.isEmpty()) {
            return; // the map Capstan added for its own labels or annotations, now taken away
        }
        if (random.contains(path)) {
            if (ours == null || theirs == null || ours.getNodeType() != theirs.getNodeType()) {
                out.add(key + " " + path + ": Helm renders a random " + type(theirs) + ", Capstan " + type(ours));
            }
            return;
        }
        if (Objects.equals(ours, theirs)) {
            return;
        }
        if (ours != null && theirs != null && ours.isObject() && theirs.isObject()) {
            Set<String> names = new java.util.TreeSet<>();
            ours.fieldNames().forEachRemaining(names::add);
            theirs.fieldNames().forEachRemaining(names::add);
            names.forEach(name -> compare(key, path + "." + name, ours.get(name), theirs.get(name), random, namespace,
                    out));
        } else if (ours != null && theirs != null && ours.isArray() && theirs.isArray()
                && ours.size() == theirs.size()) {
            for (int i = 0; i < ours.size(); i++) {
                compare(key, path + "[" + i + "]", ours.get(i), theirs.get(i), random, namespace, out);
            }
        } else {
            out.add(key + " " + path + ": Helm " + brief(theirs) + ", Capstan " + brief(ours));
        }
    }

    private static String type(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String brief(JsonNode node) {
        String text = node == null ? "(absent)" : node.toString();
        return text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }
}
