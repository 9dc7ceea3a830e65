package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class RequestCounterTest {
    @Test
    void namesRequestsAsTheApiServerDoes() {
        assertThat(RequestCounter.verb("GET", "/api/v1/namespaces/shop/pods", null, null)).isEqualTo("LIST");
        assertThat(RequestCounter.verb("GET", "/api/v1/namespaces/shop/pods", "labelSelector=a&watch=true", null))
                .isEqualTo("WATCH");
        assertThat(RequestCounter.verb("GET", "/api/v1/namespaces/shop/pods/api-1", null, null)).isEqualTo("GET");
        assertThat(RequestCounter.verb("GET", "/api/v1/namespaces", null, null)).isEqualTo("LIST");
        assertThat(RequestCounter.verb("GET", "/api/v1/namespaces/shop", null, null)).isEqualTo("GET");
        assertThat(RequestCounter.verb("GET", "/apis/apps/v1/deployments", null, null)).isEqualTo("LIST");
        assertThat(RequestCounter.verb("PATCH", "/apis/apps/v1/namespaces/shop/deployments/api", "fieldManager=c",
                "application/apply-patch+yaml")).isEqualTo("APPLY");
        assertThat(RequestCounter.verb("PATCH", "/apis/apps/v1/namespaces/shop/deployments/api", null,
                "application/merge-patch+json")).isEqualTo("PATCH");
        assertThat(RequestCounter.verb("PUT", "/apis/coordination.k8s.io/v1/namespaces/c/leases/capstan", null,
                null)).isEqualTo("UPDATE");
        assertThat(RequestCounter.verb("POST", "/api/v1/namespaces/c/secrets", null, null)).isEqualTo("CREATE");
        assertThat(RequestCounter.verb("DELETE", "/api/v1/namespaces/c/secrets/s", null, null)).isEqualTo("DELETE");
        assertThat(RequestCounter.verb("GET", "/apis/apps/v1", null, null)).isEqualTo("DISCOVERY");
        assertThat(RequestCounter.verb("GET", "/version", null, null)).isEqualTo("DISCOVERY");
    }

    @Test
    void everyVerbIsASeriesFromTheStart() {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        new RequestCounter(metrics, "default");
        assertThat(metrics.find("capstan_kube_requests_total").counters()).hasSize(RequestCounter.VERBS.size());
    }
}
