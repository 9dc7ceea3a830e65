package dev.capstan.agent.chart;

import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.ObjectAssembly;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.Yaml;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders one chart for one environment: pure, files in, objects out. No Kubernetes client, no I/O, no clock, so the
 * same commit always renders to the same bytes. Thread-safe; compiled charts are cached by content digest.
 */
public final class ChartRenderer {

    /**
     * A unit whose chart and config did not change is not rendered again at all (its source digest says so); what
     * this cache saves is compiling a chart once for all its environments in one commit. A thousand compiled charts
     * (a Pebble engine each) were 10+ MiB held for nothing.
     */
    private static final int CACHED_CHARTS = 64;
    private static final Pattern SEMVER = Pattern.compile(
            "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$");
    private static final Pattern DNS_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern MISSING_ATTRIBUTE = Pattern.compile(
            "Attribute \\[(.+?)] of \\[.+?] does not exist or can not be accessed.*");
    private static final Pattern MISSING_ROOT = Pattern.compile(
            "Root attribute \\[(.+?)] does not exist or can not be accessed.*");

    private final RenderLimits limits;
    private final ParsedOutputCache parsed;
    private final Map<String, CompiledChart> compiled = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompiledChart> eldest) {
            return size() > CACHED_CHARTS;
        }
    };

    public ChartRenderer() {
        this(RenderLimits.defaults());
    }

    public ChartRenderer(RenderLimits limits) {
        this.limits = limits;
        this.parsed = new ParsedOutputCache(limits.parseCacheChars());
    }

    public DesiredState render(RenderRequest request) {
        String unit = request.chart().chartName() + "/" + request.env();
        try {
            return renderGuarded(request, unit);
        } catch (StackOverflowError e) {
            // A template, macro or schema that refers to itself past every other guard: this unit's error only.
            throw new ChartException(unit, "", 0, "rendering nests too deeply (a template, macro or schema that "
                    + "refers to itself?)");
        }
    }

    private DesiredState renderGuarded(RenderRequest request, String unit) {
        ChartFiles files = request.chart();
        CompiledChart chart = compiled(files);
        if (files.manifestTemplates().isEmpty()) {
            throw new ChartException(unit, "templates/", 0, "the chart has no templates (templates/*.yaml)");
        }
        Map<String, Object> values = values(chart, request.env(), unit);
        ChartMetadata metadata = chart.metadata();
        Map<String, Object> context = Map.of(
                "values", values,
                "chart", Map.of("name", metadata.name(), "version", metadata.version(),
                        "appVersion", metadata.appVersion()),
                "release", Map.of("name", files.chartName(), "namespace", request.namespace(),
                        "env", request.env(), "commit", request.commit(), "revision", request.revision()),
                "capabilities", request.capabilities().asTemplateContext());

        List<RenderedObject> objects = RenderBudget.within(limits.timeBudget(), () -> {
            List<RenderedObject> result = new ArrayList<>();
            Map<ObjectKey, String> seen = new HashMap<>();
            int outputSize = 0;
            for (String template : files.manifestTemplates()) {
                String output = evaluate(chart, unit, template, context);
                outputSize += output.length();
                if (outputSize > limits.maxOutputBytes()) {
                    throw new ChartException(unit, template, 0, "rendered output exceeds the limit of "
                            + limits.maxOutputBytes() + " characters");
                }
                for (Object document : parsed.documents(output, unit, template)) {
                    ObjectAssembly.checkCount(unit, seen.size() + 1);
                    RenderedObject object = ObjectAssembly.toObject(unit, template, document,
                            files.chartName(), request.env(), request.namespace());
                    String previous = seen.putIfAbsent(object.key(), template);
                    if (previous != null) {
                        throw new ChartException(unit, template, 0,
                                "duplicate object " + object.key() + " (also rendered by " + previous + ")");
                    }
                    result.add(object);
                }
            }
            return result;
        });
        return ObjectAssembly.desiredState(files.chartName(), request.env(), request.commit(), objects);
    }

    /** The merged values of a unit, checked against the chart's schema when it has one. */
    public Map<String, Object> values(ChartFiles files, String env) {
        return values(compiled(files), env, files.chartName() + "/" + env);
    }

    private static Map<String, Object> values(CompiledChart chart, String env, String unit) {
        String envFile = "values." + env + ".yaml";
        Map<String, Object> overlay = chart.files().text(envFile)
                .map(text -> Yaml.readMap(text, unit, envFile))
                .orElse(Map.of());
        Map<String, Object> values = ValuesMerger.merge(chart.defaults(), overlay);
        chart.schema().ifPresent(schema -> {
            List<String> violations = schema.violations(values);
            if (!violations.isEmpty()) {
                throw new ChartException(unit, "", 0, "values: " + String.join("; values: ", violations));
            }
        });
        return values;
    }

    private CompiledChart compiled(ChartFiles files) {
        synchronized (compiled) {
            CompiledChart chart = compiled.get(files.digest());
            if (chart != null) {
                return chart;
            }
        }
        CompiledChart chart = CompiledChart.compile(files, limits.maxOutputBytes());
        synchronized (compiled) {
            compiled.put(files.digest(), chart);
        }
        return chart;
    }

    /** Reads and checks {@code Chart.yaml}. */
    public static ChartMetadata readMetadata(ChartFiles files) {
        String chart = files.chartName();
        String text = files.text("Chart.yaml").orElseThrow(() ->
                new ChartException(chart, "Chart.yaml", 0, "missing: every chart needs a Chart.yaml"));
        Map<String, Object> raw = Yaml.readMap(text, chart, "Chart.yaml");
        if (!"capstan/v1".equals(raw.get("apiVersion"))) {
            throw new ChartException(chart, "Chart.yaml", 0,
                    "apiVersion must be capstan/v1, found " + raw.get("apiVersion"));
        }
        String name = stringField(raw, "name", chart);
        if (!DNS_NAME.matcher(name).matches()) {
            throw new ChartException(chart, "Chart.yaml", 0, "name must be a DNS label, found " + name);
        }
        if (!name.equals(chart)) {
            throw new ChartException(chart, "Chart.yaml", 0, "name '" + name + "' differs from the directory name");
        }
        String version = stringField(raw, "version", chart);
        if (!SEMVER.matcher(version).matches()) {
            throw new ChartException(chart, "Chart.yaml", 0, "version must be semver (1.2.3), found " + version);
        }
        Object appVersion = raw.get("appVersion");
        Object description = raw.get("description");
        return new ChartMetadata(name, version, appVersion == null ? "" : appVersion.toString(),
                description == null ? "" : description.toString());
    }

    private static String stringField(Map<String, Object> raw, String field, String chart) {
        Object value = raw.get(field);
        if (value == null || value.toString().isBlank()) {
            throw new ChartException(chart, "Chart.yaml", 0, field + " is required");
        }
        return value.toString();
    }

    private static String evaluate(CompiledChart chart, String unit, String template, Map<String, Object> context) {
        try {
            PebbleTemplate compiled = chart.engine().getTemplate(template);
            StringWriter out = new StringWriter();
            compiled.evaluate(out, context);
            return out.toString();
        } catch (PebbleException e) {
            String file = e.getFileName() == null ? template : e.getFileName();
            int line = e.getLineNumber() == null ? 0 : e.getLineNumber();
            throw new ChartException(unit, file, line, readable(e));
        } catch (RenderBudget.Exceeded e) {
            throw new ChartException(unit, template, 0, "render took longer than its time budget: "
                    + "an endless or very large loop?");
        } catch (StackOverflowError e) {
            throw new ChartException(unit, template, 0, "template recursion too deep");
        } catch (IOException e) {
            throw new ChartException(unit, template, 0, "template could not be evaluated: " + e.getMessage());
        }
    }

    /** Pebble's messages speak Java; chart authors need to know which value is missing. */
    private static String readable(PebbleException e) {
        if (e.getCause() instanceof RenderBudget.Exceeded) {
            return "render took longer than its time budget: an endless or very large loop?";
        }
        String message = e.getPebbleMessage() == null ? String.valueOf(e.getMessage()) : e.getPebbleMessage();
        Matcher attribute = MISSING_ATTRIBUTE.matcher(message);
        if (attribute.matches()) {
            return "'" + attribute.group(1) + "' is not defined (templates are strict: give optional values a"
                    + " default with | default(...))";
        }
        Matcher root = MISSING_ROOT.matcher(message);
        if (root.matches()) {
            return "variable '" + root.group(1) + "' is not defined (templates see values, chart, release and"
                    + " capabilities)";
        }
        if (message.startsWith("Tried to write more than")) {
            return "rendered output exceeds the size limit (" + message.replaceAll("\\D+", "") + " characters)";
        }
        return message;
    }

}
