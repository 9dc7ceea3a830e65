package dev.capstan.agent.plan;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.config.RepoConfig;
import dev.capstan.agent.config.RepoConfigParser;
import dev.capstan.agent.helm.HelmChartRenderer;
import dev.capstan.agent.helmrepo.ChartSources;
import dev.capstan.agent.kustomize.Kustomizations;
import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.repo.RepoTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns a repository tree into units: {@code capstan.yaml}'s environments x the charts it deploys. Pure. */
public final class Planner {
    public static final String CHARTS_DIR = "charts";
    public static final String APPS_DIR = "apps";
    private static final java.util.regex.Pattern DNS_LABEL = java.util.regex.Pattern.compile(
            "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

    private Planner() {
    }

    public static Plan plan(RepoTree tree) {
        return plan(tree, PlanMemo.none());
    }

    /** As {@link #plan(RepoTree)}, skipping what {@code memo} knows has not changed since the last plan. */
    public static Plan plan(RepoTree tree, PlanMemo memo) {
        return memo.plan(tree, () -> planAll(tree, memo));
    }

    private static Plan planAll(RepoTree tree, PlanMemo memo) {
        byte[] raw = tree.read(RepoConfig.FILE).orElseThrow(() ->
                new ConfigException(RepoConfig.FILE + ": not found at " + tree.describe()));
        RepoConfig config = RepoConfigParser.parse(new String(raw, StandardCharsets.UTF_8));
        // A chart named in capstan.yaml but missing still becomes a unit: it fails alone, with a clear message.
        List<String> charts = config.charts().orElseGet(() -> tree.directories(CHARTS_DIR));
        // Kustomizations named in capstan.yaml (the Flux layout: apps/base, apps/staging...) replace the scan of apps/.
        List<String> apps = config.apps().orElseGet(() -> config.kustomizations().isEmpty()
                ? tree.directories(APPS_DIR) : List.of());
        Map<String, String> refused = new java.util.TreeMap<>();
        Map<String, Unit.Kind> sources = new java.util.TreeMap<>();
        collect(charts, Unit.Kind.CHART, sources, refused);
        collect(apps, Unit.Kind.MANIFESTS, sources, refused);
        List<String> envNames = config.environments().stream().map(Environment::name).toList();
        String envs = String.join(",", envNames);
        sources.replaceAll((name, kind) -> kind == Unit.Kind.CHART && memo.kindOf(tree, CHARTS_DIR + "/" + name, "helm",
                () -> kindOf(tree, kind, name, envNames) == Unit.Kind.HELM) ? Unit.Kind.HELM : kind);
        sources.replaceAll((name, kind) -> kind == Unit.Kind.MANIFESTS && memo.kindOf(tree, APPS_DIR + "/" + name,
                "kustomize:" + envs, () -> kindOf(tree, kind, name, envNames) == Unit.Kind.KUSTOMIZE)
                ? Unit.Kind.KUSTOMIZE : kind);
        List<RepoConfig.KustomizationSource> named = new ArrayList<>();
        for (RepoConfig.KustomizationSource source : config.kustomizations()) {
            if (sources.containsKey(source.name())) {
                Unit.Kind other = sources.remove(source.name());
                refused.put(source.name(), "kustomizations: " + source.name() + ": the name is also " + other.dir()
                        + "/" + source.name() + "; a unit's name is unique: rename one");
            } else {
                named.add(source);
            }
        }
        List<Unit> units = new ArrayList<>();
        for (Environment env : config.environments()) {
            sources.forEach((name, kind) -> units.add(new Unit(name, env, kind)));
            named.forEach(source -> units.add(new Unit(source.name(), env, Unit.Kind.KUSTOMIZE,
                    source.pathFor(env.name()))));
        }
        return new Plan(config, units, refused);
    }

    /** Adds the valid names of one kind; a name that is no DNS label, or is taken by another kind, is refused. */
    private static void collect(List<String> names, Unit.Kind kind, Map<String, Unit.Kind> sources,
                                Map<String, String> refused) {
        for (String name : names) {
            String shown = kind.dir() + "/" + printable(name);
            if (!DNS_LABEL.matcher(name).matches()) {
                refused.put(printable(name), shown + ": a " + (kind == Unit.Kind.CHART ? "chart" : "manifest")
                        + " directory's name must be a DNS label (a-z, 0-9 and '-', at most 63 characters, "
                        + "starting and ending with a letter or digit): it names the release and its objects' "
                        + "labels; rename the directory");
            } else if (sources.containsKey(name)) {
                Unit.Kind other = sources.remove(name);
                refused.put(name, shown + ": the name is also " + other.dir() + "/" + name + "; a unit is named by "
                        + "its directory, so charts/ and apps/ may not share a name: rename one");
            } else if (!refused.containsKey(name)) {
                sources.put(name, kind);
            }
        }
    }

    /**
     * What the directory {@code name} of {@code found}'s directory ({@code charts/} or {@code apps/}) holds: a Capstan
     * or a Helm chart, plain manifests or a kustomization.
     */
    static Unit.Kind kindOf(RepoTree tree, Unit.Kind found, String name, List<String> envNames) {
        return switch (found) {
            case CHART, HELM -> isHelmChart(tree, name) ? Unit.Kind.HELM : Unit.Kind.CHART;
            case MANIFESTS, KUSTOMIZE -> Kustomizations.isKustomizeApp(tree, APPS_DIR + "/" + name, envNames)
                    ? Unit.Kind.KUSTOMIZE : Unit.Kind.MANIFESTS;
        };
    }

    /** {@code Chart.yaml} says Helm, or the directory names a Helm chart by reference and has no Chart.yaml. */
    private static boolean isHelmChart(RepoTree tree, String chart) {
        return tree.read(CHARTS_DIR + "/" + chart + "/Chart.yaml")
                .map(bytes -> HelmChartRenderer.isHelmChart(new String(bytes, StandardCharsets.UTF_8)))
                .orElseGet(() -> tree.read(CHARTS_DIR + "/" + chart + "/" + ChartSources.REFERENCE_FILE).isPresent());
    }

    /** A name from git as it can be shown: anything outside printable ASCII as a \\uXXXX escape. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                : String.format("\\u%04x", c)));
        return out.length() > 100 ? out.substring(0, 100) + "..." : out.toString();
    }

    /** The files of one manifest directory ({@code apps/<app>}), paths relative to it. */
    public static Map<String, byte[]> appFiles(RepoTree tree, String app) {
        Map<String, byte[]> files = tree.files(APPS_DIR + "/" + app);
        if (files.isEmpty()) {
            throw new ChartException(app, APPS_DIR + "/" + app, 0, "manifest directory not found or empty");
        }
        return files;
    }

    /** The files of one chart, ready for the renderer. */
    public static ChartFiles chartFiles(RepoTree tree, String chart) {
        Map<String, byte[]> files = tree.files(CHARTS_DIR + "/" + chart);
        if (files.isEmpty()) {
            throw new ChartException(chart, CHARTS_DIR + "/" + chart, 0, "chart directory not found or empty");
        }
        return ChartFiles.of(chart, files);
    }
}
