package dev.capstan.agent.lint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.capstan.agent.model.Yaml;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds secrets written into git: a key that names a secret (password, token, apiKey...) with a literal value.
 * References by name ({@code existingSecret}, {@code passwordSecretName}, {@code tokenFile}) are what we want instead,
 * so keys ending like a reference are exempt, as are keys that hold the <em>name of a key</em> in a Secret
 * ({@code passwordKey}, {@code adminPasswordKey}, {@code jksPasswordSecretKey}; a bare {@code secretKey} only beside
 * a {@code secretName} or {@code existingSecret}) and selectors ({@code secretFieldSelector}).
 */
final class LiteralSecrets {
    private static final Pattern SECRET_KEY = Pattern.compile(
            ".*(password|passwd|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|credential).*");
    private static final List<String> REFERENCE_SUFFIXES = List.of(
            "name", "ref", "file", "path", "mountpath", "enabled", "existingsecret", "secretname", "selector");
    /** {@code <password>Key}, {@code <x>SecretKey}: the name of the key in a Secret that holds the value. */
    private static final Pattern KEY_NAME = Pattern.compile(".*(password|passwd|token|credentials?|.secret)[-_]?key");
    /** Siblings that make a bare {@code secretKey} (or {@code key}) the name of a key in that Secret. */
    private static final Pattern SECRET_REFERENCE = Pattern.compile(".*(secretname|existingsecret)");
    private static final Pattern TEMPLATE_LINE = Pattern.compile("^\\s*-?\\s*([A-Za-z0-9_.-]+)\\s*:\\s*(\\S.*?)\\s*$");

    private LiteralSecrets() {
    }

    static boolean namesASecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_KEY.matcher(lower).matches() && REFERENCE_SUFFIXES.stream().noneMatch(lower::endsWith)
                && !KEY_NAME.matcher(lower).matches();
    }

    /** A secret-named key with a literal value, pending what its siblings say. */
    private record Candidate(String key, int line) {
    }

    /** The keys of one mapping seen so far, and its candidates. */
    private record Frame(List<String> keys, List<Candidate> candidates) {
        Frame() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        boolean referencesASecret() {
            return keys.stream().map(k -> k.toLowerCase(Locale.ROOT)).anyMatch(k -> SECRET_REFERENCE.matcher(k)
                    .matches());
        }
    }

    /** Secret-named keys with a literal scalar in a values file, with their lines. */
    static List<Finding> inValues(String unit, String file, String text) {
        List<Finding> findings = new ArrayList<>();
        java.util.Deque<Frame> frames = new java.util.ArrayDeque<>();
        try (JsonParser parser = Yaml.mapper().getFactory().createParser(text)) {
            String field = null;
            int fieldLine = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.START_OBJECT) {
                    frames.push(new Frame());
                    field = null;
                } else if (token == JsonToken.END_OBJECT) {
                    Frame done = frames.pop();
                    for (Candidate candidate : done.candidates()) {
                        boolean keyOfReferencedSecret = candidate.key().toLowerCase(Locale.ROOT).endsWith("key")
                                && done.referencesASecret();
                        if (!keyOfReferencedSecret) {
                            findings.add(secret(unit, file, candidate.line(), candidate.key()));
                        }
                    }
                } else if (token == JsonToken.FIELD_NAME) {
                    field = parser.currentName();
                    fieldLine = parser.currentLocation().getLineNr();
                    frames.peek().keys().add(field);
                } else if (field != null && token.isScalarValue() && isLiteral(token, parser.getText())
                        && namesASecret(field)) {
                    frames.peek().candidates().add(new Candidate(field, fieldLine));
                    field = null;
                } else {
                    field = null;
                }
            }
        } catch (IOException e) {
            // Invalid YAML is reported by the render itself, with its line.
            return findings;
        }
        return findings.stream().sorted(java.util.Comparator.comparingInt(Finding::line)).toList();
    }

    /** Lines of a template that set a secret-named key to a literal (not a {@code {{ }}} expression). */
    static List<Finding> inTemplate(String unit, String file, String text) {
        List<Finding> findings = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = TEMPLATE_LINE.matcher(lines[i]);
            if (m.matches() && namesASecret(m.group(1)) && isLiteralText(m.group(2))) {
                findings.add(secret(unit, file, i + 1, m.group(1)));
            }
        }
        return findings;
    }

    private static boolean isLiteral(JsonToken token, String text) {
        return switch (token) {
            case VALUE_STRING -> !text.isBlank() && !text.contains("{{");
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> true;
            default -> false;
        };
    }

    private static boolean isLiteralText(String value) {
        String v = value.strip();
        return !v.isEmpty() && !v.contains("{{") && !v.contains("{%") && !v.equals("\"\"") && !v.equals("''")
                && !v.equals("|") && !v.equals(">") && !v.startsWith("#") && !v.startsWith("{") && !v.startsWith("[")
                && !v.equals("null") && !v.equals("~") && !v.equals("true") && !v.equals("false");
    }

    private static Finding secret(String unit, String file, int line, String key) {
        return new Finding(Finding.Severity.ERROR, unit, file, line, "literal secret in '" + key
                + "': keep secrets out of git and reference an existing Secret by name");
    }
}
