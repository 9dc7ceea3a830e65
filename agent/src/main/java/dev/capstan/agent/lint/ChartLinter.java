package dev.capstan.agent.lint;

import dev.capstan.agent.render.UnitRenderer;
import dev.capstan.agent.chart.Capabilities;
import dev.capstan.agent.chart.ChartException;
import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.chart.DesiredState;
import dev.capstan.agent.config.Environment;
import java.util.ArrayList;
import java.util.List;

/**
 * Lints one chart for the given environments: everything that stops a render (YAML, template, schema, duplicate
 * errors), literal secrets in values and templates, and the object rules. Pure: files in, findings out.
 */
public final class ChartLinter {
    private final UnitRenderer renderer;

    public ChartLinter(UnitRenderer renderer) {
        this.renderer = renderer;
    }

    public List<Finding> lint(ChartFiles chart, List<Environment> environments, Capabilities capabilities) {
        List<Finding> findings = new ArrayList<>();
        String name = chart.chartName();
        try {
            chart.text("values.yaml").ifPresent(text ->
                    findings.addAll(LiteralSecrets.inValues(name, "values.yaml", text)));
            for (String template : chart.files().keySet()) {
                if (template.startsWith("templates/")) {
                    chart.text(template).ifPresent(text ->
                            findings.addAll(LiteralSecrets.inTemplate(name, template, text)));
                }
            }
        } catch (ChartException e) {
            findings.add(fromException(e));
        }
        for (Environment env : environments) {
            String unit = name + "/" + env.name();
            String envFile = "values." + env.name() + ".yaml";
            try {
                chart.text(envFile).ifPresent(text -> findings.addAll(LiteralSecrets.inValues(unit, envFile, text)));
                DesiredState state = renderer.render(chart, env, "lint", 0, capabilities).desired();
                findings.addAll(ObjectRules.check(unit, state));
            } catch (ChartException e) {
                findings.add(fromException(e));
            }
        }
        return findings.stream().distinct().sorted(Finding.ORDER).toList();
    }

    /** A manifest directory in one environment: what stops its render, and the object rules on what it renders. */
    public List<Finding> lintManifests(dev.capstan.agent.repo.RepoTree tree, dev.capstan.agent.plan.Unit unit,
                                       Capabilities capabilities) {
        try {
            return ObjectRules.check(unit.id(), renderer.render(tree, unit, "lint", 0, capabilities).desired());
        } catch (ChartException e) {
            return List.of(new Finding(Finding.Severity.ERROR, unit.id(), e.file() == null ? "" : e.file(), e.line(),
                    e.problem()));
        } catch (dev.capstan.agent.repo.RepoContentException e) {
            return List.of(new Finding(Finding.Severity.ERROR, unit.id(), "", 0, e.getMessage()));
        }
    }

    private static Finding fromException(ChartException e) {
        return new Finding(Finding.Severity.ERROR, e.chart(), e.file() == null ? "" : e.file(), e.line(),
                e.problem());
    }
}
