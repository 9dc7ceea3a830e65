package dev.capstan.agent.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KubeApiSurfaceTest {
    @Test
    void aVersionServesWhatThatReleaseServesNotWhatTwentyServed() {
        Capabilities v120 = KubeApiSurface.capabilities("1.20.2");
        Capabilities v130 = KubeApiSurface.capabilities("1.30.0");
        assertThat(v120.apiVersions().has("policy/v1beta1/PodDisruptionBudget")).isTrue();
        assertThat(v120.apiVersions().has("policy/v1")).isFalse();
        assertThat(v120.apiVersions().has("autoscaling/v2beta2")).isTrue();
        assertThat(v130.apiVersions().has("policy/v1/PodDisruptionBudget")).isTrue();
        assertThat(v130.apiVersions().has("policy/v1beta1")).isFalse();
        assertThat(v130.apiVersions().has("autoscaling/v2beta2")).isFalse();
        assertThat(v130.apiVersions().has("autoscaling/v2/HorizontalPodAutoscaler")).isTrue();
        assertThat(v130.apiVersions().has("batch/v1beta1/CronJob")).isFalse();
        assertThat(v130.apiVersions().has("admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy")).isTrue();
        assertThat(v130.apiVersions().has("flowcontrol.apiserver.k8s.io/v1beta3")).isTrue();
        assertThat(KubeApiSurface.capabilities("1.32.0").apiVersions().has("flowcontrol.apiserver.k8s.io/v1beta3"))
                .isFalse();
    }

    @Test
    void versionsAreGivenAsHelmShowsThem() {
        assertThat(KubeApiSurface.capabilities("1.30.0").kubeVersion()).isEqualTo("v1.30.0");
        assertThat(KubeApiSurface.capabilities("v1.31").kubeVersion()).isEqualTo("v1.31.0");
        assertThat(KubeApiSurface.capabilities("1.29.3-gke.1").kubeVersion()).isEqualTo("v1.29.3-gke.1");
        // Past the table's newest release, the newest surface known.
        assertThat(KubeApiSurface.capabilities("1.40.0").apiVersions())
                .isEqualTo(KubeApiSurface.capabilities("1.37.0").apiVersions());
    }

    @Test
    void whatIsNotAKubernetesVersionIsRefused() {
        assertThatThrownBy(() -> KubeApiSurface.capabilities("latest")).hasMessageContaining("not a Kubernetes "
                + "version: 'latest'");
        assertThatThrownBy(() -> KubeApiSurface.capabilities("2.0.0")).hasMessageContaining("not a Kubernetes");
    }
}
