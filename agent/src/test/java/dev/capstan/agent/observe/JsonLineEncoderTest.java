package dev.capstan.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineEncoderTest {
    private final Logger logger = new LoggerContext().getLogger("dev.capstan.agent.sync.UnitWork");

    @Test
    void aLineIsOneJsonObjectWithTheUnitFromTheMdc() throws Exception {
        LoggingEvent event = new LoggingEvent("x", logger, Level.ERROR, "render failed: {}", null,
                new Object[] {"line 3: \"quoted\"\nand a newline"});
        event.setThreadName("unit-7");
        event.setInstant(Instant.parse("2026-12-03T12:00:00.123456789Z"));
        event.setMDCPropertyMap(Map.of("chart", "web", "env", "staging", "commit", "1a2b3c4d5e6f"));

        String line = new String(new JsonLineEncoder().encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("time").asText()).isEqualTo("2026-12-03T12:00:00.123456789Z");
        assertThat(json.path("message").asText()).isEqualTo("render failed: line 3: \"quoted\"\nand a newline");
        assertThat(json.path("logger_name").asText()).isEqualTo("dev.capstan.agent.sync.UnitWork");
        assertThat(json.path("thread_name").asText()).isEqualTo("unit-7");
        assertThat(json.path("level").asText()).isEqualTo("ERROR");
        assertThat(json.path("chart").asText() + " " + json.path("env").asText() + " " + json.path("commit").asText())
                .isEqualTo("web staging 1a2b3c4d5e6f");
        assertThat(json.has("stack_trace")).isFalse();
    }

    @Test
    void anExceptionGoesInStackTrace() throws Exception {
        LoggingEvent event = new LoggingEvent("x", logger, Level.WARN, "failed", new IllegalStateException("boom"),
                null);
        event.setMDCPropertyMap(Map.of());

        JsonNode json = new ObjectMapper().readTree(new JsonLineEncoder().encode(event));

        assertThat(json.path("stack_trace").asText()).startsWith("java.lang.IllegalStateException: boom")
                .contains("JsonLineEncoderTest");
    }
}
