package dev.capstan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SameOriginTest {
    private final SameOrigin guard = new SameOrigin(Set.of("capstan.example.com"));

    @Test
    void anOpenApiAnswersOnlyLoopbackIpAddressesAndTheConfiguredNames() {
        assertThat(guard.refusal(false, "127.0.0.1:8080", null, null, null)).isEmpty();
        assertThat(guard.refusal(false, "localhost:8080", null, null, null)).isEmpty();
        assertThat(guard.refusal(false, "[::1]:8080", null, null, null)).isEmpty();
        assertThat(guard.refusal(false, "10.1.2.3:8080", null, null, null)).as("a probe by pod IP").isEmpty();
        assertThat(guard.refusal(false, "Capstan.Example.com", null, null, null)).isEmpty();
        assertThat(guard.refusal(false, "rebind.attacker.example:8080", null, null, null))
                .hasValueSatisfying(m -> assertThat(m).contains("host 'rebind.attacker.example'", "api.hostNames"));
    }

    @Test
    void aStateChangeMustComeFromTheSameOriginAsJsonOrWithoutABody() {
        assertThat(guard.refusal(true, "127.0.0.1:8080", null, null, null)).as("the CLI, no body").isEmpty();
        assertThat(guard.refusal(true, "127.0.0.1:8080", null, null, "application/json")).isEmpty();
        assertThat(guard.refusal(true, "127.0.0.1:8080", "http://127.0.0.1:8080", "same-origin",
                "application/json; charset=utf-8")).as("the agent's own page").isEmpty();

        assertThat(guard.refusal(true, "127.0.0.1:8080", "https://evil.example", "cross-site",
                "application/x-www-form-urlencoded")).hasValueSatisfying(m -> assertThat(m).contains("another site"));
        assertThat(guard.refusal(true, "127.0.0.1:8080", "https://evil.example", null, null))
                .hasValueSatisfying(m -> assertThat(m).contains("origin https://evil.example"));
        assertThat(guard.refusal(true, "127.0.0.1:8080", null, null, "text/plain"))
                .hasValueSatisfying(m -> assertThat(m).contains("must send JSON"));
        assertThat(guard.refusal(true, "127.0.0.1:8080", null, null, "multipart/form-data; boundary=x")).isPresent();
        assertThat(guard.refusal(true, "127.0.0.1:8080", "null", null, null)).isPresent();
    }
}
