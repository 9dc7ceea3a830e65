package dev.capstan.agent.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** YAML in and out, one configuration for the whole agent so that output is stable byte for byte. */
public final class Yaml {
    private static final ObjectMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .disable(YAMLGenerator.Feature.SPLIT_LINES)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build())
            .build();
    /**
     * For values files and rendered manifests: {@code key:} with nothing after it is null, as in YAML, Helm and the
     * API server (not an empty string, which the API server refuses where it expects a map: {@code annotations:}).
     * A quoted {@code ""} stays an empty string.
     */
    private static final ObjectMapper VALUES = YAMLMapper.builder(YAMLFactory.builder()
                    .enable(com.fasterxml.jackson.dataformat.yaml.YAMLParser.Feature.EMPTY_STRING_AS_NULL).build())
            .build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Yaml() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses a YAML mapping (values files, Chart.yaml); an empty document is an empty map, an empty value null.
     * Errors name chart, file and line.
     */
    public static Map<String, Object> readMap(String text, String chart, String file) {
        if (text.isBlank()) {
            return Map.of();
        }
        try {
            Object parsed = VALUES.readValue(text, Object.class);
            if (parsed == null) {
                return Map.of();
            }
            if (!(parsed instanceof Map<?, ?>)) {
                throw new ChartException(chart, file, 1, "expected a YAML mapping at the top level");
            }
            return VALUES.convertValue(parsed, MAP);
        } catch (JsonProcessingException e) {
            throw new ChartException(chart, file, lineOf(e), "invalid YAML: " + problem(e));
        }
    }

    /** Parses a multi-document YAML stream; empty documents are skipped. */
    public static List<Object> readDocuments(String text, String chart, String file) {
        List<Object> documents = new ArrayList<>();
        try (MappingIterator<Object> it = VALUES.readerFor(Object.class).readValues(text)) {
            while (it.hasNextValue()) {
                Object document = it.nextValue();
                if (document != null) {
                    documents.add(document);
                }
            }
        } catch (JsonProcessingException e) {
            throw new ChartException(chart, file, lineOf(e), "rendered output is not valid YAML: " + problem(e));
        } catch (IOException | RuntimeException e) {
            throw new ChartException(chart, file, 0, "rendered output is not valid YAML: " + rootMessage(e));
        }
        return documents;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be written as YAML: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The parser's message on one line: SnakeYAML adds "in 'reader', line..." locations and a snippet with a caret
     * on lines of their own; the line number is reported separately.
     */
    public static String problem(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        return message.lines()
                .filter(line -> !line.isBlank() && !line.startsWith(" "))
                .map(String::strip)
                .reduce((a, b) -> a + ": " + b)
                .orElse(message.strip());
    }

    private static int lineOf(JsonProcessingException e) {
        return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}
