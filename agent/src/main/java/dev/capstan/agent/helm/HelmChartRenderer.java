package dev.capstan.agent.helm;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.chart.ChartMetadata;
import dev.capstan.agent.chart.ValuesMerger;
import dev.capstan.agent.cluster.Pruner;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.EngineFailure;
import dev.capstan.agent.model.Hook;
import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectAssembly;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.Yaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Renders an unmodified Helm chart ({@code Chart.yaml} {@code apiVersion: v1} or {@code v2}) for one environment
 * with Helm's own engine: release name = the chart's directory, namespace = the environment's, values =
 * {@code values.yaml} then {@code values.<env>.yaml} coalesced by Helm. On top of {@code helm template}'s output:
 * the {@code crds/} files of the chart and its enabled subcharts (applied first, never pruned) and the hooks, both
 * of which helm-java leaves out (see {@link ChartRewrite}). {@code lookup} answers an empty map: a render reads no
 * cluster. Thread-safe; the chart is written out to a directory the engine owns, kept for the next render of the same
 * content ({@link WrittenCharts}).
 */
public final class HelmChartRenderer {
    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: (\\S+)\\s*$");
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final Pattern CRD_MARKER = Pattern.compile("(?m)^" + Pattern.quote(ChartRewrite.CRD_MARKER)
            + "(\\S+)\\s*$");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Pattern PATH_SEGMENT = Pattern.compile("[^/\\\\\\x00]+");
    /** Beside the written chart: a chart by reference's release values (not among the chart's own files). */
    private static final String RELEASE_VALUES = "_release-values";

    private final HelmEngine engine;
    private final WrittenCharts writtenCharts;

    public HelmChartRenderer(HelmEngine engine) {
        this.engine = engine;
        this.writtenCharts = new WrittenCharts(engine::newJobDirectory, HelmChartRenderer::deleteTree);
    }

    /** Whether {@code Chart.yaml}'s text declares a Helm chart ({@code apiVersion: v1} or {@code v2}). */
    public static boolean isHelmChart(String chartYaml) {
        try {
            Object apiVersion = Yaml.readMap(chartYaml, "", "Chart.yaml").get("apiVersion");
            return "v1".equals(apiVersion) || "v2".equals(apiVersion);
        } catch (ChartException e) {
            return false;
        }
    }

    public static ChartMetadata readMetadata(ChartFiles files) {
        String chart = files.chartName();
        String text = files.text("Chart.yaml").orElseThrow(() ->
                new ChartException(chart, "Chart.yaml", 0, "missing: every chart needs a Chart.yaml"));
        Map<String, Object> raw = Yaml.readMap(text, chart, "Chart.yaml");
        return new ChartMetadata(string(raw.get("name"), chart), string(raw.get("version"), ""),
                string(raw.get("appVersion"), ""), string(raw.get("description"), ""));
    }

    public DesiredState render(ChartFiles files, String env, String namespace, String commit,
                               Capabilities capabilities) {
        return render(files, Map.of(), env, namespace, commit, capabilities);
    }

    /**
     * Renders {@code files} for {@code env}. {@code releaseValues} (a chart named by reference: the unit's own
     * {@code values.yaml} and {@code values.<env>.yaml} by name) are given to Helm after the chart's defaults, as
     * {@code helm template -f values.yaml -f values.<env>.yaml} would; empty: the chart's {@code values.<env>.yaml}.
     */
    public DesiredState render(ChartFiles files, Map<String, byte[]> releaseValues, String env, String namespace,
                               String commit, Capabilities capabilities) {
        String chart = files.chartName();
        ChartMetadata metadata = readMetadata(files);
        String key = files.digest() + "/" + ChartFiles.of(chart, releaseValues).digest() + "/"
                + capabilities.fingerprint();
        try (WrittenCharts.Written written = writtenCharts.acquire(key, chart, dir -> {
            write(chart, dir, ChartRewrite.rewrite(chart, files.files(), capabilities));
            write(chart, dir.resolveSibling(RELEASE_VALUES), releaseValues);
        })) {
            Path dir = written.dir();
            List<Path> values = new ArrayList<>();
            String envValues = "values." + env + ".yaml";
            if (releaseValues.isEmpty()) {
                if (files.bytes(envValues).isPresent()) {
                    values.add(dir.resolve(envValues));
                }
            } else {
                for (String name : List.of("values.yaml", envValues)) {
                    if (releaseValues.containsKey(name)) {
                        values.add(dir.resolveSibling(RELEASE_VALUES).resolve(name));
                    }
                }
            }
            String rendered;
            try {
                rendered = engine.template(new HelmEngine.TemplateJob(dir, chart, namespace,
                        capabilities.kubeVersion(), values));
            } catch (HelmEngineException e) {
                throw e.notTheChart() ? new EngineFailure(chart + "/" + env, e.getMessage())
                        : located(chart + "/" + env, metadata.name(), e.getMessage());
            }
            return assemble(files, metadata.name(), env, namespace, commit, ChartRewrite.restore(rendered));
        }
    }

