package dev.capstan.agent.chart;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders one chart for one environment: pure, files in, objects out. No Kubernetes client, no I/O, no clock, so the
 * same commit always renders to the same bytes.
 */
public final class ChartRenderer {
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String LABEL_CHART = "capstan.dev/chart";
    public static final String LABEL_ENV = "capstan.dev/env";
    public static final String MANAGER = "capstan";

    private static final Pattern SEMVER = Pattern.compile(
            "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$");
    private static final Pattern DNS_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

    private final int maxOutputBytes;

    public ChartRenderer() {
        this(4 * 1024 * 1024);
    }

    public ChartRenderer(int maxOutputBytes) {
        this.maxOutputBytes = maxOutputBytes;
    }

    public DesiredState render(RenderRequest request) {
        ChartFiles files = request.chart();
        String unit = files.chartName() + "/" + request.env();
        ChartMetadata metadata = readMetadata(files);
        Map<String, Object> values = ValuesMerger.merge(
                readValues(files, "values.yaml"), readValues(files, "values." + request.env() + ".yaml"));
        Map<String, Object> context = Map.of(
                "values", values,
                "chart", Map.of("name", metadata.name(), "version", metadata.version(),
                        "appVersion", metadata.appVersion()),
                "release", Map.of("name", files.chartName(), "namespace", request.namespace(),
                        "env", request.env(), "commit", request.commit(), "revision", request.revision()),
                "capabilities", request.capabilities().asTemplateContext());

        PebbleEngine engine = new PebbleEngine.Builder()
                .loader(new ChartTemplateLoader(files))
                .strictVariables(true)
                .autoEscaping(false)
                .newLineTrimming(false)
                .methodAccessValidator(new SandboxedMethodAccess())
                .maxRenderedSize(maxOutputBytes)
                .extension(new TemplateFunctions())
                .cacheActive(false)
                .build();

        List<RenderedObject> objects = new ArrayList<>();
        Map<ObjectKey, String> seen = new HashMap<>();
        for (String template : files.manifestTemplates()) {
            String output = evaluate(engine, unit, template, context);
            for (Object document : Yaml.readDocuments(output, unit, template)) {
                RenderedObject object = toObject(unit, template, document, request);
                String previous = seen.putIfAbsent(object.key(), template);
                if (previous != null) {
                    throw new ChartException(unit, template, 0,
                            "duplicate object " + object.key() + " (also rendered by " + previous + ")");
                }
                objects.add(object);
            }
        }
        objects.sort((a, b) -> KindOrder.INSTALL.compare(a.key(), b.key()));
        String manifest = manifest(files.chartName(), objects);
        return new DesiredState(files.chartName(), request.env(), request.commit(), objects, manifest,
                sha256(manifest));
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

    private static Map<String, Object> readValues(ChartFiles files, String file) {
        return files.text(file).map(text -> Yaml.readMap(text, files.chartName(), file)).orElse(Map.of());
    }

    private String evaluate(PebbleEngine engine, String unit, String template, Map<String, Object> context) {
        try {
            PebbleTemplate compiled = engine.getTemplate(template);
            StringWriter out = new StringWriter();
            compiled.evaluate(out, context);
            return out.toString();
        } catch (PebbleException e) {
            String file = e.getFileName() == null ? template : e.getFileName();
            int line = e.getLineNumber() == null ? 0 : e.getLineNumber();
            throw new ChartException(unit, file, line, e.getPebbleMessage());
        } catch (IOException e) {
            throw new ChartException(unit, template, 0, "template could not be evaluated: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static RenderedObject toObject(String unit, String template, Object document, RenderRequest request) {
        if (!(document instanceof Map<?, ?> map)) {
            throw new ChartException(unit, template, 0, "rendered a document that is not a YAML mapping");
        }
        Map<String, Object> content = deepCopy((Map<String, Object>) map);
        String apiVersion = requiredString(content.get("apiVersion"), unit, template, "apiVersion");
        String kind = requiredString(content.get("kind"), unit, template, "kind");
        if (!(content.get("metadata") instanceof Map<?, ?>)) {
            throw new ChartException(unit, template, 0, kind + " without metadata");
        }
        Map<String, Object> metadata = (Map<String, Object>) content.get("metadata");
        String name = requiredString(metadata.get("name"), unit, template, kind + " metadata.name");

        String namespace = metadata.get("namespace") == null ? "" : metadata.get("namespace").toString();
        if (KindOrder.isClusterScoped(kind)) {
            namespace = "";
        } else if (namespace.isEmpty()) {
            namespace = request.namespace();
        }
        Object existing = metadata.get("labels");
        Map<String, Object> labels = existing instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        labels.put(LABEL_MANAGED_BY, MANAGER);
        labels.put(LABEL_CHART, request.chart().chartName());
        labels.put(LABEL_ENV, request.env());
        // name and namespace first, as kubectl prints them; the rest keeps the template's order.
        Map<String, Object> normalized = new LinkedHashMap<>();
        normalized.put("name", name);
        if (!namespace.isEmpty()) {
            normalized.put("namespace", namespace);
        }
        metadata.forEach((key, value) -> {
            if (!key.equals("name") && !key.equals("namespace")) {
                normalized.put(key, value);
            }
        });
        normalized.put("labels", labels);
        content.put("metadata", normalized);
        return new RenderedObject(new ObjectKey(apiVersion, kind, namespace, name), template, content);
    }

    private static String requiredString(Object value, String unit, String template, String field) {
        if (value == null || value.toString().isBlank()) {
            throw new ChartException(unit, template, 0, "rendered an object without " + field);
        }
        return value.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m) : v));
        return copy;
    }

    private static String manifest(String chart, List<RenderedObject> objects) {
        StringBuilder out = new StringBuilder();
        for (RenderedObject object : objects) {
            out.append("---\n# Source: ").append(chart).append('/').append(object.sourceTemplate()).append('\n')
                    .append(Yaml.write(object.content()));
        }
        return out.toString();
    }

    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
