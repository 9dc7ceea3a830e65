package dev.capstan.agent.cli;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.lint.ChartLinter;
import dev.capstan.agent.lint.Finding;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.render.UnitRenderer;
import dev.capstan.agent.repo.DirectoryTree;
import dev.capstan.agent.repo.RepoContentException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code capstan lint}: every chart x environment checked; one line per finding. */
@Command(name = "lint", mixinStandardHelpOptions = true,
        description = "Check charts: render errors, schema violations, literal secrets, unpinned images, missing"
                + " requests or readiness probes, PodDisruptionBudgets that block every eviction.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:no errors (warnings allowed)",
            "1:at least one ERROR",
            "2:usage error or invalid capstan.yaml"})
final class LintCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<repo-dir>", description = "Repository directory (holds capstan.yaml).")
    private Path repo;

    @Option(names = "--chart", paramLabel = "C", description = "Lint only this chart.")
    private String chart;

    @Mixin
    private CapabilitiesOptions capabilities = new CapabilitiesOptions();

    @Mixin
    private ChartSourceOptions chartSources = new ChartSourceOptions();

    @Option(names = "--env", paramLabel = "E", description = "Lint only this environment.")
    private String env;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<RepoSelection> selection = RepoSelection.load("lint", repo, chart, env, err);
        if (selection.isEmpty()) {
            return CapstanCli.USAGE;
        }
        DirectoryTree tree = selection.get().tree();
        List<Environment> environments = selection.get().environments();
        List<String> charts = selection.get().charts();
        List<Finding> findings;
        try (UnitRenderer renderer = UnitRenderer.local(chartSources.sources())) {
            findings = lintAll(new ChartLinter(renderer), tree, selection.get(), capabilities.capabilities());
        }
        findings.forEach(f -> out.println(f.format()));
        long errors = findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR).count();
        long warnings = findings.size() - errors;
        out.println("lint: " + charts.size() + " chart(s), " + selection.get().apps().stream().map(Unit::chart)
                .distinct().count() + " app(s) x " + environments.size() + " environment(s): "
                + errors + " error(s), " + warnings + " warning(s)");
        out.flush();
        return errors == 0 ? CapstanCli.OK : CapstanCli.UNIT_FAILED;
    }

    private static List<Finding> lintAll(ChartLinter linter, DirectoryTree tree, RepoSelection selection,
                                         Capabilities capabilities) {
        List<Environment> environments = selection.environments();
        List<String> charts = selection.charts();
        List<Finding> findings = new ArrayList<>();
        for (String name : charts) {
            try {
                ChartFiles files = Planner.chartFiles(tree, name);
                findings.addAll(linter.lint(files, environments, capabilities));
                for (String link : tree.links(Planner.CHARTS_DIR + "/" + name)) {
                    findings.add(new Finding(Finding.Severity.WARNING, name, link, 0, "symbolic link skipped: "
                            + "Capstan never follows links in repository content (the agent ignores this file)"));
                }
            } catch (ChartException e) {
                findings.add(new Finding(Finding.Severity.ERROR, name, e.file(), e.line(), e.problem()));
            } catch (RepoContentException e) {
                findings.add(new Finding(Finding.Severity.ERROR, name, "", 0, e.getMessage()));
            }
        }
        for (Unit app : selection.apps()) {
            findings.addAll(linter.lintManifests(tree, app, capabilities));
        }
        selection.apps().stream().map(Unit::chart).distinct().forEach(app -> tree.links(Planner.APPS_DIR + "/"
                + app).forEach(link -> findings.add(new Finding(Finding.Severity.WARNING, app, link, 0,
                "symbolic link skipped: Capstan never follows links in repository content (the agent ignores this "
                        + "file)"))));
        return findings;
    }
}
