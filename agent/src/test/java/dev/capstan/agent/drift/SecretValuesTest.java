package dev.capstan.agent.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretValuesTest {
    private static RenderedObject secret(Map<String, Object> content) {
        return new RenderedObject(new ObjectKey("v1", "Secret", "ns", "s"), "t", content);
    }

    @Test
    void aServerMessageQuotingAKeyOrValueIsMasked() {
        String value = "hunter2-very-secret";
        String encoded = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        SecretValues values = SecretValues.of(List.of(
                secret(Map.of("data", Map.of("password", encoded), "stringData", Map.of("token", "tok-abcdef"))),
                secret(Map.of("stringData", Map.of("db=" + value, "x", "pin", "42")))));

        String message = "Secret \"s\" is invalid: data[db=hunter2-very-secret]: Invalid value: "
                + "\"db=hunter2-very-secret\": a valid config key must consist of alphanumeric characters; also "
                + encoded + " and tok-abcdef; pin \"42\"";

        String masked = values.mask(message);
        assertThat(masked).doesNotContain(value, encoded, "tok-abcdef", "\"42\"")
                .contains("Secret \"s\" is invalid", "a valid config key must consist");
        assertThat(values.mask("password is required")).as("valid key names stay").isEqualTo("password is required");
    }

    @Test
    void otherKindsAndEmptySetsMaskNothing() {
        RenderedObject config = new RenderedObject(new ObjectKey("v1", "ConfigMap", "ns", "c"), "t",
                Map.of("data", Map.of("level", "debug-level")));

        assertThat(SecretValues.of(List.of(config)).mask("debug-level")).isEqualTo("debug-level");
    }
}
