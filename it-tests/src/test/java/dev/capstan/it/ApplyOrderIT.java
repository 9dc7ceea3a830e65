package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.cluster.ApplyResult;
import dev.capstan.agent.cluster.ServerSideApplier;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.Yaml;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Install order on the real apiserver: a CustomResourceDefinition and a custom resource of it in one change set
 * (the resource cannot be dry-run before its definition is served; it is applied once the definition is
 * Established), and a rejected object anywhere means nothing is written.
 */
@KubernetesCluster
class ApplyOrderIT {

    @Test
    void aDefinitionAndItsResourceGoOutInOneChangeSet(KubernetesClient client, TestNamespace ns) {
        String group = ns.name() + ".capstan.dev";
        RenderedObject crd = object("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", "widgets." + group, """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.%s}
                spec:
                  group: %s
                  scope: Namespaced
                  names: {plural: widgets, singular: widget, kind: Widget}
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema:
                        openAPIV3Schema:
                          type: object
                          properties:
                            spec: {type: object, properties: {size: {type: integer}}}
                """.formatted(group, group));
        RenderedObject widget = object(group + "/v1", "Widget", ns.name(), "first", """
                apiVersion: %s/v1
                kind: Widget
                metadata: {name: first, namespace: %s}
                spec: {size: 3}
                """.formatted(group, ns.name()));

        ApplyResult result = new ServerSideApplier(client).validateAndApply(List.of(widget, crd));

        assertThat(result).isInstanceOf(ApplyResult.Applied.class);
        assertThat(client.genericKubernetesResources(group + "/v1", "Widget").inNamespace(ns.name())
                .withName("first").get().getAdditionalProperties().get("spec").toString()).contains("size=3");
    }

    @Test
    void oneRejectedObjectMeansNothingIsWritten(KubernetesClient client, TestNamespace ns) {
        RenderedObject config = object("v1", "ConfigMap", ns.name(), "settings", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: %s}
                data: {a: "1"}
                """.formatted(ns.name()));
        RenderedObject broken = object("v1", "Service", ns.name(), "broken", """
                apiVersion: v1
                kind: Service
                metadata: {name: broken, namespace: %s}
                spec: {ports: [{port: 0, protocol: TCP}]}
                """.formatted(ns.name()));

        ApplyResult result = new ServerSideApplier(client).validateAndApply(List.of(config, broken));

        assertThat(result).isInstanceOfSatisfying(ApplyResult.Rejected.class, rejected -> {
            assertThat(rejected.object().name()).isEqualTo("broken");
            assertThat(rejected.message()).contains("nothing was applied");
        });
        assertThat(client.configMaps().inNamespace(ns.name()).withName("settings").get()).isNull();
    }

    private static RenderedObject object(String apiVersion, String kind, String namespace, String name,
                                         String yaml) {
        return new RenderedObject(new ObjectKey(apiVersion, kind, namespace, name), "test.yaml",
                Yaml.readMap(yaml, "test", "test.yaml"));
    }
}
