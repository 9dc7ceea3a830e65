package dev.capstan.agent.lint;

import java.util.Comparator;

/**
 * One lint result. {@code unit} is {@code chart/env} for what depends on the environment, or the chart alone for
 * what does not (values.yaml, template sources), so a chart-wide problem is reported once.
 */
public record Finding(Severity severity, String unit, String file, int line, String message) {

    public static final Comparator<Finding> ORDER = Comparator.comparing(Finding::unit)
            .thenComparing(Finding::file).thenComparingInt(Finding::line).thenComparing(Finding::message);

    public enum Severity { ERROR, WARNING }

    /** {@code ERROR chart/env file:line: message}, the format of {@code capstan lint}. */
    public String format() {
        StringBuilder out = new StringBuilder(severity.name()).append(' ').append(unit);
        if (!file.isEmpty()) {
            out.append(' ').append(file);
            if (line > 0) {
                out.append(':').append(line);
            }
        }
        return out.append(": ").append(message).toString();
    }
}
