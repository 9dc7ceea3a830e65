package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterEndpointTest {
    private final ClusterEndpoint prod = new ClusterEndpoint("https://10.0.0.1:6443/", "kubeconfig /etc/k.yaml",
            Optional.of("prod"), Optional.of("ci"));

    @Test
    void saysWhereWithKubeconfigContextAndUser() {
        assertThat(prod.where()).isEqualTo("https://10.0.0.1:6443 (kubeconfig /etc/k.yaml, context prod, user ci)");
        assertThat(prod.describe(new KubernetesClientException("An error has occurred.", new ConnectException())))
                .isEqualTo("cluster https://10.0.0.1:6443 (kubeconfig /etc/k.yaml, context prod, user ci): "
                        + "connection refused");
    }

    @Test
    void namesTheHttpAnswerAndTheUser() {
        assertThat(prod.cause(refused(401, null))).isEqualTo("401 Unauthorized: the API server refused the "
                + "credentials of user ci (expired or revoked token, or wrong certificate)");
        assertThat(prod.cause(refused(403, "secrets is forbidden: User \"ci\" cannot list resource \"secrets\"")))
                .isEqualTo("403 Forbidden: secrets is forbidden: User \"ci\" cannot list resource \"secrets\"");
        assertThat(prod.cause(refused(403, null))).isEqualTo("403 Forbidden: the user ci may not do this (RBAC)");
        assertThat(prod.cause(refused(404, "namespaces \"capstan-system\" not found")))
                .isEqualTo("404 Not Found: namespaces \"capstan-system\" not found");
    }

    @Test
    void aClientWithoutKubeconfigAndCredentialsInTheUrlHidesThem() {
        ClusterEndpoint endpoint = ClusterEndpoint.of(new ConfigBuilder(io.fabric8.kubernetes.client.Config.empty())
                .withMasterUrl("https://admin:hunter2@10.0.0.2:6443").build());

        assertThat(endpoint.where()).isEqualTo("https://***@10.0.0.2:6443 (no kubeconfig)")
                .doesNotContain("hunter2");
    }

    private static KubernetesClientException refused(int code, String message) {
        return new KubernetesClientException("Failure executing: GET", code,
                new StatusBuilder().withCode(code).withMessage(message).build());
    }
}
