package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeanItemStoreTest {
    @Test
    void keepsObjectsWithoutTheirManagedFieldsAndEverythingElse() {
        GenericKubernetesResource deployment = new GenericKubernetesResourceBuilder().withApiVersion("apps/v1")
                .withKind("Deployment").withNewMetadata().withNamespace("shop").withName("api")
                .withLabels(Map.of("app.kubernetes.io/managed-by", "capstan")).withResourceVersion("7")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("capstan").withOperation("Apply")
                        .build()).endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("replicas", 2))).build();
        LeanItemStore store = new LeanItemStore();

        store.put(store.getKey(deployment), deployment);

        GenericKubernetesResource kept = store.get("shop/api");
        assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(kept.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "capstan");
        assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(kept.getAdditionalProperties()).containsEntry("spec", Map.of("replicas", 2));
    }
}
