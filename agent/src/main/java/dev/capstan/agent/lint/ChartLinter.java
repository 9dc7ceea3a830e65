package dev.capstan.agent.lint;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.helm.HelmEngineException;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.render.UnitRenderer;
import dev.capstan.agent.repo.RepoContentException;
import dev.capstan.agent.repo.RepoTree;
import java.util.ArrayList;
import java.util.List;

/**
 * Lints one chart for the given environments: everything that stops a render (YAML, template, schema, duplicate
 * errors), literal secrets in values and templates, and the object rules on the render of every environment with
 * its own values; for a Helm chart also Helm's own lint, once per environment with that environment's values (a
 * finding every environment shares is reported once, for the chart). Pure: files in, findings out.
 */
public final class ChartLinter {
    private static final java.util.regex.Pattern HELM_FINDING = java.util.regex.Pattern.compile(
            "\\[(ERROR|WARNING|INFO)\\] (?:([^:\\s]+): )?(.*)");
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
        java.util.Map<String, String> renderErrors = new java.util.HashMap<>();
        for (Environment env : environments) {
            String unit = name + "/" + env.name();
            String envFile = "values." + env.name() + ".yaml";
            try {
                chart.text(envFile).ifPresent(text -> findings.addAll(LiteralSecrets.inValues(unit, envFile, text)));
                DesiredState state = renderer.render(chart, env, "lint", 0, capabilities).desired();
                // Rendered again only to tell values generated at render time (randAlphaNum) from values in git.
                DesiredState again = ObjectRules.holdsSecretData(state)
                        ? renderer.render(chart, env, "lint", 0, capabilities).desired() : state;
                findings.addAll(ObjectRules.check(unit, state, again));
            } catch (ChartException e) {
                findings.add(fromException(e));
                renderErrors.put(env.name(), oneLine(e.problem()));
            }
        }
        findings.addAll(helmLint(chart, environments, capabilities, renderErrors));
        return findings.stream().distinct().sorted(Finding.ORDER).toList();
    }

    /** A manifest directory in one environment: what stops its render, and the object rules on what it renders. */
    public List<Finding> lintManifests(RepoTree tree, Unit unit,
                                       Capabilities capabilities) {
        try {
            return ObjectRules.check(unit.id(), renderer.render(tree, unit, "lint", 0, capabilities).desired());
        } catch (ChartException e) {
            return List.of(new Finding(Finding.Severity.ERROR, unit.id(), e.file() == null ? "" : e.file(), e.line(),
                    e.problem()));
        } catch (RepoContentException e) {
            return List.of(new Finding(Finding.Severity.ERROR, unit.id(), "", 0, e.getMessage()));
        }
    }

    /**
     * Helm's own lint of a Helm chart ({@code [ERROR]}/{@code [WARNING]} lines; {@code [INFO]} is left out) for each
     * environment with its values; what all environments find is the chart's finding.
     */
    private List<Finding> helmLint(ChartFiles chart, List<Environment> environments, Capabilities capabilities,
                                   java.util.Map<String, String> renderErrors) {
        String name = chart.chartName();
        List<java.util.Optional<String>> envs = environments.isEmpty() ? List.of(java.util.Optional.empty())
                : environments.stream().map(e -> java.util.Optional.of(e.name())).toList();
        java.util.Map<Finding, java.util.Set<String>> seenIn = new java.util.LinkedHashMap<>();
        for (java.util.Optional<String> env : envs) {
            String renderError = renderErrors.getOrDefault(env.orElse(""), "");
            for (Finding finding : helmLintOnce(chart, env, capabilities)) {
                String said = oneLine(finding.message().substring("helm lint: ".length()));
                if (renderError.contains(said)) {
                    continue; // the environment's render error says it already (a values schema violation)
                }
                seenIn.computeIfAbsent(finding, f -> new java.util.HashSet<>()).add(env.orElse(""));
            }
        }
        List<Finding> findings = new ArrayList<>();
        seenIn.forEach((finding, seen) -> {
            if (seen.size() == envs.size()) {
                findings.add(finding);
            } else {
                seen.forEach(env -> findings.add(new Finding(finding.severity(), name + "/" + env, finding.file(),
                        finding.line(), finding.message())));
            }
        });
        return findings;
    }

    private List<Finding> helmLintOnce(ChartFiles chart, java.util.Optional<String> env, Capabilities capabilities) {
        List<Finding> findings = new ArrayList<>();
        try {
            for (String line : renderer.helmLint(chart, capabilities, env)) {
                java.util.regex.Matcher m = HELM_FINDING.matcher(line.trim());
                if (m.matches() && !m.group(1).equals("INFO")) {
                    findings.add(new Finding(m.group(1).equals("ERROR") ? Finding.Severity.ERROR
                            : Finding.Severity.WARNING, chart.chartName(), m.group(2) == null ? "" : m.group(2), 0,
                            "helm lint: " + m.group(3)));
                }
            }
        } catch (HelmEngineException e) {
            findings.add(new Finding(Finding.Severity.ERROR, chart.chartName(), "", 0, "helm lint: "
                    + e.getMessage()));
        }
        return findings;
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    private static Finding fromException(ChartException e) {
        return new Finding(Finding.Severity.ERROR, e.chart(), e.file() == null ? "" : e.file(), e.line(),
                e.problem());
    }
}
