package dev.capstan.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.chart.Yaml;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceHealthTest {
    private static Map<String, Object> yaml(String text) {
        return Yaml.readMap(text, "test", "object.yaml");
    }

    @Test
    void aDeploymentIsHealthyOnlyWhenTheNewGenerationIsObservedUpdatedAndAvailable() {
        String spec = "metadata: {generation: 2}\nspec: {replicas: 3}\n";
        assertThat(ResourceHealth.assess("Deployment", yaml(spec + "status: {observedGeneration: 1}")))
                .isInstanceOf(Health.Progressing.class);
        assertThat(ResourceHealth.assess("Deployment", yaml(spec
                + "status: {observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 3}")))
                .isEqualTo(new Health.Progressing("2 of 3 replicas updated"));
        assertThat(ResourceHealth.assess("Deployment", yaml(spec
                + "status: {observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3}")))
                .isEqualTo(new Health.Progressing("1 old replicas pending termination"));
        assertThat(ResourceHealth.assess("Deployment", yaml(spec
                + "status: {observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3}")))
                .isInstanceOf(Health.Healthy.class);
    }

    @Test
    void aDeploymentPastItsProgressDeadlineIsDegraded() {
        Health health = ResourceHealth.assess("Deployment", yaml("""
                metadata: {generation: 1}
                spec: {replicas: 1}
                status:
                  observedGeneration: 1
                  conditions:
                  - {type: Progressing, status: "False", reason: ProgressDeadlineExceeded, message: too slow}
                """));
        assertThat(health).isEqualTo(new Health.Degraded("ProgressDeadlineExceeded: too slow"));
    }

    @Test
    void aStuckPodDegradesItsWorkloadAtOnce() {
        Map<String, Object> crashing = yaml("""
                metadata: {name: api-1}
                status:
                  phase: Running
                  containerStatuses:
                  - {name: app, restartCount: 4, state: {waiting: {reason: CrashLoopBackOff, message: back-off}}}
                """);
        Health workload = new Health.Progressing("0 of 1 updated replicas available");
        assertThat(ResourceHealth.withPods(workload, List.of(crashing))).isEqualTo(new Health.Degraded(
                "pod api-1: container app CrashLoopBackOff: back-off (4 restarts)"));
        Map<String, Object> starting = yaml("metadata: {name: api-2}\nstatus: {phase: Pending}\n");
        assertThat(ResourceHealth.withPods(workload, List.of(starting))).isSameAs(workload);
    }

    @Test
    void podsJobsClaimsAndLoadBalancersReadTheirOwnStatus() {
        assertThat(ResourceHealth.assess("Pod", yaml("status: {phase: Pending, containerStatuses: "
                + "[{name: a, state: {waiting: {reason: ImagePullBackOff}}}]}")))
                .isInstanceOf(Health.Degraded.class);
        assertThat(ResourceHealth.assess("Pod", yaml(
                "status: {phase: Running, conditions: [{type: Ready, status: 'True'}]}")))
                .isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("Job", yaml("status: {conditions: [{type: Failed, status: 'True', "
                + "reason: BackoffLimitExceeded}]}"))).isInstanceOf(Health.Degraded.class);
        assertThat(ResourceHealth.assess("Job", yaml("status: {conditions: [{type: Complete, status: 'True'}]}")))
                .isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("PersistentVolumeClaim", yaml("status: {phase: Pending}")))
                .isInstanceOf(Health.Progressing.class);
        assertThat(ResourceHealth.assess("PersistentVolumeClaim", yaml("status: {phase: Bound}")))
                .isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("Service", yaml("spec: {type: LoadBalancer}\nstatus: {}")))
                .isInstanceOf(Health.Progressing.class);
        assertThat(ResourceHealth.assess("Service", yaml(
                "spec: {type: LoadBalancer}\nstatus: {loadBalancer: {ingress: [{ip: 10.0.0.1}]}}")))
                .isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("Service", yaml("spec: {type: ClusterIP}")))
                .isInstanceOf(Health.Healthy.class);
    }

    @Test
    void statefulSetsAndDaemonSetsWaitForEveryReplicaOfTheNewRevision() {
        assertThat(ResourceHealth.assess("StatefulSet", yaml("""
                metadata: {generation: 1}
                spec: {replicas: 2}
                status: {observedGeneration: 1, readyReplicas: 2, updatedReplicas: 2, currentRevision: a,
                         updateRevision: b}
                """))).isEqualTo(new Health.Progressing("waiting for the update revision to become current"));
        assertThat(ResourceHealth.assess("DaemonSet", yaml("""
                metadata: {generation: 1}
                status: {observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3,
                         numberAvailable: 3}
                """))).isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("ReplicaSet", yaml("""
                metadata: {generation: 1}
                spec: {replicas: 1}
                status: {observedGeneration: 1, conditions: [{type: ReplicaFailure, status: 'True', message: quota}]}
                """))).isEqualTo(new Health.Degraded("ReplicaFailure: quota"));
    }
}
