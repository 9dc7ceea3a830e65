package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeanItemStoreTest {
    @Test
    void keepsOfAWorkloadWhatHealthReadsNotItsPodTemplate() {
        GenericKubernetesResource deployment = new GenericKubernetesResourceBuilder().withApiVersion("apps/v1")
                .withKind("Deployment").withNewMetadata().withNamespace("shop").withName("api").endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("replicas", 3, "template", Map.of("spec",
                        Map.of("containers", List.of(Map.of("name", "api", "image", "api:2"))))),
                        "status", Map.of("availableReplicas", 3))).build();
        LeanItemStore store = new LeanItemStore();

        store.put(store.getKey(deployment), deployment);

        GenericKubernetesResource kept = store.get("shop/api");
        assertThat(kept.getAdditionalProperties()).containsEntry("spec", Map.of("replicas", 3))
                .containsEntry("status", Map.of("availableReplicas", 3));
        assertThat(LeanItemStore.keepsWhole("apps/v1", "Deployment")).isFalse();
    }

    @Test
    void keepsOnlyTheMetadataOfKindsWithNoStatusToWaitFor() {
        GenericKubernetesResource secret = new GenericKubernetesResourceBuilder().withApiVersion("v1")
                .withKind("Secret").withNewMetadata().withNamespace("shop").withName("db")
                .withLabels(Map.of("capstan.dev/chart", "api")).endMetadata()
                .withAdditionalProperties(Map.of("data", Map.of("password", "aHVudGVyMg=="))).build();
        LeanItemStore store = new LeanItemStore();

        store.put(store.getKey(secret), secret);

        GenericKubernetesResource kept = store.get("shop/db");
        assertThat(kept.getAdditionalProperties()).as("no Secret data in memory").isEmpty();
        assertThat(kept.getMetadata().getLabels()).containsEntry("capstan.dev/chart", "api");
        assertThat(LeanItemStore.keepsWhole("v1", "Secret")).isFalse();
        assertThat(LeanItemStore.keepsWhole("v1", "Service")).as("a LoadBalancer's status and spec").isTrue();
        assertThat(LeanItemStore.keepsWhole("v1", "ServiceAccount")).as("tiny, and changed once by a controller")
                .isTrue();
    }

    @Test
    void keepsTheRestWithoutTheManagedFields() {
        GenericKubernetesResource service = new GenericKubernetesResourceBuilder().withApiVersion("v1")
                .withKind("Service").withNewMetadata().withNamespace("shop").withName("api")
                .withLabels(Map.of("app.kubernetes.io/managed-by", "capstan")).withResourceVersion("7")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("capstan").withOperation("Apply")
                        .build()).endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("type", "LoadBalancer"))).build();
        LeanItemStore store = new LeanItemStore();

        store.put(store.getKey(service), service);

        GenericKubernetesResource kept = store.get("shop/api");
        assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(kept.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "capstan");
        assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(kept.getAdditionalProperties()).containsEntry("spec", Map.of("type", "LoadBalancer"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void whatItKeepsIsReadOnlySoNoReaderCanChangeTheCacheForTheOthers() {
        GenericKubernetesResource account = new GenericKubernetesResourceBuilder().withApiVersion("v1")
                .withKind("ServiceAccount").withNewMetadata().withNamespace("shop").withName("api")
                .withLabels(new HashMap<>(Map.of("app", "api")))
                .withOwnerReferences(new OwnerReferenceBuilder().withKind("Deployment").withName("api").build())
                .endMetadata()
                .withAdditionalProperties(new HashMap<>(Map.of("secrets", List.of(Map.of("name", "t")))))
                .build();
        LeanItemStore store = new LeanItemStore();

        store.put(store.getKey(account), account);

        GenericKubernetesResource kept = store.get("shop/api");
        assertThat(kept.getMetadata().getLabels()).containsExactly(Map.entry("app", "api"));
        assertThat(kept.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(owner -> assertThat(owner.getName()).isEqualTo("api"));
        assertThat(kept.getAdditionalProperties()).containsEntry("secrets", List.of(Map.of("name", "t")));
        assertThatThrownBy(() -> kept.getMetadata().getLabels().put("app", "other"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> kept.getMetadata().getOwnerReferences().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<Object>) kept.getAdditionalProperties().get("secrets")).add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
