package dev.capstan.agent.chart;

import dev.capstan.agent.model.Yaml;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The Helm-flavoured filters charts need on top of Pebble's core ones ({@code upper}, {@code lower}, {@code default},
 * {@code sha256}, {@code trim}, {@code replace}, {@code join}...): {@code toYaml}, {@code toJson}, {@code indent},
 * {@code nindent}, {@code quote}, {@code squote}, {@code b64enc}, {@code b64dec}, {@code trunc}, {@code required}.
 * Also a bounded {@code range}. Every call checks the render budget.
 */
final class TemplateFunctions extends AbstractExtension {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    @Override
    public Map<String, io.pebbletemplates.pebble.extension.Function> getFunctions() {
        return Map.of("range", new BoundedRange());
    }

    @Override
    public Map<String, Filter> getFilters() {
        return Map.ofEntries(
                Map.entry("toYaml", new SimpleFilter(List.of(), (input, args) -> toYaml(input))),
                Map.entry("toJson", new SimpleFilter(List.of(), (input, args) -> toJson(input))),
                Map.entry("squote", new SimpleFilter(List.of(), (input, args) ->
                        "'" + text(input).replace("'", "''") + "'")),
                Map.entry("b64dec", new SimpleFilter(List.of(), (input, args) -> b64dec(text(input)))),
                Map.entry("indent", new SimpleFilter(List.of("spaces"),
                        (input, args) -> indent(text(input), spaces(args)))),
                Map.entry("nindent", new SimpleFilter(List.of("spaces"),
                        (input, args) -> "\n" + indent(text(input), spaces(args)))),
                Map.entry("quote", new SimpleFilter(List.of(), (input, args) -> quote(text(input)))),
                Map.entry("b64enc", new SimpleFilter(List.of(), (input, args) ->
                        Base64.getEncoder().encodeToString(text(input).getBytes(StandardCharsets.UTF_8)))),
                Map.entry("trunc", new SimpleFilter(List.of("length"), (input, args) -> trunc(text(input), args))),
                Map.entry("required", new SimpleFilter(List.of("message"), TemplateFunctions::required)));
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getOriginalMessage());
        }
    }

    private static String b64dec(String text) {
        try {
            return new String(Base64.getDecoder().decode(text.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("b64dec: input is not base64");
        }
    }

    static String toYaml(Object value) {
        if (value == null) {
            return "null";
        }
        String yaml = Yaml.write(value);
        return yaml.endsWith("\n") ? yaml.substring(0, yaml.length() - 1) : yaml;
    }

    static String indent(String text, int spaces) {
        String pad = " ".repeat(spaces);
        return pad + text.replace("\n", "\n" + pad);
    }

    /** A YAML/JSON double-quoted scalar, so any string is safe to place after a key. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static Object trunc(String text, Map<String, Object> args) {
        int length = number(args.get("length"), "trunc");
        return text.length() <= length ? text : text.substring(0, length);
    }

    private static Object required(Object input, Map<String, Object> args) {
        boolean missing = input == null
                || input instanceof String s && s.isEmpty()
                || input instanceof Collection<?> c && c.isEmpty()
                || input instanceof Map<?, ?> m && m.isEmpty();
        if (missing) {
            Object message = args.get("message");
            throw new IllegalArgumentException(message == null ? "a required value is missing" : message.toString());
        }
        return input;
    }

    private static int spaces(Map<String, Object> args) {
        return number(args.get("spaces"), "indent");
    }

    private static int number(Object value, String filter) {
        if (value instanceof Number n && n.longValue() >= 0 && n.longValue() <= 10_000) {
            return n.intValue();
        }
        throw new IllegalArgumentException(filter + " needs a whole number from 0 to 10000, got " + value);
    }

    private static String text(Object input) {
        return input == null ? "" : input.toString();
    }

    @FunctionalInterface
    private interface FilterBody {
        Object apply(Object input, Map<String, Object> args);
    }

    /** Adapts a plain function to Pebble's filter interface, turning argument errors into template errors. */
    private record SimpleFilter(List<String> argumentNames, FilterBody body) implements Filter {
        @Override
        public List<String> getArgumentNames() {
            return argumentNames;
        }

        @Override
        public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext context,
                            int lineNumber) {
            RenderBudget.check();
            try {
                return body.apply(input, args);
            } catch (IllegalArgumentException e) {
                throw new PebbleException(e, e.getMessage(), lineNumber, self.getName());
            }
        }
    }
}
