package dev.capstan.agent.chart;

import dev.capstan.agent.model.Yaml;
import io.pebbletemplates.pebble.PebbleEngine;
import java.util.Map;
import java.util.Optional;

/**
 * What can be prepared once per chart content and reused for every environment and commit: the checked metadata,
 * the default values, the schema, and a Pebble engine that keeps the compiled templates.
 */
record CompiledChart(ChartFiles files, ChartMetadata metadata, Map<String, Object> defaults,
                     Optional<ValuesSchema> schema, PebbleEngine engine) {

    static CompiledChart compile(ChartFiles files, int maxOutputBytes) {
        ChartMetadata metadata = ChartRenderer.readMetadata(files);
        Map<String, Object> defaults = files.text("values.yaml")
                .map(text -> Yaml.readMap(text, files.chartName(), "values.yaml"))
                .orElse(Map.of());
        Optional<ValuesSchema> schema = files.text(ValuesSchema.FILE)
                .map(text -> ValuesSchema.compile(files.chartName(), text));
        PebbleEngine engine = new PebbleEngine.Builder()
                .loader(new ChartTemplateLoader(files))
                .strictVariables(true)
                .autoEscaping(false)
                .newLineTrimming(false)
                .methodAccessValidator(new SandboxedMethodAccess())
                .maxRenderedSize(maxOutputBytes)
                .extension(new TemplateFunctions())
                .cacheActive(true)
                .build();
        return new CompiledChart(files, metadata, defaults, schema, engine);
    }
}
