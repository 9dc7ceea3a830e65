package dev.capstan.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** config/agent.schema.json describes what the loader accepts: every shipped example is valid for both. */
class AgentConfigSchemaTest {
    private static final Path CONFIG = Path.of("..", "config");

    private static Schema schema() throws IOException {
        JsonNode node = JsonMapper.builder().build().readTree(Files.readString(CONFIG.resolve("agent.schema.json")));
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder
                .schemaLoader(loader -> loader.fetchRemoteResources(false))).getSchema(node);
    }

    @Test
    void everyExampleConfigAndTheInstallConfigMapMatchTheSchemaAndLoad() throws IOException {
        Schema schema = schema();
        List<String> examples;
        try (Stream<Path> files = Files.list(CONFIG)) {
            examples = files.filter(f -> f.getFileName().toString().endsWith(".example.yaml"))
                    .map(f -> readString(f)).toList();
        }
        String installed = agentYaml(Path.of("..", "manifests", "configmap.yaml"));
        // The sharded install's replicas take their shard from their pod name (POD_NAME, capstan-0...).
        String sharded = agentYaml(Path.of("..", "manifests", "sharded", "configmap.yaml"))
                .replace("ha: {enabled: true, shards: 3}", "ha: {enabled: true, shards: 3, identity: capstan-1}");
        assertThat(sharded).contains("identity: capstan-1");
        assertThat(examples).hasSizeGreaterThanOrEqualTo(4);
        for (String text : Stream.concat(examples.stream(), Stream.of(installed, sharded)).toList()) {
            JsonNode config = tree(text);
            assertThat(schema.validate(config)).as(text).isEmpty();
            assertThat(AgentConfigLoader.parse(text, "example.yaml", Path.of("/etc/capstan")).repo().url())
                    .endsWith("/shop/deploy.git");
        }
    }

    @Test
    void theShippedInstallsBoundEachEnvironmentToItsOwnNamespace() {
        for (Path configMap : List.of(Path.of("..", "manifests", "configmap.yaml"),
                Path.of("..", "manifests", "sharded", "configmap.yaml"))) {
            // The sharded install's replicas take their shard from their pod name.
            String yaml = agentYaml(configMap).replace("shards: 3}", "shards: 3, identity: capstan-1}");
            Destinations shipped = AgentConfigLoader.parse(yaml, "agent.yaml", Path.of("/etc/capstan"))
                    .destinations();
            assertThat(shipped.restricted()).as(configMap.toString()).isTrue();
            assertThat(shipped.allowsNamespace("staging", "staging")).isTrue();
            assertThat(shipped.allowsNamespace("staging", "production")).isFalse();
            assertThat(shipped.allowsNamespace("staging", "kube-system")).isFalse();
            assertThat(shipped.allowsClusterResource("rbac.authorization.k8s.io", "ClusterRoleBinding")).isFalse();
            assertThat(shipped.clusterResources()).isEqualTo(Destinations.SHIPPED_CLUSTER_RESOURCES);
            assertThat(shipped.replaceUnownedCrds()).isFalse();
        }
    }

    /** The agent config an install's ConfigMap holds. */
    private static String agentYaml(Path configMap) {
        String text = readString(configMap);
        return text.substring(text.indexOf("agent.yaml: |") + "agent.yaml: |".length())
                .lines().map(line -> line.length() > 4 ? line.substring(4) : "").reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void theSchemaRejectsWhatTheLoaderRejects() throws IOException {
        Schema schema = schema();
        for (String bad : List.of("cacheDir: x\n", "repo: {url: 'https://h/r', token: abc}\n",
                "repo: {url: 'https://h/r', pollInterval: 10}\n",
                "repo: {url: 'https://h/r'}\nha: {enabled: yes-please}\n",
                "repo: {url: 'https://h/r'}\napi: {openEndpoints: [admin]}\n")) {
            assertThat(schema.validate(tree(bad))).as(bad).isNotEmpty();
        }
    }

    /** YAML as the loader reads it, as a JSON tree for the validator. */
    private static JsonNode tree(String yaml) {
        return JsonMapper.builder().build().valueToTree(dev.capstan.agent.model.Yaml.readMap(yaml, "config",
                "agent.yaml"));
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
