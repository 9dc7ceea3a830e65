package dev.capstan.agent.cli;

import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.render.UnitRenderer;
import dev.capstan.agent.repo.DirectoryTree;
import dev.capstan.agent.repo.RepoContentException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code capstan render}: like {@code helm template}, prints every unit's manifests (and its hooks) to stdout. */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Render charts of a GitOps repository directory to YAML on stdout (like 'helm template').",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every unit rendered", "1:at least one unit failed to render (others still print)",
            "2:usage error or invalid capstan.yaml"})
final class RenderCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<repo-dir>", description = "Repository directory (holds capstan.yaml).")
    private Path repo;

    @Option(names = "--chart", paramLabel = "C", description = "Render only this chart.")
    private String chart;

    @Mixin
    private CapabilitiesOptions capabilities = new CapabilitiesOptions();

    @Mixin
    private ChartSourceOptions chartSources = new ChartSourceOptions();

    @Option(names = "--env", paramLabel = "E", description = "Render only this environment.")
    private String env;

    @Option(names = "--output", paramLabel = "<dir>",
            description = "Write each unit to <dir>/<env>/<chart>.yaml instead of stdout.")
    private Path output;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    private boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<RepoSelection> selection = RepoSelection.load("render", repo, chart, env, err);
        if (selection.isEmpty()) {
            return CapstanCli.USAGE;
        }
        DirectoryTree tree = selection.get().tree();
        List<Unit> units = selection.get().units();
        int failures = 0;
        try (UnitRenderer renderer = UnitRenderer.local(chartSources.sources())) {
            failures = renderAll(renderer, tree, units, out, err);
        } catch (IOException e) {
            err.println("capstan render: cannot write to " + output + ": " + e.getMessage());
            return CapstanCli.USAGE;
        }
        out.flush();
        return failures == 0 ? CapstanCli.OK : CapstanCli.UNIT_FAILED;
    }

    private int renderAll(UnitRenderer renderer, DirectoryTree tree, List<Unit> units, PrintWriter out,
                          PrintWriter err) throws IOException {
        int failures = 0;
        for (Unit unit : units) {
            try {
                DesiredState state = renderer.render(tree, unit, "local", 0,
                        capabilities.capabilities()).desired();
                if (output == null) {
                    out.print(state.manifestWithHooks());
                } else {
                    Path file = output.resolve(unit.env().name()).resolve(unit.chart() + ".yaml");
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, state.manifestWithHooks());
                }
            } catch (ChartException e) {
                failures++;
                err.println("ERROR " + new ChartException(unit.id(), e.file(), e.line(), e.problem()).getMessage());
                if (verbose) {
                    e.printStackTrace(err);
                }
            } catch (RepoContentException e) {
                failures++;
                err.println("ERROR " + unit.id() + " " + e.getMessage());
                if (verbose) {
                    e.printStackTrace(err);
                }
            }
        }
        return failures;
    }
}
