package dev.capstan.agent.cli;

import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.AgentConfigLoader;
import dev.capstan.agent.helmrepo.ChartSources;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * Where the command fetches charts named by repository: as the agent does, from the agent config's {@code charts}
 * section (allowed repositories, logins, CA files) when {@code --agent-config} names one, into the local cache
 * ({@code $CAPSTAN_CHART_CACHE}, else {@code ~/.cache/capstan/charts}) unless that section names its own.
 */
final class ChartSourceOptions {
    @Option(names = "--agent-config", paramLabel = "<file>",
            description = "Fetch charts named by repository as the agent with this config does (its charts section: "
                    + "allowed repositories, logins, CA files). Default: any https:// or oci:// repository, no login.")
    private Path agentConfig;

    Supplier<ChartSources> sources() {
        if (agentConfig == null) {
            return ChartSources::local;
        }
        AgentConfig config = AgentConfigLoader.load(agentConfig);
        return () -> config.charts().cacheDir().isPresent()
                ? ChartSources.of(config.charts(), config.chartCacheDir()) : ChartSources.local(config.charts());
    }
}
