package dev.capstan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.agent.config.ConfigException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokensTest {
    private static final String TOKEN = "viewer-token-0123456789";

    @TempDir
    Path temp;

    @Test
    void emptyingTheFileRevokesEveryToken() throws Exception {
        Path file = Files.writeString(temp.resolve("tokens.yaml"), "- {name: a, role: viewer, token: " + TOKEN + "}\n");
        ApiTokens tokens = new ApiTokens(file, new SimpleMeterRegistry());
        tokens.reload();
        assertThat(tokens.authenticate(TOKEN)).isPresent();

        Files.writeString(file, "\n");
        tokens.reload();
        assertThat(tokens.authenticate(TOKEN)).isEmpty();

        Files.writeString(file, "- {name: a, role: viewer, token: " + TOKEN + "}\n");
        tokens.reload();
        Files.writeString(file, "# all revoked\n");
        tokens.reload();
        assertThat(tokens.authenticate(TOKEN)).isEmpty();
    }

    @Test
    void deletingTheFileRevokesEveryTokenAndItsReturnRestoresThem() throws Exception {
        String content = "- {name: a, role: viewer, token: " + TOKEN + "}\n";
        Path file = Files.writeString(temp.resolve("tokens.yaml"), content);
        ApiTokens tokens = new ApiTokens(file, new SimpleMeterRegistry());
        tokens.reload();

        Files.delete(file);
        tokens.reload();
        assertThat(tokens.authenticate(TOKEN)).isEmpty();

        Files.writeString(file, content);
        tokens.reload();
        assertThat(tokens.authenticate(TOKEN)).isPresent();
    }

    @Test
    void aFileThatDoesNotParseKeepsThePreviousTokensButAMissingOneStopsStartup() throws Exception {
        Path file = Files.writeString(temp.resolve("tokens.yaml"), "- {name: a, role: viewer, token: " + TOKEN + "}\n");
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        ApiTokens tokens = new ApiTokens(file, metrics);
        tokens.reload();

        Files.writeString(file, "- {name: a, role: emperor, token: " + TOKEN + "}\n");
        tokens.reload();
        assertThat(tokens.authenticate(TOKEN)).isPresent();
        assertThat(metrics.counter("capstan_api_token_reloads_total", "result", "rejected").count()).isEqualTo(1);

        assertThatThrownBy(() -> new ApiTokens(temp.resolve("missing.yaml"), metrics).reload())
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yaml cannot be read");
    }
}
