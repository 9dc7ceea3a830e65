package dev.capstan.agent.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.agent.config.Check;

/** Judges a Prometheus HTTP API answer to an instant query against a check's range. Pure. */
final class PrometheusAnswer {
    private PrometheusAnswer() {
    }

    static CheckResult judge(Check.Prometheus check, JsonNode answer) {
        if (!"success".equals(answer.path("status").asText())) {
            return new CheckResult.NotYet(check.name(), "query failed: " + answer.path("error").asText("no status"));
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
            return new CheckResult.NotYet(check.name(), "sample is not a number: " + value.asText());
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
