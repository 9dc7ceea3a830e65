package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a current API server refuses by policy: a ValidatingAdmissionPolicy and a CRD's {@code x-kubernetes-validations}
 * (CEL). The unit's dry run fails with the server's message naming the policy or rule, nothing of it is applied, and
 * the other units go on.
 */
@KubernetesCluster
class AdmissionIT {
    private static final Duration SYNC = Duration.ofSeconds(60);

    @TempDir
    Path tempDir;

    @Test
    void aValidatingAdmissionPolicyRefusesTheUnitAtItsDryRunAndOthersGoOn(KubernetesClient client, TestNamespace ns,
                                                                          LocalCluster cluster) {
        String policy = "at-most-five-replicas-" + ns.name();
        create(client, """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: POLICY}
                spec:
                  failurePolicy: Fail
                  matchConstraints:
                    resourceRules:
                      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
                  validations:
                    - expression: "object.spec.replicas <= 5"
                      message: "no Deployment may ask for more than 5 replicas"
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: POLICY}
                spec:
                  policyName: POLICY
                  validationActions: [Deny]
                  matchResources:
                    namespaceSelector:
                      matchLabels: {kubernetes.io/metadata.name: NAMESPACE}
                """.replace("POLICY", policy).replace("NAMESPACE", ns.name()));
        try {
            awaitEnforced(client, ns.name());
            LocalGitRepo repo = Examples.repo(tempDir.resolve("git"), ns);
            repo.write("charts/orders/values.staging.yaml", repo.read("charts/orders/values.staging.yaml")
                    + "replicaCount: 9\n");
            repo.commitAndPush("orders: nine replicas in staging");

            try (Agent agent = Agent.start(Examples.agentConfig(repo.url(), Duration.ofMillis(300),
                    tempDir.resolve("cache"), cluster, ns))) {
                awaitOrdersRefusedAlone(agent, "Deployment " + ns.name() + "/orders", policy,
                        "no Deployment may ask for more than 5 replicas");
                assertThat(client.services().inNamespace(ns.name()).withName("orders").get())
                        .as("nothing of the unit applied").isNull();
            }
        } finally {
            delete(client, "ValidatingAdmissionPolicyBinding", policy);
            delete(client, "ValidatingAdmissionPolicy", policy);
        }
    }

    @Test
    void aCustomResourceDefinitionsCelRuleRefusesTheUnitAtItsDryRun(KubernetesClient client, TestNamespace ns,
                                                                    LocalCluster cluster) {
        String group = "cel-" + ns.name() + ".capstan.dev";
        create(client, """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gauges.GROUP}
                spec:
                  group: GROUP
                  scope: Namespaced
                  names: {kind: Gauge, plural: gauges, singular: gauge}
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema:
                        openAPIV3Schema:
                          type: object
                          properties:
                            spec:
                              type: object
                              properties:
                                min: {type: integer}
                                max: {type: integer}
                              x-kubernetes-validations:
                                - rule: "self.min <= self.max"
                                  message: "min must not exceed max"
                """.replace("GROUP", group));
        await().atMost(SYNC).until(() -> client.getApiGroup(group) != null);
        try {
            LocalGitRepo repo = Examples.repo(tempDir.resolve("git"), ns);
            repo.write("charts/orders/templates/gauge.yaml", """
                    apiVersion: GROUP/v1
                    kind: Gauge
                    metadata: {name: queue-depth}
                    spec: {min: 10, max: 3}
                    """.replace("GROUP", group));
            repo.commitAndPush("orders: a gauge whose bounds are the wrong way round");

            try (Agent agent = Agent.start(Examples.agentConfig(repo.url(), Duration.ofMillis(300),
                    tempDir.resolve("cache"), cluster, ns))) {
                awaitOrdersRefusedAlone(agent, "Gauge " + ns.name() + "/queue-depth", "min must not exceed max");
                assertThat(client.apps().deployments().inNamespace(ns.name()).withName("orders").get())
                        .as("nothing of the unit applied").isNull();
            }
        } finally {
            delete(client, "CustomResourceDefinition", "gauges." + group);
        }
    }

    /**
     * orders/staging failed at its dry run with the server's message (each of {@code says}), nothing applied, while
     * checkout-api/staging synced.
     */
    private static void awaitOrdersRefusedAlone(Agent agent, String... says) {
        await().atMost(SYNC).untilAsserted(() -> {
            assertThat(agent.status().units().get("orders/staging")).isInstanceOfSatisfying(UnitOutcome.Failed.class,
                    failed -> {
                        assertThat(failed.stage()).isEqualTo(UnitOutcome.Stage.APPLY);
                        assertThat(failed.message()).contains(says).contains("nothing was applied");
                    });
            assertThat(agent.status().units().get("checkout-api/staging")).isInstanceOf(UnitOutcome.Synced.class);
        });
    }

    /** A policy is enforced once the server has compiled it: until a dry run of a violating Deployment is refused. */
    private static void awaitEnforced(KubernetesClient client, String namespace) {
        HasMetadata tooMany = client.load(new ByteArrayInputStream("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: probe, namespace: NAMESPACE}
                spec:
                  replicas: 6
                  selector: {matchLabels: {app: probe}}
                  template:
                    metadata: {labels: {app: probe}}
                    spec: {containers: [{name: c, image: "registry.example.com/probe:1"}]}
                """.replace("NAMESPACE", namespace).getBytes(StandardCharsets.UTF_8))).items().get(0);
        await().atMost(SYNC).until(() -> {
            try {
                client.resource(tooMany).dryRun().create();
                return false;
            } catch (KubernetesClientException refused) {
                return refused.getCode() == 422 || refused.getCode() == 403;
            }
        });
    }

    private static void create(KubernetesClient client, String yaml) {
        List<HasMetadata> items = client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                .items();
        items.forEach(item -> client.resource(item).create());
    }

    private static void delete(KubernetesClient client, String kind, String name) {
        client.genericKubernetesResources(switch (kind) {
            case "CustomResourceDefinition" -> "apiextensions.k8s.io/v1";
            default -> "admissionregistration.k8s.io/v1";
        }, kind).withName(name).delete();
    }
}
