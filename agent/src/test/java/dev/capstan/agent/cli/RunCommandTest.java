package dev.capstan.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunCommandTest {

    @Test
    void anInvalidConfigStopsStartupWithOneLineNamingTheField(@TempDir Path temp) throws IOException {
        Path config = temp.resolve("agent.yaml");
        Files.writeString(config, "repo: {url: 'file:///r', pollInterval: soon}\n");

        StringWriter err = new StringWriter();
        int exit = run(err, "run", "--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("capstan run: invalid config: " + config
                + ": repo.pollInterval: expected a duration like 500ms, 30s, 5m or 1h, found 'soon'\n");
    }

    @Test
    void anUnreadableWebhookSecretStopsStartupWithOneLine(@TempDir Path temp) throws IOException {
        Path config = temp.resolve("agent.yaml");
        Files.writeString(config, """
                repo: {url: 'file:///r'}
                webhooks: {github: {secretFile: missing-secret}}
                http: {host: 127.0.0.1, port: 0}
                """);

        StringWriter err = new StringWriter();
        int exit = run(err, "run", "--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("capstan run: cannot start: webhooks.github.secretFile: secret file "
                + temp.resolve("missing-secret") + " cannot be read\n");
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new CapstanCli());
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
