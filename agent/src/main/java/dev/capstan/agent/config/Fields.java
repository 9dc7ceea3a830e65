package dev.capstan.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.capstan.agent.model.Yaml;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed fields out of parsed YAML while remembering where it is, so every error names the exact field.
 * Unknown fields are errors too: a typo must not silently fall back to a default.
 */
final class Fields {
    private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h)$");
    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

    private final String source;
    private final String path;
    private final Map<?, ?> map;
    /** Environment lookup for path overrides; null where overrides do not apply (capstan.yaml). */
    private final java.util.function.UnaryOperator<String> env;

    private Fields(String source, String path, Map<?, ?> map, java.util.function.UnaryOperator<String> env) {
        this.source = source;
        this.path = path;
        this.map = map;
        this.env = env;
    }

    /**
     * Like {@link #parse}, where every {@code ...File} field (a secret's path) can be set or overridden by an
     * environment variable named after its path: {@code repo.auth.tokenFile} by {@code CAPSTAN_REPO_AUTH_TOKEN_FILE}.
     */
    static Fields parseWithPathOverrides(String source, String text, java.util.function.UnaryOperator<String> env) {
        Fields root = parse(source, text);
        return new Fields(root.source, root.path, root.map, env);
    }

    /** The environment variable that overrides {@code field} here: {@code CAPSTAN_} and the path in snake case. */
    String overrideVariable(String field) {
        return "CAPSTAN_" + join(field).replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9]+", "_")
                .toUpperCase(java.util.Locale.ROOT);
    }

    /** Parses YAML text into the root mapping; empty text and invalid YAML are errors naming the file (and line). */
    static Fields parse(String source, String text) {
        if (text.isBlank()) {
            throw new ConfigException(source + ": the file is empty");
        }
        try {
            return root(source, Yaml.mapper().readValue(text, Object.class));
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ConfigException(source + ":" + line + ": invalid YAML: " + e.getOriginalMessage());
        }
    }

    private static Fields root(String source, Object parsed) {
        if (parsed == null) {
            throw new ConfigException(source + ": the file is empty");
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new ConfigException(source + ": expected a YAML mapping at the top level");
        }
        return new Fields(source, "", map, null);
    }

    Fields allowOnly(Set<String> known) {
        for (Object key : map.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                throw error(String.valueOf(key), "unknown field (known: " + known.stream().sorted().toList() + ")");
            }
        }
        return this;
    }

    String requiredString(String field) {
        return optionalString(field).orElseThrow(() -> error(field, "required"));
    }

    Optional<String> optionalString(String field) {
        if (env != null && field.endsWith("File")) {
            String override = env.apply(overrideVariable(field));
            if (override != null && !override.isBlank()) {
                return Optional.of(override.strip());
            }
        }
        Object value = map.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw error(field, "expected a string");
        }
        String text = value.toString();
        if (text.isBlank()) {
            throw error(field, "must not be empty");
        }
        return Optional.of(text);
    }

    String dnsLabel(String field, String value) {
        if (!DNS_LABEL.matcher(value).matches()) {
            throw error(field, "must be a DNS label (lower case letters, digits, '-'), found '" + value + "'");
        }
        return value;
    }

    Duration duration(String field, Duration defaultValue) {
        Optional<String> text = optionalString(field);
        if (text.isEmpty()) {
            return defaultValue;
        }
        Matcher m = DURATION.matcher(text.get());
        if (!m.matches()) {
            throw error(field, "expected a duration like 500ms, 30s, 5m or 1h, found '" + text.get() + "'");
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (duration.isZero()) {
            throw error(field, "must be greater than zero");
        }
        return duration;
    }

    int integer(String field, int defaultValue, int min, int max) {
        Object value = map.get(field);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Integer number) || number < min || number > max) {
            throw error(field, "expected a whole number from " + min + " to " + max + ", found '" + value + "'");
        }
        return number;
    }

    Optional<Fields> optionalObject(String field) {
        Object value = map.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Map<?, ?> child)) {
            throw error(field, "expected a mapping");
        }
        return Optional.of(new Fields(source, join(field), child, env));
    }

    List<Fields> objectList(String field) {
        Object value = map.get(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw error(field, "expected a list");
        }
        return java.util.stream.IntStream.range(0, list.size()).mapToObj(i -> {
            if (!(list.get(i) instanceof Map<?, ?> child)) {
                throw error(field + "[" + i + "]", "expected a mapping");
            }
            return new Fields(source, join(field) + "[" + i + "]", child, env);
        }).toList();
    }

    Optional<List<String>> optionalStringList(String field) {
        Object value = map.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof List<?> list)) {
            throw error(field, "expected a list of strings");
        }
        return Optional.of(list.stream().map(item -> {
            if (item == null || item instanceof Map<?, ?> || item instanceof List<?>) {
                throw error(field, "expected a list of strings");
            }
            return item.toString();
        }).toList());
    }

    /** The field names present, in file order. */
    List<String> keys() {
        return map.keySet().stream().map(String::valueOf).toList();
    }

    Object raw(String field) {
        return map.get(field);
    }

    ConfigException error(String field, String problem) {
        return new ConfigException(source + ": " + join(field) + ": " + problem);
    }

    String path() {
        return path;
    }

    private String join(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
