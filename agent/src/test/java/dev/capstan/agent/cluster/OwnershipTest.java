package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
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

    private static GenericKubernetesResource live(Map<String, String> labels, Map<String, String> annotations) {
        GenericKubernetesResource resource = live(labels);
        resource.getMetadata().setAnnotations(annotations);
        return resource;
    }

    private static RenderedObject hookOf(String unit) {
        return new RenderedObject(new ObjectKey("v1", "ConfigMap", "ns", "shared"), "t", Map.of("metadata", Map.of(
                "name", "shared", "labels", Map.of("app.kubernetes.io/managed-by", "capstan"),
                "annotations", Map.of("capstan.dev/hook-of", unit, "helm.sh/hook", "pre-install"))));
    }

    @Test
    void aHookReplacesOnlyItsOwnEarlierRunOrAHookHelmLeft() {
        RenderedObject hook = hookOf("web/staging");

        assertThat(Ownership.hookConflict(hook, live(Map.of("app.kubernetes.io/managed-by", "capstan"),
                Map.of("capstan.dev/hook-of", "web/staging")))).isEmpty();
        assertThat(Ownership.hookConflict(hook, live(Map.of("app.kubernetes.io/managed-by", "Helm"),
                Map.of("helm.sh/hook", "pre-install")))).isEmpty();

        assertThat(Ownership.hookConflict(hook, live(Map.of("app.kubernetes.io/managed-by", "capstan",
                "capstan.dev/chart", "api", "capstan.dev/env", "staging"), Map.of())))
                .hasValueSatisfying(m -> assertThat(m).contains("hook refused", "belongs to unit api/staging"));
        assertThat(Ownership.hookConflict(hook, live(Map.of("app.kubernetes.io/managed-by", "capstan"),
                Map.of("capstan.dev/hook-of", "api/staging"))))
                .hasValueSatisfying(m -> assertThat(m).contains("hook of unit api/staging"));
        assertThat(Ownership.hookConflict(hook, live(Map.of("app", "made-by-hand"))))
                .as("a hook deletes what it replaces: nothing made by someone else")
                .hasValueSatisfying(m -> assertThat(m).contains("not a hook of this unit", "hand or another tool"));
    }

    @Test
    void anotherUnitsHookIsNotAdoptedByAnObject() {
        assertThat(Ownership.conflict(WEB, live(Map.of("app.kubernetes.io/managed-by", "capstan"),
                Map.of("capstan.dev/hook-of", "api/staging"))))
                .hasValueSatisfying(m -> assertThat(m).contains("belongs to hook of unit api/staging"));
    }

    @Test
    void aChartsCrdsAreSharedByItsEnvironmentsAndNoOtherChart() {
        RenderedObject crdOfWeb = new RenderedObject(new ObjectKey("apiextensions.k8s.io/v1",
                "CustomResourceDefinition", "", "widgets.example.com"), "crds/w.yaml", Map.of("metadata", Map.of(
                        "name", "widgets.example.com", "labels", Map.of("app.kubernetes.io/managed-by", "capstan",
                                "capstan.dev/chart", "web"))));

        assertThat(Ownership.conflict(crdOfWeb, live(Map.of("app.kubernetes.io/managed-by", "capstan",
                "capstan.dev/chart", "web")))).isEmpty();
        assertThat(Ownership.conflict(crdOfWeb, live(Map.of("app.kubernetes.io/managed-by", "capstan",
                "capstan.dev/chart", "web", "capstan.dev/env", "staging"))))
                .as("labelled by one environment before crds/ were the chart's").isEmpty();
        assertThat(Ownership.conflict(crdOfWeb, live(Map.of("app.kubernetes.io/managed-by", "capstan",
                "capstan.dev/chart", "api")))).hasValueSatisfying(m -> assertThat(m).contains("chart api"));
    }

    @Test
    void aRolloutsOwnCopyNeverAdoptsAnObjectSomeoneElseMade() {
        RenderedObject preview = new RenderedObject(new ObjectKey("v1", "Service", "ns", "web-preview"), "t",
                Map.of("metadata", Map.of("name", "web-preview", "labels", Map.of(
                        "app.kubernetes.io/managed-by", "capstan", "capstan.dev/chart", "web",
                        "capstan.dev/env", "staging", "capstan.dev/track", "green"))));

        assertThat(Ownership.conflict(preview, live(Map.of("app", "someone-elses")))).hasValueSatisfying(m ->
                assertThat(m).contains("Service named web-preview exists and was not made by Capstan"));
        assertThat(Ownership.conflict(preview, live(null))).isPresent();
        assertThat(Ownership.conflict(preview, live(Map.of("app.kubernetes.io/managed-by", "capstan",
                "capstan.dev/chart", "web", "capstan.dev/env", "staging", "capstan.dev/track", "green"))))
                .as("its own, left by a crash").isEmpty();
    }

    @Test
    void anotherInstallsObjectIsNeverTakenOverButOneOfNoNamedInstallIs() {
        RenderedObject ours = new RenderedObject(new ObjectKey("v1", "ConfigMap", "ns", "shared"), "t", Map.of(
                "metadata", Map.of("name", "shared", "labels", Map.of("app.kubernetes.io/managed-by", "capstan",
                        "capstan.dev/chart", "web", "capstan.dev/env", "staging", "capstan.dev/install", "shop"))));

        assertThat(Ownership.conflict(ours, live(Map.of("app.kubernetes.io/managed-by", "capstan",
                "capstan.dev/chart", "web", "capstan.dev/env", "staging", "capstan.dev/install", "payments"))))
                .hasValueSatisfying(m -> assertThat(m).contains("belongs to install payments",
                        "install shop renders it too"));
        assertThat(Ownership.conflict(ours, live(Map.of("app.kubernetes.io/managed-by", "capstan",
                "capstan.dev/chart", "web", "capstan.dev/env", "staging")))).as("applied before installs had names")
                .isEmpty();
        assertThat(dev.capstan.agent.model.Labels.ofInstall(Map.of("capstan.dev/install", "shop"), "shop")).isTrue();
        assertThat(dev.capstan.agent.model.Labels.ofInstall(Map.of("capstan.dev/install", "payments"), "shop"))
                .isFalse();
        assertThat(dev.capstan.agent.model.Labels.ofInstall(Map.of(), "shop")).isTrue();
    }
}
