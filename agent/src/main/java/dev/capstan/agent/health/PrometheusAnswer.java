package dev.capstan.agent.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.agent.config.Check;

/**
 * Judges a Prometheus HTTP API answer to an instant query against a check's range. The reason never quotes the
 * answer beyond a number and Prometheus's fixed error types: whatever answered may not be Prometheus. Pure.
 */
final class PrometheusAnswer {
    private static final java.util.Set<String> ERROR_TYPES = java.util.Set.of("timeout", "canceled", "execution",
            "bad_data", "internal", "unavailable", "not_found", "not_acceptable");
    private PrometheusAnswer() {
    }

    static CheckResult judge(Check.Prometheus check, JsonNode answer) {
        if (!"success".equals(answer.path("status").asText())) {
            // Only Prometheus's own error types are repeated: the rest of the answer is the remote's text.
            String type = answer.path("errorType").asText("");
            return new CheckResult.NotYet(check.name(), "query failed" + (ERROR_TYPES.contains(type)
                    ? " (" + type + ")" : ""));
        }
        JsonNode data = answer.path("data");
        JsonNode value = switch (data.path("resultType").asText()) {
            case "vector" -> data.path("result").path(0).path("value").path(1);
            case "scalar" -> data.path("result").path(1);
            default -> null;
        };
        if (value == null || value.isMissingNode()) {
            return new CheckResult.NotYet(check.name(), "no sample yet for " + check.query());
        }
        double sample;
        try {
            sample = Double.parseDouble(value.asText());
        } catch (NumberFormatException e) {
            return new CheckResult.NotYet(check.name(), "the sample is not a number");
        }
        if (Double.isNaN(sample)) {
            return new CheckResult.NotYet(check.name(), "sample is NaN (no traffic yet?)");
        }
        if (check.min().isPresent() && sample < check.min().get()) {
            return new CheckResult.Failed(check.name(), check.query() + " = " + sample + ", below min "
                    + check.min().get());
        }
        if (check.max().isPresent() && sample > check.max().get()) {
            return new CheckResult.Failed(check.name(), check.query() + " = " + sample + ", above max "
                    + check.max().get());
        }
        return new CheckResult.Passed(check.name(), check.query() + " = " + sample);
    }
}
