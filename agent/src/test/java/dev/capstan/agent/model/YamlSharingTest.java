package dev.capstan.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parsed documents, once held (frozen, as every rendered object is), share their keys and short strings: a thousand
 * units do not hold "metadata" a thousand times.
 */
class YamlSharingTest {
    private static final String DOCUMENT = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a, labels: {app.kubernetes.io/name: web}}
            data: {empty: null, list: [x, {key: y}], long: "%s"}
            """.formatted("z".repeat(100));

    @Test
    @SuppressWarnings("unchecked")
    void twoHeldParsesShareKeysAndShortValuesAndKeepOrderAndContent() {
        Map<String, Object> first = CompactTree.freeze((Map<String, Object>) Yaml.readDocuments(DOCUMENT, "c", "f")
                .get(0));
        Map<String, Object> second = CompactTree.freeze((Map<String, Object>) Yaml.readDocuments(DOCUMENT, "c", "f")
                .get(0));

        assertThat(first).containsExactlyEntriesOf(second);
        assertThat(first.keySet()).containsExactly("apiVersion", "kind", "metadata", "data");
        assertThat(first.keySet().iterator().next()).isSameAs(second.keySet().iterator().next());
        Map<String, Object> labels = (Map<String, Object>) ((Map<String, Object>) first.get("metadata")).get("labels");
        Map<String, Object> labelsAgain = (Map<String, Object>) ((Map<String, Object>) second.get("metadata"))
                .get("labels");
        assertThat(labels.get("app.kubernetes.io/name")).isSameAs(labelsAgain.get("app.kubernetes.io/name"));
        Map<String, Object> data = (Map<String, Object>) first.get("data");
        assertThat(data).containsEntry("empty", null);
        assertThat((List<Object>) data.get("list")).containsExactly("x", Map.of("key", "y"));
        assertThat(data.get("long")).isEqualTo("z".repeat(100))
                .isNotSameAs(((Map<String, Object>) second.get("data")).get("long"));
    }
}
