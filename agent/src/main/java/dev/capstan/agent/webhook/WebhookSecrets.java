package dev.capstan.agent.webhook;

import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.config.SecretRef;
import dev.capstan.agent.config.WebhookConfig;
import dev.capstan.agent.config.WebhookConfig.Provider;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The webhook secrets, read from their files or variables by a worker (never on the event loop) at start and on
 * every {@link #reload()}, so a rotated secret is picked up without a restart. A failed reload keeps the last value.
 */
public final class WebhookSecrets {
    private final WebhookConfig config;
    private volatile Map<Provider, String> current = Map.of();

    public WebhookSecrets(WebhookConfig config) {
        this.config = config;
    }

    /** Blocking. Throws a ConfigException naming the field and where it looked when a secret is unreadable or blank. */
    public void reload() {
        Map<Provider, String> next = new EnumMap<>(Provider.class);
        for (Map.Entry<Provider, SecretRef> entry : config.secrets().entrySet()) {
            SecretRef ref = entry.getValue();
            try {
                next.put(entry.getKey(), ref.read().value());
            } catch (ConfigException e) {
                throw new ConfigException("webhooks." + entry.getKey().path() + "."
                        + (ref instanceof SecretRef.FromFile ? "secretFile" : "secretEnv") + ": " + e.getMessage());
            }
        }
        current = Map.copyOf(next);
    }

    /** The provider's secret; never blank (a blank one is refused when read, so the provider is not served). */
    public Optional<String> secret(Provider provider) {
        return Optional.ofNullable(current.get(provider)).filter(secret -> !secret.isBlank());
    }
}
