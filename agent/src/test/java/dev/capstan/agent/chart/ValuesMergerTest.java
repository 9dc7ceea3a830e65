package dev.capstan.agent.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.model.Yaml;
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
    void aMapReplacingAScalarKeepsItsNullsAsHelmDoes() {
        Map<String, Object> inner = new HashMap<>();
        inner.put("keep", 1);
        inner.put("drop", null);

        assertThat(ValuesMerger.merge(Map.of("x", "scalar"), Map.of("x", inner))).isEqualTo(Map.of("x", inner));
    }

    /** Helm 3.19 chartutil TestCoalesceValues, the chart's own values (no subcharts, no globals). */
    @Test
    void helmCoalesceValues() {
        Map<String, Object> user = Yaml.readMap("""
                top: yup
                bottom: null
                right: Null
                left: NULL
                front: ~
                back: ""
                nested:
                  boat: null
                """, "moby", "values.user.yaml");
        Map<String, Object> defaults = Yaml.readMap("""
                back: exists
                bottom: exists
                front: exists
                left: exists
                name: moby
                nested: {boat: true}
                override: bad
                right: exists
                scope: moby
                top: nope
                """, "moby", "values.yaml");

        Map<String, Object> merged = ValuesMerger.merge(defaults, user);

        assertThat(merged).containsEntry("top", "yup").containsEntry("back", "").containsEntry("name", "moby")
                .containsEntry("scope", "moby").containsEntry("override", "bad")
                .doesNotContainKeys("bottom", "right", "left", "front");
        assertThat(merged.get("nested")).isEqualTo(Map.of());
    }

    /** Helm 3.19 chartutil TestCoalesceTables: the user's values ({@code dst}) over the defaults ({@code src}). */
    @Test
    void helmCoalesceTables() {
        Map<String, Object> user = Yaml.readMap("""
                name: Ishmael
                address: {street: 123 Spouter Inn Ct., city: Nantucket, country: null}
                details: {friends: [Tashtego]}
                boat: pequod
                hole: null
                """, "c", "values.user.yaml");
        Map<String, Object> defaults = Yaml.readMap("""
                occupation: whaler
                address: {state: MA, street: 234 Spouter Inn Ct., country: US}
                details: empty
                boat: {mast: true}
                hole: black
                """, "c", "values.yaml");

        Map<String, Object> merged = ValuesMerger.merge(Map.of("root", defaults), Map.of("root", user));

        assertThat(merged.get("root")).isEqualTo(Map.of("name", "Ishmael", "occupation", "whaler",
                "address", Map.of("street", "123 Spouter Inn Ct.", "city", "Nantucket", "state", "MA"),
                "details", Map.of("friends", List.of("Tashtego")), "boat", "pequod"));
    }

    @Test
    void anEmptyValueIsNullAndDeletesLikeHelm() {
        Map<String, Object> user = Yaml.readMap("resources:\nnodeSelector: {}\n", "c", "values.prod.yaml");

        Map<String, Object> merged = ValuesMerger.merge(Map.of("resources", Map.of("limits", Map.of("cpu", "1")),
                "nodeSelector", Map.of("zone", "a")), user);

        assertThat(merged).doesNotContainKey("resources").containsEntry("nodeSelector", Map.of("zone", "a"));
    }

    @Test
    void aTopLevelNullWithNothingToDeleteStaysNullAndNullsInValuesYamlStay() {
        Map<String, Object> user = Yaml.readMap("extra: null\nnested: {gone: null}\n", "c", "values.prod.yaml");
        Map<String, Object> defaults = Yaml.readMap("kept: null\nnested: {a: 1}\n", "c", "values.yaml");

        Map<String, Object> merged = ValuesMerger.merge(defaults, user);

        assertThat(merged).containsKey("extra").containsKey("kept");
        assertThat(merged.get("extra")).isNull();
        assertThat(merged.get("kept")).as("Helm 3 keeps it; Helm 4.2 would remove it").isNull();
        assertThat(merged.get("nested")).as("inside a merged map a user null is dropped").isEqualTo(Map.of("a", 1));
    }

    @Test
    void keysKeepTheDefaultsOrderThenTheUsersAdditions() {
        Map<String, Object> merged = ValuesMerger.merge(Yaml.readMap("b: 1\na: 2\n", "c", "v"),
                Yaml.readMap("z: 3\na: 4\n", "c", "v"));

        assertThat(merged.keySet()).containsExactly("b", "a", "z");
    }

    @Test
    void inputsAreNotModified() {
        Map<String, Object> base = new HashMap<>(Map.of("a", new HashMap<>(Map.of("b", 1))));
        ValuesMerger.merge(base, Map.of("a", Map.of("c", 2)));

        assertThat(base).isEqualTo(Map.of("a", Map.of("b", 1)));
    }
}
