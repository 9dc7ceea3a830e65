package dev.capstan.agent.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.agent.config.WebhookConfig.Provider;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;

/** Reads the event a verified delivery announces. Only {@code ref} and {@code after} matter: the rest is ignored. */
final class Payloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    static WebhookEvent parse(Provider provider, Function<String, String> header, byte[] body) {
        String event = header.apply(eventHeader(provider));
        if (event == null && provider == Provider.GENERIC) {
            event = "push";
        }
        Optional<String> delivery = Optional.ofNullable(header.apply(deliveryHeader(provider)));
        if (delivery.isEmpty() && provider == Provider.GITLAB) {
            delivery = Optional.ofNullable(header.apply("Idempotency-Key"));
        }
        if (event == null) {
            throw new MalformedPayload("missing event header");
        }
        if (event.equalsIgnoreCase("ping")) {
            return new WebhookEvent.Ping(delivery);
        }
        boolean isPush = "push".equalsIgnoreCase(event) || "Push Hook".equals(event);
        if (!isPush) {
            return new WebhookEvent.Other(event, delivery);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new MalformedPayload("body is not valid JSON");
        }
        if (json == null || !json.isObject() || !json.path("ref").isTextual()) {
            throw new MalformedPayload("push payload without a \"ref\" string");
        }
        String after = json.path("after").asText(json.path("checkout_sha").asText(""));
        return new WebhookEvent.Push(json.get("ref").asText(), after, delivery);
    }

    private static String eventHeader(Provider provider) {
        return switch (provider) {
            case GITHUB -> "X-GitHub-Event";
            case GITLAB -> "X-Gitlab-Event";
            case GITEA -> "X-Gitea-Event";
            case GENERIC -> "X-Capstan-Event";
        };
    }

    private static String deliveryHeader(Provider provider) {
        return switch (provider) {
            case GITHUB -> "X-GitHub-Delivery";
            case GITLAB -> "X-Gitlab-Event-UUID";
            case GITEA -> "X-Gitea-Delivery";
            case GENERIC -> "X-Capstan-Delivery";
        };
    }

    static final class MalformedPayload extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedPayload(String message) {
            super(message, null, false, false);
        }
    }
}