    /**
     * Helm's lint findings for the chart as one environment sees it, one line each: its {@code values.yaml} coalesced
     * with {@code values.<env>.yaml} as Helm coalesces them ({@link ValuesMerger}; helm-java's lint takes no values
     * files), so that a finding
     * an environment's values fix is not reported for it. {@code env} empty: the chart's defaults alone.
     */
    public List<String> lint(ChartFiles files, Capabilities capabilities, Optional<String> env) {
        return lint(files, Map.of(), capabilities, env);
    }

    /** As above, for a chart by reference: its defaults, then the unit's {@code releaseValues} coalesced. */
    public List<String> lint(ChartFiles files, Map<String, byte[]> releaseValues, Capabilities capabilities,
                             Optional<String> env) {
        String chart = files.chartName();
        Path job = engine.newJobDirectory();
        try {
            Map<String, byte[]> rewritten = new java.util.LinkedHashMap<>(ChartRewrite.rewrite(chart, files.files(),
                    capabilities));
            List<String> layers = new ArrayList<>();
            Map<String, byte[]> sources = releaseValues.isEmpty() ? files.files() : releaseValues;
            if (!releaseValues.isEmpty()) {
                layers.add("values.yaml");
            }
            env.map(name -> "values." + name + ".yaml").ifPresent(layers::add);
            Map<String, Object> merged = Yaml.readMap(files.text("values.yaml").orElse(""), chart, "values.yaml");
            boolean changed = false;
            for (String layer : layers) {
                byte[] bytes = sources.get(layer);
                if (bytes != null) {
                    merged = ValuesMerger.merge(merged, Yaml.readMap(new String(bytes,
                            java.nio.charset.StandardCharsets.UTF_8), chart, layer));
                    changed = true;
                }
            }
            if (changed) {
                rewritten.put("values.yaml", asJson(merged));
            }
            Path dir = job.resolve(chart);
            write(chart, dir, rewritten);
            return engine.lint(dir).stream().map(ChartRewrite::restore).toList();
        } finally {
            deleteTree(job);
        }
    }

