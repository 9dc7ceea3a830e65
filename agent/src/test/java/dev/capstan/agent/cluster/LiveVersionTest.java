package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What counts as a live change for drift: not a status update of an object that has a generation. */
class LiveVersionTest {

    @Test
    void aStatusUpdateIsNoChangeButSpecAndMetadataChangesAre() {
        GenericKubernetesResource deployment = object(3L, "100", Map.of("app", "web"));
        GenericKubernetesResource statusOnly = object(3L, "101", Map.of("app", "web"));
        GenericKubernetesResource scaled = object(4L, "102", Map.of("app", "web"));
        GenericKubernetesResource relabelled = object(3L, "103", Map.of("app", "other"));

        assertThat(LiveState.versionOf(statusOnly)).isEqualTo(LiveState.versionOf(deployment));
        assertThat(LiveState.versionOf(scaled)).isNotEqualTo(LiveState.versionOf(deployment));
        assertThat(LiveState.versionOf(relabelled)).isNotEqualTo(LiveState.versionOf(deployment));
    }

    @Test
    void theDeploymentControllersRevisionAnnotationIsNoChangeButAnyOtherAnnotationIs() {
        GenericKubernetesResource applied = object(1L, "100", Map.of("app", "web"));
        GenericKubernetesResource revised = object(1L, "101", Map.of("app", "web"));
        revised.getMetadata().setAnnotations(Map.of("deployment.kubernetes.io/revision", "1"));
        GenericKubernetesResource annotated = object(1L, "102", Map.of("app", "web"));
        annotated.getMetadata().setAnnotations(Map.of("deployment.kubernetes.io/revision", "1", "team", "x"));

        assertThat(LiveState.versionOf(revised)).isEqualTo(LiveState.versionOf(applied));
        assertThat(LiveState.versionOf(annotated)).isNotEqualTo(LiveState.versionOf(revised));
    }

    @Test
    void withoutAGenerationEveryUpdateCounts() {
        assertThat(LiveState.versionOf(object(null, "7", Map.of()))).isEqualTo("7");
        assertThat(LiveState.versionOf(object(null, "8", Map.of()))).isEqualTo("8");
    }

    @Test
    void theTokenControllersSecretOnAServiceAccountIsNoChangeButAnythingElseIs() {
        GenericKubernetesResource created = account("100", Map.of());
        GenericKubernetesResource tokened = account("101", Map.of("secrets", List.of(Map.of("name", "api-token-x"))));
        GenericKubernetesResource edited = account("102", Map.of("secrets", List.of(Map.of("name", "api-token-x")),
                "automountServiceAccountToken", false));

        assertThat(LiveState.versionOf(tokened)).isEqualTo(LiveState.versionOf(created));
        assertThat(LiveState.versionOf(edited)).isNotEqualTo(LiveState.versionOf(tokened));
    }

    private static GenericKubernetesResource account(String resourceVersion, Map<String, Object> body) {
        return new GenericKubernetesResourceBuilder().withApiVersion("v1").withKind("ServiceAccount")
                .withNewMetadata().withName("api").withNamespace("shop").withResourceVersion(resourceVersion)
                .endMetadata().withAdditionalProperties(body).build();
    }

    private static GenericKubernetesResource object(Long generation, String resourceVersion,
                                                    Map<String, String> labels) {
        return new GenericKubernetesResourceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                .withNewMetadata().withName("web").withNamespace("shop").withGeneration(generation)
                .withResourceVersion(resourceVersion).withLabels(labels).endMetadata().build();
    }
}
