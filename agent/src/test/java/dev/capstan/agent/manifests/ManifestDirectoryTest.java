package dev.capstan.agent.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.RenderedObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestDirectoryTest {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, labels: {team: shop}}
            spec:
              replicas: 2
              template:
                spec:
                  containers: [{name: web, image: "web:1", args: [--debug]}]
            """;

    private static Map<String, byte[]> files(String... pathsAndContents) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            files.put(pathsAndContents[i], pathsAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return files;
    }

    private static Map<?, ?> spec(RenderedObject object) {
        return (Map<?, ?>) object.content().get("spec");
    }

    @Test
    void theBaseGoesEverywhereAndAnEnvironmentPatchesOrAdds() {
        Map<String, byte[]> files = files(
                "deployment.yaml", DEPLOYMENT,
                "service.yml", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n",
                "README.md", "not a manifest",
                "production/scale.yaml", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: web, labels: {team: null, tier: front}}
                        spec:
                          replicas: 5
                          template: {spec: {containers: [{name: web, image: "web:2"}]}}
                        """,
                "production/extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prod-only}\n",
                "staging/ignored-elsewhere.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stg-only}\n");

        DesiredState staging = ManifestDirectory.render("web", files, "staging", "stg", "c1");
        DesiredState production = ManifestDirectory.render("web", files, "production", "prod", "c1");

        assertThat(staging.objects()).extracting(o -> o.key().toString()).containsExactly(
                "ConfigMap stg/stg-only", "Service stg/web", "Deployment stg/web");
        RenderedObject deployment = production.objects().stream().filter(o -> o.key().kind().equals("Deployment"))
                .findFirst().orElseThrow();
        assertThat(spec(deployment).get("replicas")).isEqualTo(5);
        assertThat(spec(deployment).toString()).contains("image=web:2").doesNotContain("--debug");
        assertThat(((Map<?, ?>) deployment.content().get("metadata")).get("labels")).isEqualTo(Map.of(
                "tier", "front", "app.kubernetes.io/managed-by", "capstan", "capstan.dev/chart", "web",
                "capstan.dev/env", "production"));
        assertThat(deployment.sourceTemplate()).isEqualTo("deployment.yaml + production/scale.yaml");
        assertThat(production.objects()).extracting(o -> o.key().name()).contains("prod-only")
                .doesNotContain("stg-only");
        assertThat(production.manifest()).contains("# Source: web/deployment.yaml + production/scale.yaml");
        assertThat(ManifestDirectory.render("web", files, "production", "prod", "c1").digest())
                .isEqualTo(production.digest());
    }

    @Test
    void listsAreUnpackedAndNamespacesKept() {
        DesiredState state = ManifestDirectory.render("a", files("all.yaml", """
                apiVersion: v1
                kind: List
                items:
                  - {apiVersion: v1, kind: ConfigMap, metadata: {name: one}}
                  - {apiVersion: v1, kind: ConfigMap, metadata: {name: two, namespace: other}}
                  - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: reader}}
                """), "dev", "dev-ns", "c");

        assertThat(state.objects()).extracting(o -> o.key().toString()).containsExactlyInAnyOrder(
                "ClusterRole reader", "ConfigMap dev-ns/one",
                "ConfigMap other/two");
    }

    @Test
    void badInputFailsNamingTheFile() {
        assertThatThrownBy(() -> ManifestDirectory.render("a", files("a.yaml", "kind: [\n"), "dev", "n", "c"))
                .isInstanceOf(ChartException.class).hasMessageStartingWith("a/dev a.yaml:");
        assertThatThrownBy(() -> ManifestDirectory.render("a", files(
                "a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
                "b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"), "dev", "n", "c"))
                .hasMessage("a/dev b.yaml: duplicate object ConfigMap n/x (also in a.yaml)");
        assertThatThrownBy(() -> ManifestDirectory.render("a", files("kustomization.yaml", "resources: []\n"),
                "dev", "n", "c")).hasMessageContaining("does not run kustomize");
        assertThatThrownBy(() -> ManifestDirectory.render("a", files("x.yaml", "kind: ConfigMap\n"), "dev", "n",
                "c")).hasMessageContaining("without apiVersion");
        assertThatThrownBy(() -> ManifestDirectory.render("a", files("README.md", "hi", "other/x.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"), "dev", "n", "c"))
                .hasMessageContaining("no manifests");
        assertThatThrownBy(() -> ManifestDirectory.render("a", files("bad.yaml", "apiVersion: v1\n"
                + "kind: ConfigMap\nmetadata: {name: \u00ff}\n").entrySet().stream().collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> new byte[] {(byte) 0xff, 0x0a})),
                "dev", "n", "c")).isInstanceOf(ChartException.class).hasMessageContaining("bad.yaml");
    }

    @Test
    void mergePatchFollowsRfc7386() {
        Map<String, Object> target = new LinkedHashMap<>(Map.of("a", "b", "c", Map.of("d", "e", "f", "g"),
                "list", List.of(1, 2)));
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("a", "z");
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("f", null);
        patch.put("c", c);
        patch.put("list", List.of(3));

        assertThat(MergePatch.apply(target, patch)).isEqualTo(Map.of("a", "z", "c", Map.of("d", "e"),
                "list", List.of(3)));
        assertThat(MergePatch.apply(target, "scalar")).isEqualTo("scalar");
    }
}
