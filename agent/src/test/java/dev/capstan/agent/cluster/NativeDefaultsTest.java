package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.model.Yaml;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeDefaultsTest {

    @Test
    void servicePortsGetTcpUnlessSet() {
        Map<String, Object> service = yaml("""
                spec:
                  ports:
                    - {port: 80}
                    - {port: 53, protocol: UDP}
                """);

        Map<String, Object> defaulted = NativeDefaults.apply("Service", service);

        assertThat(Yaml.write(defaulted)).contains("port: 80\n      protocol: TCP", "protocol: UDP");
        assertThat(Yaml.write(service)).doesNotContain("TCP");
    }

    @Test
    void containerPortsOfPodTemplatesGetTcp() {
        Map<String, Object> deployment = yaml("""
                spec:
                  template:
                    spec:
                      initContainers: [{name: init, ports: [{containerPort: 9000}]}]
                      containers: [{name: app, ports: [{containerPort: 8080}]}]
                """);
        Map<String, Object> cronJob = yaml("""
                spec:
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          containers: [{name: app, ports: [{containerPort: 8080}]}]
                """);

        assertThat(Yaml.write(NativeDefaults.apply("Deployment", deployment)).split("protocol: TCP")).hasSize(3);
        assertThat(Yaml.write(NativeDefaults.apply("CronJob", cronJob))).contains("protocol: TCP");
    }

    @Test
    void otherKindsAreUntouched() {
        Map<String, Object> configMap = yaml("data: {ports: '80'}\n");

        assertThat(NativeDefaults.apply("ConfigMap", configMap)).isEqualTo(configMap);
    }

    private static Map<String, Object> yaml(String text) {
        return Yaml.readMap(text, "test", "test.yaml");
    }

    @Test
    void stringDataIsSentAsTheDataItBecomes() {
        Map<String, Object> secret = new java.util.LinkedHashMap<>(Map.of("apiVersion", "v1", "kind", "Secret",
                "data", Map.of("a", "YQ==", "b", "b2xk"), "stringData", Map.of("b", "new", "c", "é")));

        Map<String, Object> sent = NativeDefaults.apply("Secret", secret);

        assertThat(sent).doesNotContainKey("stringData");
        assertThat(sent.get("data")).isEqualTo(Map.of("a", "YQ==", "b", "bmV3", "c", "w6k="));
        assertThat(secret).containsKey("stringData");
    }
}
