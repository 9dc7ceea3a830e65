package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransienceTest {

    @Test
    void serverTroubleIsTransientAVerdictOnTheObjectIsNot() {
        for (int code : new int[] {500, 502, 503, 504, 429, 408}) {
            assertThat(Transience.isTransient(new KubernetesClientException("x", code, null))).as("%d", code).isTrue();
        }
        assertThat(Transience.isTransient(new KubernetesClientException("refused", new IOException("refused"))))
                .isTrue();
        for (int code : new int[] {400, 403, 404, 409, 422}) {
            assertThat(Transience.isTransient(new KubernetesClientException("x", code, null))).as("%d", code)
                    .isFalse();
        }
    }

    @Test
    void transientFailuresAreRetriedAndOthersAreNot() {
        AtomicInteger calls = new AtomicInteger();
        String answer = Transience.retry("test").executeSupplier(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new KubernetesClientException("Internal error occurred: failed to allocate a serviceIP", 500,
                        null);
            }
            return "applied";
        });
        assertThat(answer).isEqualTo("applied");
        assertThat(calls).hasValue(3);

        AtomicInteger invalid = new AtomicInteger();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Transience.retry("test").executeSupplier(() -> {
            invalid.incrementAndGet();
            throw new KubernetesClientException("Deployment.apps is invalid", 422, null);
        })).isInstanceOf(KubernetesClientException.class);
        assertThat(invalid).hasValue(1);
    }
}
