package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.Yaml;
import org.junit.jupiter.api.Test;

/** What a CRD of a change set says it serves: what the applier waits for discovery to list before its resources. */
class CrdReadinessTest {
    @Test
    void theKindAndEveryServedVersionAreWaitedFor() {
        RenderedObject crd = crd("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.example.com}
                spec:
                  group: example.com
                  names: {plural: widgets, kind: Widget}
                  versions:
                    - {name: v1, served: true, storage: true}
                    - {name: v1beta1, served: false, storage: false}
                    - {name: v2alpha1, served: true, storage: false}
                """);

        assertThat(CrdReadiness.definedKind(crd)).contains("Widget");
        assertThat(CrdReadiness.servedApiVersions(crd)).containsExactly("example.com/v1", "example.com/v2alpha1");
    }

    @Test
    void aCrdWithoutNamesOrVersionsWaitsForNothingItCannotName() {
        RenderedObject crd = crd("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: broken.example.com}
                spec: {group: example.com}
                """);

        assertThat(CrdReadiness.definedKind(crd)).isEmpty();
        assertThat(CrdReadiness.servedApiVersions(crd)).isEmpty();
    }

    private static RenderedObject crd(String yaml) {
        return new RenderedObject(new ObjectKey("apiextensions.k8s.io/v1", "CustomResourceDefinition", "",
                "widgets.example.com"), "crd.yaml", Yaml.readMap(yaml, "test", "crd.yaml"));
    }
}
