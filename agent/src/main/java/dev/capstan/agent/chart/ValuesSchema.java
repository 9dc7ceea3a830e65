package dev.capstan.agent.chart;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import dev.capstan.agent.model.ChartException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A chart's {@code values.schema.json}: JSON Schema draft-07 or 2020-12 (chosen by {@code $schema}, 2020-12 when
 * absent). References are resolved inside the file only: a chart must never make the agent fetch a URL. Patterns
 * run in RE2 ({@link Re2Patterns}): linear time, whatever git holds.
 */
final class ValuesSchema {
    static final String FILE = "values.schema.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<SpecificationVersion, SchemaRegistry> REGISTRIES = new EnumMap<>(
            SpecificationVersion.class);

    private final String chart;
    private final Schema schema;

    private ValuesSchema(String chart, Schema schema) {
        this.chart = chart;
        this.schema = schema;
    }

    static ValuesSchema compile(String chart, String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (!node.isObject()) {
                throw new ChartException(chart, FILE, 1, "a JSON Schema must be a JSON object");
            }
            Optional<String> cycle = SchemaRefCycles.find(node);
            if (cycle.isPresent()) {
                throw new ChartException(chart, FILE, 0, "$ref cycle that never reaches the values: " + cycle.get());
            }
            SpecificationVersion version = SpecificationVersion.fromSchemaNode(node)
                    .orElse(SpecificationVersion.DRAFT_2020_12);
            return new ValuesSchema(chart, registry(version).getSchema(node));
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ChartException(chart, FILE, line, "invalid JSON: " + e.getOriginalMessage());
        } catch (SchemaException e) {
            if (e.getCause() instanceof com.google.re2j.PatternSyntaxException pattern) {
                throw badPattern(chart, pattern);
            }
            throw new ChartException(chart, FILE, 0, "invalid schema: " + e.getMessage());
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw badPattern(chart, e);
        } catch (StackOverflowError e) {
            throw tooDeep(chart);
        }
    }

    private static ChartException badPattern(String chart, com.google.re2j.PatternSyntaxException e) {
        return new ChartException(chart, FILE, 0, "pattern /" + e.getPattern() + "/ is not a valid RE2 regular "
                + "expression (" + e.getDescription() + "; no backreferences or lookaround)");
    }

    /** What no static check caught ($id or $anchor references, dynamic refs): the validator's stack ran out. */
    private static ChartException tooDeep(String chart) {
        return new ChartException(chart, FILE, 0, "the schema nests or refers to itself too deeply "
                + "(a $ref cycle that never reaches the values?)");
    }

    /** One line per violation: {@code $.replicaCount: string found, integer expected}. Empty when valid. */
    List<String> violations(Map<String, Object> values) {
        try {
            List<Error> errors = schema.validate(JSON.valueToTree(values));
            return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).sorted().toList();
        } catch (SchemaException e) {
            if (e.getCause() instanceof com.google.re2j.PatternSyntaxException pattern) {
                throw badPattern(chart, pattern);
            }
            return List.of("$: schema could not be applied: " + e.getMessage());
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw badPattern(chart, e);
        } catch (StackOverflowError e) {
            throw tooDeep(chart);
        }
    }

    private static synchronized SchemaRegistry registry(SpecificationVersion version) {
        return REGISTRIES.computeIfAbsent(version, v -> SchemaRegistry.withDefaultDialect(v, builder -> builder
                .schemaRegistryConfig(SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH)
                        .regularExpressionFactory(Re2Patterns.INSTANCE).build())
                .schemaLoader(loader -> loader.fetchRemoteResources(false))));
    }
}
