package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.cluster.DiscoveryCache;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Capabilities follow the cluster: a CRD installed shows up after the next check, not before. */
@KubernetesCluster
class DiscoveryIT {

    @Test
    void aNewlyInstalledCrdAppearsAfterTheNextCheck(KubernetesClient client) {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-21T10:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        DiscoveryCache discovery = new DiscoveryCache(client, Duration.ofMinutes(1), clock);
        assertThat(discovery.get().apiVersions().has("apps/v1/Deployment")).isTrue();
        assertThat(discovery.get().apiVersions().has("widgets.capstan.dev/v1/Widget")).isFalse();

        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().resource(
                new CustomResourceDefinitionBuilder()
                        .withNewMetadata().withName("widgets.widgets.capstan.dev").endMetadata()
                        .withNewSpec().withGroup("widgets.capstan.dev").withScope("Namespaced")
                        .withNewNames().withKind("Widget").withPlural("widgets").withSingular("widget").endNames()
                        .addNewVersion().withName("v1").withServed(true).withStorage(true)
                        .withNewSchema().withNewOpenAPIV3Schema().withType("object")
                        .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
                        .endVersion().endSpec().build()).create();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> client.getApiGroup("widgets.capstan.dev") != null);
            assertThat(discovery.get().apiVersions().has("widgets.capstan.dev/v1/Widget"))
                    .as("within the check interval the cached capabilities are served").isFalse();

            now.set(now.get().plus(Duration.ofMinutes(2)));

            assertThat(discovery.get().apiVersions().has("widgets.capstan.dev/v1/Widget")).isTrue();
        } finally {
            client.apiextensions().v1().customResourceDefinitions().resource(crd).delete();
        }
    }
}
