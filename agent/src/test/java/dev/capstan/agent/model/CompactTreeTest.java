package dev.capstan.agent.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompactTreeTest {

    @Test
    @SuppressWarnings("unchecked")
    void aFrozenTreeEqualsItsSourceAndKeepsTheOrderOfKeys() {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("z", "last-first");
        labels.put("a", "second");
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("kind", "Deployment");
        source.put("metadata", new LinkedHashMap<>(Map.of("name", "web", "labels", labels)));
        source.put("items", new ArrayList<>(Arrays.asList(1, null, "x", List.of(Map.of("k", true)))));
        source.put("empty", new LinkedHashMap<>());
        source.put("nothing", null);

        Map<String, Object> frozen = CompactTree.freeze(source);

        assertThat(frozen).isEqualTo(source).hasSameHashCodeAs(source);
        assertThat(frozen.keySet()).containsExactly("kind", "metadata", "items", "empty", "nothing");
        Map<String, Object> metadata = (Map<String, Object>) frozen.get("metadata");
        assertThat(((Map<String, Object>) metadata.get("labels")).keySet()).containsExactly("z", "a");
        assertThat(frozen.get("items")).isEqualTo(Arrays.asList(1, null, "x", List.of(Map.of("k", true))));
        assertThat(frozen).containsKey("nothing").doesNotContainKey("other");
        assertThat(frozen.get("other")).isNull();
    }

    @Test
    void aFrozenTreeCannotBeChangedAtAnyDepth() {
        Map<String, Object> frozen = CompactTree.freeze(Map.of("spec", Map.of("ports", List.of(Map.of("port", 80)))));
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) frozen.get("spec");
        @SuppressWarnings("unchecked")
        List<Object> ports = (List<Object>) spec.get("ports");

        assertThatThrownBy(() -> frozen.put("kind", "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> spec.remove("ports")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ports.add(1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> frozen.entrySet().iterator().next().setValue(1))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aLargeMapKeepsItsEntriesAndOrderBehindAnIndex() {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 100; i > 0; i--) {
            data.put("key-" + i, "value-" + i);
        }

        Map<String, Object> frozen = CompactTree.freeze(data);

        assertThat(frozen).isEqualTo(data);
        assertThat(frozen.keySet()).containsExactlyElementsOf(data.keySet());
        assertThat(frozen.get("key-42")).isEqualTo("value-42");
        assertThatThrownBy(() -> frozen.put("key-1", "x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void freezingAFrozenTreeReturnsItAndShortStringsAreShared() {
        Map<String, Object> frozen = CompactTree.freeze(Map.of("name", new String("web".toCharArray())));

        assertThat(CompactTree.freeze(frozen)).isSameAs(frozen);
        assertThat(frozen.get("name")).isSameAs("web");
    }
}
