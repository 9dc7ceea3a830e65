package dev.capstan.agent.helmrepo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.model.Yaml;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LockDigestTest {

    /** The fixture's Chart.lock was written by helm v3.21.0 for its Chart.yaml (conditions, tags, alias, imports). */
    @Test
    void theDigestIsHelmsOwnForAChartYamlAndTheLockHelmWroteForIt() throws IOException {
        Map<String, Object> chart = Yaml.readMap(resource("Chart.yaml"), "umbrella", "Chart.yaml");
        Map<String, Object> lock = Yaml.readMap(resource("Chart.lock"), "umbrella", "Chart.lock");
        assertThat(LockDigest.of(deps(chart), deps(lock))).isEqualTo(lock.get("digest"))
                .isEqualTo("sha256:19a8dd4deefbdc4122bcb70feaa74df90ab01fa7a20c701229401841f321dca7");
    }

    @Test
    void anyChangeOfChartYamlsDependenciesChangesTheDigest() throws IOException {
        Map<String, Object> chart = Yaml.readMap(resource("Chart.yaml").replace("sub.enabled,global.sub",
                "sub.enabled"), "umbrella", "Chart.yaml");
        Map<String, Object> lock = Yaml.readMap(resource("Chart.lock"), "umbrella", "Chart.lock");
        assertThat(LockDigest.of(deps(chart), deps(lock))).isNotEqualTo(lock.get("digest"));
    }

    @Test
    void stringsAreEscapedAsGoEscapesThem() {
        assertThat(LockDigest.string("a<b>&\"c\"\\\n\u0001\u2028")).isEqualTo(
                "\"a\\u003cb\\u003e\\u0026\\\"c\\\"\\\\\\n\\u0001\\u2028\"");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> deps(Map<String, Object> file) {
        return (List<Map<String, Object>>) file.get("dependencies");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = LockDigestTest.class.getResourceAsStream("/helmrepo/umbrella/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
