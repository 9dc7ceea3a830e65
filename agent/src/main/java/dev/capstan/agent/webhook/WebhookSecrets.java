package dev.capstan.agent.webhook;

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

    /** Blocking. Throws a ConfigException naming the secret's location when one cannot be read. */
    public void reload() {
        Map<Provider, String> next = new EnumMap<>(Provider.class);
        for (Map.Entry<Provider, SecretRef> entry : config.secrets().entrySet()) {
            next.put(entry.getKey(), entry.getValue().read().value());
        }
        current = Map.copyOf(next);
    }

    public Optional<String> secret(Provider provider) {
        return Optional.ofNullable(current.get(provider));
    }
}
