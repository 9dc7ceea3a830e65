package dev.capstan.agent.chart;

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
 * {@code sha256}, {@code trim}...): {@code toYaml}, {@code indent}, {@code nindent}, {@code quote}, {@code b64enc},
 * {@code trunc}, {@code required}.
 */
final class TemplateFunctions extends AbstractExtension {

    @Override
    public Map<String, Filter> getFilters() {
        return Map.of(
                "toYaml", new SimpleFilter(List.of(), (input, args) -> toYaml(input)),
                "indent", new SimpleFilter(List.of("spaces"), (input, args) -> indent(text(input), spaces(args))),
                "nindent", new SimpleFilter(List.of("spaces"),
                        (input, args) -> "\n" + indent(text(input), spaces(args))),
                "quote", new SimpleFilter(List.of(), (input, args) -> quote(text(input))),
                "b64enc", new SimpleFilter(List.of(), (input, args) ->
                        Base64.getEncoder().encodeToString(text(input).getBytes(StandardCharsets.UTF_8))),
                "trunc", new SimpleFilter(List.of("length"), (input, args) -> trunc(text(input), args)),
                "required", new SimpleFilter(List.of("message"), TemplateFunctions::required));
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
            try {
                return body.apply(input, args);
            } catch (IllegalArgumentException e) {
                throw new PebbleException(e, e.getMessage(), lineNumber, self.getName());
            }
        }
    }
}
