package dev.capstan.agent.observe;

import dev.capstan.agent.model.Commits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What a sink receives for an alert. Pure. */
final class AlertPayloads {
    private AlertPayloads() {
    }

    /** The generic webhook body. */
    static String json(Alert alert) {
        return new JsonObject()
                .put("status", alert.resolved() ? "resolved" : "firing")
                .put("severity", alert.event().severity().label())
                .put("event", alert.event().label())
                .put("subject", alert.subject())
                .put("commit", alert.commit())
                .put("at", alert.at().toString())
                .put("summary", alert.summary())
                .put("details", new JsonArray(alert.details()))
                .put("incident", alert.incident().orElse(null))
                .put("key", alert.key())
                .encode();
    }

    /** A Slack-compatible incoming webhook body. */
    static String slack(Alert alert) {
        StringBuilder text = new StringBuilder()
                .append(alert.resolved() ? ":white_check_mark: RESOLVED " : ":rotating_light: ")
                .append('[').append(alert.event().severity().label().toUpperCase(java.util.Locale.ROOT)).append("] ")
                .append(alert.subject()).append(": ").append(alert.summary());
        if (!alert.commit().isEmpty()) {
            text.append(" (commit ").append(Commits.shortened(alert.commit())).append(')');
        }
        alert.details().forEach(d -> text.append("\n• ").append(d));
        alert.incident().ifPresent(id -> text.append("\nincident: ").append(id));
        return new JsonObject().put("text", text.toString()).encode();
    }
}