    /** JSON, which Helm reads as YAML with no doubt about any value's type ({@code on}, {@code 012}, dates). */
    private static byte[] asJson(Map<String, Object> values) {
        try {
            return JSON.writeValueAsBytes(values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private DesiredState assemble(ChartFiles files, String chartName, String env, String namespace, String commit,
                                  String rendered) {
        String chart = files.chartName();
        String unit = chart + "/" + env;
        List<RenderedObject> crds = new ArrayList<>();
        List<RenderedObject> objects = new ArrayList<>();
        List<Hook> hooks = new ArrayList<>();
        for (String chunk : DOCUMENT_SEPARATOR.split(rendered)) {
            Matcher source = SOURCE.matcher(chunk);
            String file = source.find() ? withoutChartName(source.group(1), chartName) : "(rendered output)";
            if (ChartRewrite.isCrdTemplate(file)) {
                Matcher marker = CRD_MARKER.matcher(chunk);
                while (marker.find()) {
                    crds.addAll(crds(files, env, namespace, marker.group(1)));
                    ObjectAssembly.checkCount(unit, crds.size());
                }
                continue;
            }
            for (Object document : Yaml.readDocuments(chunk, unit, file)) {
                if (document == null) {
                    continue;
                }
                ObjectAssembly.checkCount(unit, crds.size() + objects.size() + hooks.size() + 1);
                RenderedObject object = ObjectAssembly.toObject(unit, file, document, chart, env, namespace);
                Optional<Hook> hook = HelmHooks.parse(unit, file, object);
                if (hook.isEmpty()) {
                    objects.add(object);
                } else {
                    hooks.add(hook.get().withObject(asHook(hook.get().object(), chart, env)));
                }
            }
        }
        hooks.sort(Comparator.comparingInt(Hook::weight).thenComparing(h -> h.object().key().toString()));
        return ObjectAssembly.desiredState(chart, env, commit, crds, objects).withHooks(hooks);
    }

    /** The CRDs of one {@code crds/} file Helm named, read from the chart as committed. */
    private static List<RenderedObject> crds(ChartFiles files, String env, String namespace, String path) {
        String chart = files.chartName();
        String text = files.text(path).orElseThrow(() -> new ChartException(chart, path, 0,
                "named by Helm as a crds/ file but not in the chart"));
        List<RenderedObject> crds = new ArrayList<>();
        for (Object document : Yaml.readDocuments(text, chart, path)) {
            if (document != null) {
                ObjectAssembly.checkCount(chart + "/" + env, crds.size() + 1);
                crds.add(crd(chart, path, ObjectAssembly.toObject(chart, path, document, chart, env, namespace)));
            }
        }
        return crds;
    }

    /**
     * A file of {@code crds/} (the chart's or an enabled subchart's, as Helm's loader sees them), installed as Helm
     * installs them: plain YAML, not templates, applied before everything else, and annotated so that no prune or
     * rollback ever deletes them.
     */
    private static RenderedObject crd(String chart, String file, RenderedObject object) {
        if (!"CustomResourceDefinition".equals(object.key().kind())) {
            throw new ChartException(chart, file, 0, object.key().kind() + " " + object.key().name() + ": only "
                    + "CustomResourceDefinitions belong in crds/ (put other objects in templates/, or list the file "
                    + "in .helmignore)");
        }
        return chartWide(withAnnotation(object, Pruner.PRUNE_ANNOTATION, "disabled"));
    }

    /**
     * A hook is not one of the unit's objects: it carries no unit labels (so it is neither drift nor pruned) but says
     * whose hook it is.
     */
    private static RenderedObject asHook(RenderedObject object, String chart, String env) {
        return ObjectAssembly.editMetadata(withAnnotation(object, HelmHooks.HOOK_OF, chart + "/" + env), "labels",
                labels -> {
                    labels.remove(Labels.CHART);
                    labels.remove(Labels.ENV);
                });
    }

    /**
     * A CRD of {@code crds/} is the chart's, not one environment's: every environment of the chart installs the same
     * cluster-scoped object, so it carries the chart label and no environment label (nor is it any unit's drift,
     * Extra or prune).
     */
    private static RenderedObject chartWide(RenderedObject object) {
        return ObjectAssembly.editMetadata(object, "labels", labels -> labels.remove(Labels.ENV));
    }

    /** {@code object} with one more annotation. */
    private static RenderedObject withAnnotation(RenderedObject object, String key, String value) {
        return ObjectAssembly.editMetadata(object, "annotations", annotations -> annotations.put(key, value));
    }

    private static String withoutChartName(String source, String chartName) {
        return source.startsWith(chartName + "/") ? source.substring(chartName.length() + 1) : source;
    }

    /** Helm names the failing file as {@code chart/templates/x.yaml:12:3}; the unit's error names it the same way. */
    static ChartException located(String chart, String chartName, String engineMessage) {
        // helm-java appends a hint meant for the helm CLI.
        String message = engineMessage.replace("\n\nUse --debug flag to render out invalid YAML", "").strip();
        Matcher at = Pattern.compile(Pattern.quote(chartName) + "/((?:charts/[^/]+/)*templates/[^:\\s)]+):(\\d+)")
                .matcher(message);
        if (at.find()) {
            return new ChartException(chart, at.group(1), Integer.parseInt(at.group(2)), message);
        }
        return new ChartException(chart, "", 0, message);
    }

    /** Writes the chart's files under {@code dir}; a path from git that would leave it is refused. */
    private static void write(String chart, Path dir, Map<String, byte[]> files) {
        try {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                String path = file.getKey();
                for (String segment : path.split("/", -1)) {
                    if (!PATH_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                        throw new ChartException(chart, path, 0, "not a plain relative path inside the chart");
                    }
                }
                Path target = dir.resolve(path).normalize();
                if (!target.startsWith(dir)) {
                    throw new ChartException(chart, path, 0, "not a plain relative path inside the chart");
                }
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + chart + " out for Helm's engine", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // The engine's directory is removed as a whole at shutdown.
        }
    }

    private static String string(Object value, String fallback) {
        return value == null ? fallback : value.toString();
    }
}
