package dev.capstan.agent.cli;

import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.AgentConfigLoader;
import dev.capstan.agent.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code capstan run}: the long-running agent. Stops cleanly on SIGTERM/SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the agent: watch the repository and keep the cluster in sync.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by a signal", "2:invalid configuration (the message names the field)"})
final class RunCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "<file>", description = "Agent config file (YAML).")
    private Path configFile;

    /** Read by {@link LogFormat} before any logger exists; declared here so picocli checks and documents it. */
    @Option(names = "--log-format", paramLabel = "json|text", description = "Log lines as JSON (default when not on"
            + " a terminal) or as text (default on a terminal).")
    private LogFormat.Format logFormat;

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig config;
        try {
            config = AgentConfigLoader.load(configFile);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("capstan run: invalid config: " + e.getMessage());
            return CapstanCli.USAGE;
        }
        Agent agent;
        try {
            // A replica that stopped leading exits, as controllers do: it comes back as a clean standby.
            agent = Agent.start(config, () -> new Thread(() -> System.exit(CapstanCli.UNIT_FAILED),
                    "capstan-exit").start());
        } catch (ConfigException | IllegalStateException e) {
            // An unreadable secret, a port in use, an unreachable kubeconfig: one line, not a stack trace.
            spec.commandLine().getErr().println("capstan run: cannot start: " + e.getMessage());
            return CapstanCli.USAGE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            org.slf4j.LoggerFactory.getLogger(RunCommand.class).info("shutdown complete");
            Logs.flush();
            stopped.countDown();
        }, "capstan-shutdown"));
        stopped.await();
        return CapstanCli.OK;
    }
}
