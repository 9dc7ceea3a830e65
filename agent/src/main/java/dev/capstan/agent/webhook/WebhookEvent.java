package dev.capstan.agent.webhook;

import java.util.Optional;

/** What a verified webhook delivery announces. */
public sealed interface WebhookEvent {
    Optional<String> deliveryId();

    /** Commits pushed to {@code ref} ({@code refs/heads/main}); {@code after} is the new tip (zeros: deleted). */
    record Push(String ref, String after, Optional<String> deliveryId) implements WebhookEvent {
    }

    /** The provider checking that the hook works. */
    record Ping(Optional<String> deliveryId) implements WebhookEvent {
    }

    /** Any other event (issues, tags, merge requests...): accepted and ignored. */
    record Other(String event, Optional<String> deliveryId) implements WebhookEvent {
    }
}
