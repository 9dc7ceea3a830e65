package dev.capstan.agent.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesMergerTest {

    @Test
    void mapsMergeDeeplyAndScalarsReplace() {
        Map<String, Object> base = Map.of("image", Map.of("repository", "shop/api", "tag", "1.0"), "replicas", 2);
        Map<String, Object> overlay = Map.of("image", Map.of("tag", "1.1"));

        assertThat(ValuesMerger.merge(base, overlay)).isEqualTo(
                Map.of("image", Map.of("repository", "shop/api", "tag", "1.1"), "replicas", 2));
    }

    @Test
    void listsReplaceWhole() {
        Map<String, Object> merged = ValuesMerger.merge(Map.of("hosts", List.of("a", "b")),
                Map.of("hosts", List.of("c")));

        assertThat(merged).containsEntry("hosts", List.of("c"));
    }

    @Test
    void explicitNullDeletesAKeyAtAnyDepth() {
        Map<String, Object> overlay = new HashMap<>();
        Map<String, Object> nested = new HashMap<>();
        nested.put("limits", null);
        overlay.put("resources", nested);
        overlay.put("debug", null);

        Map<String, Object> merged = ValuesMerger.merge(Map.of("debug", true, "resources",
                Map.of("limits", Map.of("memory", "1Gi"), "requests", Map.of("cpu", "1"))), overlay);

        assertThat(merged).doesNotContainKey("debug");
        assertThat(merged).containsEntry("resources", Map.of("requests", Map.of("cpu", "1")));
    }

    @Test
    void aMapReplacingAScalarLosesItsNulls() {
        Map<String, Object> inner = new HashMap<>();
        inner.put("keep", 1);
        inner.put("drop", null);

        assertThat(ValuesMerger.merge(Map.of("x", "scalar"), Map.of("x", inner)))
                .isEqualTo(Map.of("x", Map.of("keep", 1)));
    }

    @Test
    void inputsAreNotModified() {
        Map<String, Object> base = new HashMap<>(Map.of("a", new HashMap<>(Map.of("b", 1))));
        ValuesMerger.merge(base, Map.of("a", Map.of("c", 2)));

        assertThat(base).isEqualTo(Map.of("a", Map.of("b", 1)));
    }
}
