package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.config.Destinations;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WritePolicyTest {
    private static final Destinations NARROW = new Destinations(true, Map.of("staging", List.of("staging", "preview-*"),
            "production", List.of("production")), Destinations.SHIPPED_CLUSTER_RESOURCES, false);
    private static final WritePolicy POLICY = new WritePolicy(new ReservedObjects("capstan-system", false), NARROW);

    private static ObjectKey configMap(String namespace) {
        return new ObjectKey("v1", "ConfigMap", namespace, "cfg");
    }

    @Test
    void anEnvironmentWritesOnlyItsOwnNamespaces() {
        assertThat(POLICY.refusal("staging", configMap("staging"), true)).isEmpty();
        assertThat(POLICY.refusal("staging", configMap("preview-42"), true)).isEmpty();
        assertThat(POLICY.refusal("staging", configMap("production"), true)).hasValueSatisfying(m -> assertThat(m)
                .contains("environment staging may not write namespace production",
                        "destinations.namespaces.staging: [staging, preview-*]", "Nothing was applied"));
        assertThat(POLICY.refusal("staging", configMap("kube-system"), true)).isPresent();
        assertThat(POLICY.refusal("qa", configMap("qa"), true)).hasValueSatisfying(m -> assertThat(m)
                .contains("environment qa", "not listed"));
    }

    @Test
    void clusterScopedKindsOnlyFromTheAllowList() {
        assertThat(POLICY.refusal("staging", new ObjectKey("apiextensions.k8s.io/v1", "CustomResourceDefinition",
                "", "widgets.example.com"), false)).isEmpty();
        assertThat(POLICY.refusal("staging", new ObjectKey("v1", "Namespace", "", "staging"), false)).isEmpty();
        assertThat(POLICY.refusal("staging", new ObjectKey("rbac.authorization.k8s.io/v1", "ClusterRoleBinding",
                "", "pwn"), false)).hasValueSatisfying(m -> assertThat(m).contains(
                "cluster-scoped rbac.authorization.k8s.io/ClusterRoleBinding", "destinations.clusterResources"));
        // A cluster-scoped kind is judged as one even when the chart gave it a namespace.
        assertThat(POLICY.refusal("staging", new ObjectKey("cert-manager.io/v1", "ClusterIssuer", "staging", "ca"),
                false)).isPresent();
    }

    @Test
    void theAgentsOwnNamespaceIsReservedWhateverTheDestinations() {
        WritePolicy open = new WritePolicy(new ReservedObjects("capstan-system", false), Destinations.unrestricted());
        assertThat(open.refusal("staging", new ObjectKey("v1", "Secret", "capstan-system", "capstan-api-tokens"),
                true)).hasValueSatisfying(m -> assertThat(m).contains("the agent's own"));
        assertThat(open.refusal("staging", configMap("anywhere"), true)).isEmpty();
        assertThat(open.refusal("staging", new ObjectKey("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "",
                "x"), false)).isEmpty();
    }

    @Test
    void aCrdSomeoneElseInstalledIsNotReplacedUnlessAllowed() {
        RenderedObject crd = new RenderedObject(new ObjectKey("apiextensions.k8s.io/v1", "CustomResourceDefinition",
                "", "widgets.example.com"), "crds/w.yaml", Map.of());
        GenericKubernetesResource theirs = new GenericKubernetesResource();
        theirs.setMetadata(new ObjectMetaBuilder().withName("widgets.example.com")
                .withLabels(Map.of("app.kubernetes.io/managed-by", "Helm")).build());
        GenericKubernetesResource ours = new GenericKubernetesResource();
        ours.setMetadata(new ObjectMetaBuilder().withName("widgets.example.com")
                .withLabels(Map.of("app.kubernetes.io/managed-by", "capstan")).build());

        assertThat(POLICY.crdRefusal(crd, theirs)).hasValueSatisfying(m -> assertThat(m)
                .contains("managed by Helm", "replaceUnownedCrds: false"));
        assertThat(POLICY.crdRefusal(crd, ours)).isEmpty();
        assertThat(new WritePolicy(ReservedObjects.none(), new Destinations(true, Map.of(), Set.of(), true))
                .crdRefusal(crd, theirs)).isEmpty();
    }

    @Test
    void aHookIsJudgedByTheEnvironmentOfItsUnit() {
        RenderedObject hook = new RenderedObject(configMap("production"), "t", Map.of("metadata", Map.of(
                "annotations", Map.of("capstan.dev/hook-of", "web/staging"))));
        RenderedObject object = new RenderedObject(configMap("production"), "t", Map.of("metadata", Map.of(
                "labels", Map.of("capstan.dev/env", "production"))));

        assertThat(WritePolicy.envOf(hook)).isEqualTo("staging");
        assertThat(WritePolicy.envOf(object)).isEqualTo("production");
        assertThat(POLICY.refusal(WritePolicy.envOf(hook), hook.key(), true)).isPresent();
    }
}
