package dev.capstan.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where alerts go: named sinks and, per severity, the sinks that get it (an empty list: the log only). Time-based
 * events fire once a condition has lasted {@code failingFor} (a unit failing or drifted) or {@code gitUnreachableFor}.
 */
public record AlertConfig(Map<String, Sink> sinks, Map<Severity, List<String>> routes, Duration failingFor,
                          Duration gitUnreachableFor) {
    public AlertConfig {
        sinks = Map.copyOf(sinks);
        routes = Map.copyOf(routes);
    }

    public static AlertConfig none() {
        return new AlertConfig(Map.of(), Map.of(), Duration.ofMinutes(10), Duration.ofMinutes(5));
    }

    public List<String> route(Severity severity) {
        return routes.getOrDefault(severity, List.of());
    }

    public enum Severity {
        CRITICAL, HIGH, MEDIUM, LOW;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where a sink's URL comes from: inline (not secret) or a secret (a Slack URL carries its token). */
    public sealed interface Url {
        String resolve();

        record Plain(String url) implements Url {
            @Override
            public String resolve() {
                return url;
            }
        }

        record Secret(SecretRef ref) implements Url {
            @Override
            public String resolve() {
                return ref.read().value();
            }

            @Override
            public String toString() {
                return "Secret[" + ref + "]";
            }
        }
    }

    /** An alert destination. */
    public sealed interface Sink {
        String name();

        Url url();

        /** A generic JSON webhook; with a signing secret, {@code X-Capstan-Signature: sha256=<HMAC of body>}. */
        record Webhook(String name, Url url, Optional<SecretRef> signingSecret) implements Sink {
        }

        /** A Slack-compatible incoming webhook ({@code {"text": ...}}). */
        record Slack(String name, Url url) implements Sink {
        }
    }
}
