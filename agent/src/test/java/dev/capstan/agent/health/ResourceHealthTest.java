package dev.capstan.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.model.Yaml;
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
        assertThat(ResourceHealth.assess("apps/v1", "Deployment", yaml(spec + "status: {observedGeneration: 1}")))
                .isInstanceOf(Health.Progressing.class);
        assertThat(ResourceHealth.assess("apps/v1", "Deployment", yaml(spec
                + "status: {observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 3}")))
                .isEqualTo(new Health.Progressing("2 of 3 replicas updated"));
        assertThat(ResourceHealth.assess("apps/v1", "Deployment", yaml(spec
                + "status: {observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3}")))
                .isEqualTo(new Health.Progressing("1 old replicas pending termination"));
        assertThat(ResourceHealth.assess("apps/v1", "Deployment", yaml(spec
                + "status: {observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3}")))
                .isInstanceOf(Health.Healthy.class);
    }

    @Test
    void aDeploymentPastItsProgressDeadlineIsDegraded() {
        Health health = ResourceHealth.assess("apps/v1", "Deployment", yaml("""
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
        assertThat(ResourceHealth.assess("v1", "Pod", yaml("status: {phase: Pending, containerStatuses: "
                + "[{name: a, state: {waiting: {reason: ImagePullBackOff}}}]}")))
                .isInstanceOf(Health.Degraded.class);
        assertThat(ResourceHealth.assess("v1", "Pod", yaml(
                "status: {phase: Running, conditions: [{type: Ready, status: 'True'}]}")))
                .isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("batch/v1", "Job", yaml("status: {conditions: [{type: Failed, status: 'True', "
                + "reason: BackoffLimitExceeded}]}"))).isInstanceOf(Health.Degraded.class);
        assertThat(ResourceHealth.assess("batch/v1", "Job",
                yaml("status: {conditions: [{type: Complete, status: 'True'}]}"))).isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("v1", "PersistentVolumeClaim", yaml("status: {phase: Pending}")))
                .isInstanceOf(Health.Progressing.class);
        assertThat(ResourceHealth.assess("v1", "PersistentVolumeClaim", yaml("status: {phase: Bound}")))
                .isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("v1", "Service", yaml("spec: {type: LoadBalancer}\nstatus: {}")))
                .isInstanceOf(Health.Progressing.class);
        assertThat(ResourceHealth.assess("v1", "Service", yaml(
                "spec: {type: LoadBalancer}\nstatus: {loadBalancer: {ingress: [{ip: 10.0.0.1}]}}")))
                .isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("v1", "Service", yaml("spec: {type: ClusterIP}")))
                .isInstanceOf(Health.Healthy.class);
    }

    @Test
    void statefulSetsAndDaemonSetsWaitForEveryReplicaOfTheNewRevision() {
        assertThat(ResourceHealth.assess("apps/v1", "StatefulSet", yaml("""
                metadata: {generation: 1}
                spec: {replicas: 2}
                status: {observedGeneration: 1, readyReplicas: 2, updatedReplicas: 2, currentRevision: a,
                         updateRevision: b}
                """))).isEqualTo(new Health.Progressing("waiting for the update revision to become current"));
        assertThat(ResourceHealth.assess("apps/v1", "DaemonSet", yaml("""
                metadata: {generation: 1}
                status: {observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3,
                         numberAvailable: 3}
                """))).isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("apps/v1", "ReplicaSet", yaml("""
                metadata: {generation: 1}
                spec: {replicas: 1}
                status: {observedGeneration: 1, conditions: [{type: ReplicaFailure, status: 'True', message: quota}]}
                """))).isEqualTo(new Health.Degraded("ReplicaFailure: quota"));
    }

    // Cases from kstatus's and Argo CD's health fixtures where Capstan used to disagree (issue 14).

    @Test
    void theKindIsMatchedWithItsGroupSoAKnativeServiceIsNotACoreService() {
        Map<String, Object> knative = yaml("""
                metadata: {generation: 1}
                status:
                  observedGeneration: 1
                  conditions: [{type: Ready, status: "False", reason: RevisionFailed, message: image pull failed}]
                """);

        assertThat(ResourceHealth.assess("serving.knative.dev/v1", "Service", knative))
                .isEqualTo(new Health.Progressing("not Ready: RevisionFailed: image pull failed"));
        assertThat(ResourceHealth.assess("v1", "Service", yaml("spec: {type: ClusterIP}")))
                .isInstanceOf(Health.Healthy.class);
    }

    @Test
    void customResourcesFollowKstatusGenericRules() {
        assertThat(ResourceHealth.assess("cert-manager.io/v1", "Certificate", yaml("metadata: {generation: 1}")))
                .as("no status at all").isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("cert-manager.io/v1", "Certificate", yaml(
                "metadata: {generation: 3}\nstatus: {observedGeneration: 2}"))).isInstanceOf(Health.Progressing.class);
        assertThat(ResourceHealth.assess("example.com/v1", "Db", yaml(
                "status: {conditions: [{type: Reconciling, status: 'True', reason: Scaling}]}")))
                .isEqualTo(new Health.Progressing("Reconciling: Scaling"));
        assertThat(ResourceHealth.assess("example.com/v1", "Db", yaml(
                "status: {conditions: [{type: Stalled, status: 'True', message: quota exceeded}]}")))
                .isEqualTo(new Health.Degraded("Stalled: quota exceeded"));
        assertThat(ResourceHealth.assess("example.com/v1", "Db", yaml(
                "status: {conditions: [{type: Ready, status: 'True'}]}"))).isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.needsLiveStatus("example.com/v1", "Db")).isTrue();
        assertThat(ResourceHealth.needsLiveStatus("v1", "ConfigMap")).isFalse();
        assertThat(ResourceHealth.needsLiveStatus("networking.k8s.io/v1", "Ingress")).isFalse();
    }

    @Test
    void definitionsAutoscalersBudgetsAndApiServicesAreJudged() {
        assertThat(ResourceHealth.assess("apiextensions.k8s.io/v1", "CustomResourceDefinition", yaml(
                "status: {conditions: [{type: NamesAccepted, status: 'True'}, {type: Established, status: 'True'}]}")))
                .isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("apiextensions.k8s.io/v1", "CustomResourceDefinition", yaml(
                "status: {conditions: [{type: NamesAccepted, status: 'False', reason: ListKindConflict}]}")))
                .isEqualTo(new Health.Degraded("names not accepted: ListKindConflict"));
        assertThat(ResourceHealth.assess("apiextensions.k8s.io/v1", "CustomResourceDefinition", yaml("status: {}")))
                .isInstanceOf(Health.Progressing.class);
        assertThat(ResourceHealth.assess("autoscaling/v2", "HorizontalPodAutoscaler", yaml(
                "status: {conditions: [{type: AbleToScale, status: 'False', reason: FailedGetScale}]}")))
                .isInstanceOf(Health.Degraded.class);
        assertThat(ResourceHealth.assess("autoscaling/v2", "HorizontalPodAutoscaler", yaml(
                "status: {conditions: [{type: AbleToScale, status: 'True'}, {type: ScalingActive, status: 'False',"
                        + " reason: FailedGetResourceMetric}]}"))).as("no metrics yet is not broken")
                .isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("policy/v1", "PodDisruptionBudget", yaml(
                "metadata: {generation: 2}\nstatus: {observedGeneration: 1}"))).isInstanceOf(Health.Progressing.class);
        assertThat(ResourceHealth.assess("apiregistration.k8s.io/v1", "APIService", yaml(
                "status: {conditions: [{type: Available, status: 'False', reason: MissingEndpoints}]}")))
                .isEqualTo(new Health.Progressing("APIService not Available: MissingEndpoints"));
    }

    @Test
    void workloadsThatUsedToBeMisjudged() {
        Health workload = Health.healthy();
        Map<String, Object> evicted = yaml("metadata: {name: web-1}\nstatus: {phase: Failed, reason: Evicted}");
        assertThat(ResourceHealth.withPods(workload, List.of(evicted))).as("the controller replaces it")
                .isSameAs(workload);
        assertThat(ResourceHealth.assess("apps/v1", "Deployment", yaml("""
                metadata: {generation: 1, deletionTimestamp: "2026-11-23T10:00:00Z"}
                spec: {replicas: 1}
                status: {observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1}
                """))).isEqualTo(new Health.Progressing("being deleted"));
        assertThat(ResourceHealth.assess("apps/v1", "StatefulSet", yaml("""
                metadata: {generation: 2}
                spec: {replicas: 2}
                status: {observedGeneration: 2, replicas: 3, readyReplicas: 3, updatedReplicas: 2,
                         currentRevision: a, updateRevision: a}
                """))).isEqualTo(new Health.Progressing("1 extra pods still running"));
        assertThat(ResourceHealth.assess("apps/v1", "DaemonSet", yaml("""
                metadata: {generation: 2}
                spec: {updateStrategy: {type: OnDelete}}
                status: {observedGeneration: 2, desiredNumberScheduled: 2, updatedNumberScheduled: 0,
                         numberAvailable: 2}
                """))).isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("batch/v1", "Job", yaml("spec: {suspend: true}\nstatus: {}")))
                .isInstanceOf(Health.Healthy.class);
        assertThat(ResourceHealth.assess("v1", "Pod", yaml("status: {phase: Failed, reason: Evicted}")))
                .as("a Pod of its own that failed is still a failure").isInstanceOf(Health.Degraded.class);
    }
}
