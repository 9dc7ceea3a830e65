package dev.capstan.agent.webhook;

import dev.capstan.agent.config.WebhookConfig.Provider;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides what to do with one delivery, without any HTTP: verify the signature, read the event, drop duplicates,
 * and say whether the tracked branch moved. Cheap and non-blocking, so the route answers at once and the fetch
 * happens after the reply.
 */
public final class WebhookProcessor {
    private static final int REMEMBERED_DELIVERIES = 1000;

    private final String trackedRef;
    private final Function<Provider, Optional<String>> secrets;
    private final Set<String> seenDeliveries = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_DELIVERIES;
        }
    });

    /** {@code secrets} gives a provider's current secret, empty when that provider is not configured. */
    public WebhookProcessor(String branch, Function<Provider, Optional<String>> secrets) {
        this.trackedRef = "refs/heads/" + branch;
        this.secrets = secrets;
    }

    /** The answer to a delivery, and whether it should make the agent fetch now. */
    public record Decision(int status, String result, String reason, boolean fetch) {
    }

    public Decision handle(Provider provider, Function<String, String> header, byte[] body) {
        Optional<String> secret = secrets.apply(provider);
        if (secret.isEmpty()) {
            return new Decision(404, "rejected", "webhook " + provider.path() + " is not configured", false);
        }
        if (!Signatures.verify(provider, header, body, secret.get())) {
            return new Decision(401, "rejected", "signature missing or wrong", false);
        }
        WebhookEvent event;
        try {
            event = Payloads.parse(provider, header, body);
        } catch (Payloads.MalformedPayload e) {
            return new Decision(400, "rejected", e.getMessage(), false);
        }
        if (event.deliveryId().isPresent() && !firstDelivery(provider.path() + ":" + event.deliveryId().get())) {
            return new Decision(202, "ignored", "duplicate delivery " + event.deliveryId().get(), false);
        }
        return switch (event) {
            case WebhookEvent.Ping ping -> new Decision(200, "ignored", "pong", false);
            case WebhookEvent.Other other -> new Decision(202, "ignored", "event '" + other.event()
                    + "' does not move the tracked branch", false);
            case WebhookEvent.Push push when !push.ref().equals(trackedRef) -> new Decision(202, "ignored",
                    "push to " + push.ref() + ", tracking " + trackedRef, false);
            case WebhookEvent.Push push -> new Decision(202, "accepted", "fetch scheduled for " + trackedRef, true);
        };
    }

    private synchronized boolean firstDelivery(String id) {
        return seenDeliveries.add(id);
    }
}
