package dev.capstan.it;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;

/**
 * A ServiceAccount's token, as a current cluster issues them: by the TokenRequest API (no token Secrets are created
 * for ServiceAccounts since Kubernetes 1.24).
 */
final class ServiceAccountTokens {
    private ServiceAccountTokens() {
    }

    /** A one-hour token of ServiceAccount {@code name}, once it exists. */
    static String issue(KubernetesClient client, String namespace, String name) {
        await().atMost(Duration.ofSeconds(30)).until(() -> client.serviceAccounts().inNamespace(namespace)
                .withName(name).get() != null);
        TokenRequest request = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build();
        return client.serviceAccounts().inNamespace(namespace).withName(name).tokenRequest(request).getStatus()
                .getToken();
    }
}
