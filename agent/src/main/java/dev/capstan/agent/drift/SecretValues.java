package dev.capstan.agent.drift;

import dev.capstan.agent.model.RenderedObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The secret values of a set of objects (every Secret's {@code data}, decoded and as sent, and {@code stringData}),
 * so a message Capstan repeats from elsewhere (the API server quoting an invalid key or value) can be masked before
 * it reaches a log, the status or a record. Keys that are not valid Secret keys are masked as well: the server
 * quotes them back, and a value pasted into a key's place is the usual reason a key is invalid. Pure.
 */
public final class SecretValues {
    static final String MASK = "***";
    private static final int MIN_SUBSTRING = 4;
    private static final java.util.regex.Pattern VALID_KEY = java.util.regex.Pattern.compile("[-._a-zA-Z0-9]+");

    private final List<String> values;

    private SecretValues(List<String> values) {
        this.values = values;
    }

    public static SecretValues of(List<RenderedObject> objects) {
        Set<String> found = new LinkedHashSet<>();
        for (RenderedObject object : objects) {
            if (!"Secret".equals(object.key().kind())) {
                continue;
            }
            collect(object.content().get("data"), true, found);
            collect(object.content().get("stringData"), false, found);
        }
        List<String> sorted = new ArrayList<>(found);
        // Longest first, so a value that contains another is masked whole.
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretValues(List.copyOf(sorted));
    }

    private static void collect(Object field, boolean base64, Set<String> found) {
        if (!(field instanceof Map<?, ?> map)) {
            return;
        }
        map.forEach((key, value) -> {
            String k = String.valueOf(key);
            if (!VALID_KEY.matcher(k).matches()) {
                found.add(k);
            }
            if (value == null) {
                return;
            }
            String text = String.valueOf(value);
            found.add(text);
            if (base64) {
                try {
                    found.add(new String(Base64.getDecoder().decode(text.strip()), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // Not base64: the server rejects it; the text itself is masked.
                }
            }
        });
        found.removeIf(String::isBlank);
    }

    /**
     * {@code message} with every secret value replaced by {@value #MASK}: values of four characters or more
     * wherever they appear, shorter ones where the message quotes them whole.
     */
    public String mask(String message) {
        if (message == null || values.isEmpty()) {
            return message;
        }
        String masked = message;
        for (String value : values) {
            if (value.length() >= MIN_SUBSTRING) {
                masked = masked.replace(value, MASK);
            } else {
                masked = masked.replace("\"" + value + "\"", "\"" + MASK + "\"")
                        .replace("'" + value + "'", "'" + MASK + "'");
            }
        }
        return masked;
    }
}
