package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.chart.ObjectKey;
import dev.capstan.agent.chart.RenderedObject;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnershipTest {
    private static final RenderedObject WEB = new RenderedObject(new ObjectKey("v1", "ConfigMap", "ns", "shared"),
            "t", Map.of("metadata", Map.of("name", "shared", "labels", Map.of(
                    "app.kubernetes.io/managed-by", "capstan", "capstan.dev/chart", "web",
                    "capstan.dev/env", "staging"))));

    private static GenericKubernetesResource live(Map<String, String> labels) {
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setMetadata(new ObjectMetaBuilder().withName("shared").withLabels(labels).build());
        return resource;
    }

    @Test
    void anotherUnitsObjectIsAConflictNamingBothUnits() {
        GenericKubernetesResource other = live(Map.of("app.kubernetes.io/managed-by", "capstan",
                "capstan.dev/chart", "api", "capstan.dev/env", "staging"));

        assertThat(Ownership.conflict(WEB, other)).hasValueSatisfying(message -> assertThat(message)
                .contains("belongs to unit api/staging", "unit web/staging renders it too", "Nothing was applied"));
    }

    @Test
    void itsOwnObjectsAndUnlabelledOnesAreNot() {
        assertThat(Ownership.conflict(WEB, live(Map.of("app.kubernetes.io/managed-by", "capstan",
                "capstan.dev/chart", "web", "capstan.dev/env", "staging")))).isEmpty();
        assertThat(Ownership.conflict(WEB, live(Map.of("app", "made-by-hand")))).isEmpty();
        assertThat(Ownership.conflict(WEB, live(null))).isEmpty();
        assertThat(Ownership.conflict(WEB, live(Map.of("app.kubernetes.io/managed-by", "helm",
                "capstan.dev/chart", "api", "capstan.dev/env", "staging")))).isEmpty();
    }

    @Test
    void theAgentsOwnRecordsAndLeaseAreReserved() {
        ReservedObjects reserved = new ReservedObjects("capstan-system", true);
        ReservedObjects strict = new ReservedObjects("capstan-system", false);

        assertThat(reserved.reason(new ObjectKey("v1", "Secret", "capstan-system", "capstan.release.web.prod.v3")))
                .hasValueSatisfying(r -> assertThat(r).contains("release records"));
        assertThat(reserved.reason(new ObjectKey("coordination.k8s.io/v1", "Lease", "capstan-system", "x")))
                .isPresent();
        assertThat(reserved.reason(new ObjectKey("v1", "Secret", "capstan-system", "app-credentials"))).isEmpty();
        assertThat(reserved.reason(new ObjectKey("v1", "Secret", "prod", "capstan.release.web.prod.v3"))).isEmpty();
        assertThat(ReservedObjects.none().reason(new ObjectKey("v1", "Secret", "", "capstan.x"))).isEmpty();
        assertThat(strict.reason(new ObjectKey("v1", "Secret", "capstan-system", "capstan-api-tokens")))
                .hasValueSatisfying(r -> assertThat(r).contains("the agent's own", "unitsMayDeployHere"));
        assertThat(strict.reason(new ObjectKey("apps/v1", "Deployment", "capstan-system", "capstan"))).isPresent();
        assertThat(strict.reason(new ObjectKey("apps/v1", "Deployment", "prod", "capstan"))).isEmpty();
    }
}
