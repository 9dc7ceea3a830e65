package dev.capstan.agent.cli;

import dev.capstan.agent.cluster.ClusterEndpoint;
import dev.capstan.agent.cluster.ClusterReader;
import dev.capstan.agent.cluster.RecordKind;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.model.Commits;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code capstan history <chart> <env>}: the unit's revisions from the release records, like {@code helm history}. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Print a unit's release history (read from the release records in the cluster).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:history printed",
            "1:no releases of that unit",
            "2:error (cluster unreachable, usage)"})
final class HistoryCommand implements Callable<Integer> {
    private static final String ROW = "%-9s %-21s %-12s %-13s %-20s %-12s %s%n";

    @Spec
    private CommandSpec spec;

    @Mixin
    private UnitArguments unit = new UnitArguments();

    @Option(names = "--namespace", paramLabel = "N", description = "The agent's namespace, where release records"
            + " live (default ${DEFAULT-VALUE}).")
    private String namespace = AgentConfig.Releases.defaults().namespace();

    @Mixin
    private ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Release> history;
        ClusterReader reader;
        try {
            reader = cluster.open();
        } catch (RuntimeException e) {
            if (!ClusterOptions.expected(e)) {
                throw e;
            }
            err.println("capstan history: " + e.getMessage());
            return CapstanCli.USAGE;
        }
        ClusterEndpoint endpoint = reader.endpoint();
        try (reader) {
            history = ReleaseStore.reading(reader.records(namespace, RecordKind.RELEASES), Integer.MAX_VALUE,
                    Clock.systemUTC()).history(unit.chart, unit.env);
        } catch (RuntimeException e) {
            if (!ClusterEndpoint.isClusterFailure(e)) {
                throw e;
            }
            err.println("capstan history: cannot read the release records in namespace " + namespace + " of "
                    + endpoint.describe(e));
            return CapstanCli.USAGE;
        }
        if (history.isEmpty()) {
            err.println("capstan history: no releases of " + unit.chart + "/" + unit.env + " in namespace "
                    + namespace);
            return CapstanCli.UNIT_FAILED;
        }
        out.printf(ROW, "REVISION", "UPDATED", "STATUS", "COMMIT", "CHART", "APP VERSION", "DESCRIPTION");
        for (Release r : history) {
            out.printf(ROW, r.revision(), r.updatedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    r.status().label(), Commits.shortened(r.commit()),
                    r.chart() + "-" + r.chartVersion(), r.appVersion(), r.message());
            for (Release.Correction c : r.corrections()) {
                out.printf("          drift corrected %s: %s %s%s%n",
                        c.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), c.object(),
                        String.join(", ", c.fields()), c.changedBy().isEmpty() ? "" : " (changed by " + c.changedBy()
                                + ")");
            }
        }
        out.flush();
        return CapstanCli.OK;
    }
}
