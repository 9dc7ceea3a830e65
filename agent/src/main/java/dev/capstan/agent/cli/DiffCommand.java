package dev.capstan.agent.cli;

import dev.capstan.agent.cluster.ClusterEndpoint;
import dev.capstan.agent.cluster.ClusterReader;
import dev.capstan.agent.cluster.DriftChecker;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.render.UnitRenderer;
import dev.capstan.agent.repo.RepoContentException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code capstan diff}: like {@code kubectl diff}, what applying the repository would change, by owned fields. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "Show what applying the repository would change in the cluster: a unified diff of the fields"
                + " Capstan owns (server-side apply dry run; secrets masked).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:no drift",
            "1:drift found",
            "2:error (render failed, cluster unreachable, usage)"})
final class DiffCommand implements Callable<Integer> {
    private static final int ERROR = 2;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<repo-dir>", description = "Repository directory (holds capstan.yaml).")
    private Path repo;

    @Option(names = "--env", required = true, paramLabel = "E", description = "The environment to compare.")
    private String env;

    @Option(names = "--chart", paramLabel = "C", description = "Only this chart.")
    private String chart;

    @Option(names = "--install", paramLabel = "NAME", defaultValue = "capstan-system",
            description = "The install whose objects to compare with (the agent config's releases.install, by "
                    + "default its records namespace): its name is on every object it applies.")
    private String install;

    @Mixin
    private ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<RepoSelection> selection = RepoSelection.load("diff", repo, chart, env, err);
        if (selection.isEmpty()) {
            return ERROR;
        }
        boolean drift = false;
        boolean failed = false;
        ClusterReader reader;
        try {
            reader = cluster.open();
        } catch (RuntimeException e) {
            if (!ClusterOptions.expected(e)) {
                throw e;
            }
            err.println("capstan diff: " + e.getMessage());
            return ERROR;
        }
        ClusterEndpoint endpoint = reader.endpoint();
        try (reader; UnitRenderer renderer = UnitRenderer.forInstall(install)) {
            Capabilities capabilities = reader.capabilities();
            DriftChecker checker = reader.driftChecker(Clock.systemUTC());
            for (Unit unit : selection.get().units()) {
                try {
                    DesiredState desired = renderer.render(selection.get().tree(), unit,
                            "local", 0, capabilities).desired();
                    UnitDrift result = checker.check(unit.id(), "local", desired);
                    switch (result.state()) {
                        case InSync -> { }
                        case OutOfSync -> {
                            drift = true;
                            out.print(result.diff());
                        }
                        case Unknown -> {
                            failed = true;
                            err.println("ERROR " + unit.id() + ": " + result.reason());
                        }
                        default -> throw new IllegalStateException("unexpected state " + result.state());
                    }
                } catch (ChartException e) {
                    failed = true;
                    err.println("ERROR " + new ChartException(unit.id(), e.file(), e.line(), e.problem())
                            .getMessage());
                } catch (RepoContentException e) {
                    failed = true;
                    err.println("ERROR " + unit.id() + " " + e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            if (!ClusterEndpoint.isClusterFailure(e)) {
                throw e;
            }
            err.println("capstan diff: cannot compare with " + endpoint.describe(e));
            return ERROR;
        }
        out.flush();
        return failed ? ERROR : drift ? CapstanCli.UNIT_FAILED : CapstanCli.OK;
    }
}
