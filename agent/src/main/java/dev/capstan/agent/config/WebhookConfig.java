package dev.capstan.agent.config;

import java.util.Map;
import java.util.Optional;

/**
 * Which push webhooks the agent accepts, each with its secret (the HMAC key, or GitLab's token). A provider without a
 * secret is not served: an unauthenticated webhook would let anyone trigger fetches.
 */
public record WebhookConfig(Map<Provider, SecretRef> secrets, int maxRequestsPerSecond) {

    public WebhookConfig {
        secrets = Map.copyOf(secrets);
    }

    public static WebhookConfig none() {
        return new WebhookConfig(Map.of(), 20);
    }

    public Optional<SecretRef> secret(Provider provider) {
        return Optional.ofNullable(secrets.get(provider));
    }

    public enum Provider {
        GITHUB, GITLAB, GITEA, GENERIC;

        public String path() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
