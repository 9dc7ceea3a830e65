package dev.capstan.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    @Test
    void theOptionWinsElseATerminalGetsText() {
        assertThat(LogFormat.choose(List.of("run", "--config", "a.yaml"), false)).isEqualTo(LogFormat.Format.JSON);
        assertThat(LogFormat.choose(List.of("run", "--config", "a.yaml"), true)).isEqualTo(LogFormat.Format.TEXT);
        assertThat(LogFormat.choose(List.of("run", "--log-format", "json"), true)).isEqualTo(LogFormat.Format.JSON);
        assertThat(LogFormat.choose(List.of("run", "--log-format=text"), false)).isEqualTo(LogFormat.Format.TEXT);
    }
}
