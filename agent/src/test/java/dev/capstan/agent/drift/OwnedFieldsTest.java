package dev.capstan.agent.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnedFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The shape kube-apiserver writes for a Deployment applied with two containers. */
    private static final String FIELDS = """
            {"f:metadata":{"f:labels":{".":{},"f:app":{}}},
             "f:spec":{"f:replicas":{},
               "f:template":{"f:spec":{"f:containers":{
                 "k:{\\"name\\":\\"api\\"}":{".":{},"f:image":{},"f:name":{},
                   "f:ports":{"k:{\\"containerPort\\":8080,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}},
                 "k:{\\"name\\":\\"sidecar\\"}":{".":{},"f:image":{},"f:name":{}}}}}},
             "f:finalizers":{"v:\\"capstan.dev/keep\\"":{}}}
            """;

    @Test
    void identicalOwnedFieldsAreInSyncWhateverElseDiffers() {
        Map<String, Object> desired = deployment("shop/api:1.0", 3);
        Map<String, Object> live = deployment("shop/api:1.0", 3);
        live.put("status", Map.of("availableReplicas", 3));
        ((Map<String, Object>) spec(live)).put("progressDeadlineSeconds", 600);

        assertThat(OwnedFields.diff(fields(), desired, live)).isEmpty();
    }

    @Test
    void aChangedOwnedFieldIsNamedByItsPathWithBothValues() {
        List<FieldChange> changes = OwnedFields.diff(fields(), deployment("shop/api:1.1", 3),
                deployment("shop/api:1.0", 3));

        assertThat(changes).containsExactly(new FieldChange("spec.template.spec.containers[name=api].image",
                "shop/api:1.0", "shop/api:1.1"));
    }

    @Test
    void numbersCompareByValueAndMissingItemsAreReported() {
        Map<String, Object> live = deployment("shop/api:1.0", 3);
        ((Map<String, Object>) spec(live)).put("replicas", 3.0);
        List<Object> containers = containers(live);
        containers.remove(1);
        live.put("finalizers", List.of());

        List<FieldChange> changes = OwnedFields.diff(fields(), deployment("shop/api:1.0", 3), live);

        assertThat(changes).extracting(FieldChange::path).containsExactly(
                "spec.template.spec.containers[name=sidecar]", "finalizers[capstan.dev/keep]");
        assertThat(changes.get(0).live()).isNull();
    }

    @Test
    void projectionKeepsOnlyOwnedFields() {
        Map<String, Object> live = deployment("shop/api:1.0", 3);
        live.put("status", Map.of("availableReplicas", 3));

        Object projected = OwnedFields.project(fields(), live);

        assertThat(projected.toString()).contains("image=shop/api:1.0", "replicas=3").doesNotContain("status");
    }

    @Test
    void secretValuesAreMaskedWithAStableSaltedHash() {
        SecretMask mask = new SecretMask();
        Map<String, Object> secret = Map.of("data", Map.of("password", "aHVudGVyMg=="));

        Map<String, Object> once = mask.mask("Secret", secret);
        Map<String, Object> again = mask.mask("Secret", secret);

        assertThat(once.toString()).doesNotContain("aHVudGVyMg==").contains("masked:");
        assertThat(once).isEqualTo(again);
        assertThat(new SecretMask().mask("Secret", secret)).isNotEqualTo(once);
        assertThat(mask.mask("ConfigMap", secret)).isSameAs(secret);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields() {
        try {
            return JSON.readValue(FIELDS, Map.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deployment(String image, int replicas) {
        try {
            return JSON.readValue("""
                    {"metadata":{"name":"api","labels":{"app":"api"}},
                     "spec":{"replicas":%d,"template":{"spec":{"containers":[
                       {"name":"api","image":"%s","ports":[{"containerPort":8080,"protocol":"TCP"}]},
                       {"name":"sidecar","image":"proxy:1"}]}}},
                     "finalizers":["capstan.dev/keep"]}
                    """.formatted(replicas, image), Map.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object spec(Map<String, Object> deployment) {
        return deployment.get("spec");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> containers(Map<String, Object> deployment) {
        Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) spec(deployment)).get("template");
        return (List<Object>) ((Map<String, Object>) template.get("spec")).get("containers");
    }
}
