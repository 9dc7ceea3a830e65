package dev.capstan.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@code alerts} section of the agent config. */
final class AlertConfigParser {
    private AlertConfigParser() {
    }

    static AlertConfig parse(Fields alerts, Path baseDir) {
        alerts.allowOnly(Set.of("sinks", "routes", "failingFor", "gitUnreachableFor"));
        Map<String, AlertConfig.Sink> sinks = new LinkedHashMap<>();
        alerts.optionalObject("sinks").ifPresent(all -> {
            for (String name : all.keys()) {
                Fields sink = all.optionalObject(name).orElseThrow(() -> all.error(name, "expected a mapping"));
                sinks.put(name, sink(name, sink, baseDir));
            }
        });
        Map<AlertConfig.Severity, List<String>> routes = new EnumMap<>(AlertConfig.Severity.class);
        alerts.optionalObject("routes").ifPresent(table -> {
            table.allowOnly(Set.of("critical", "high", "medium", "low"));
            for (AlertConfig.Severity severity : AlertConfig.Severity.values()) {
                List<String> targets = table.optionalStringList(severity.label()).orElse(List.of());
                for (String target : targets) {
                    if (!sinks.containsKey(target)) {
                        throw table.error(severity.label(), "no sink named '" + target + "' (sinks: "
                                + sinks.keySet() + ")");
                    }
                }
                routes.put(severity, new ArrayList<>(targets));
            }
        });
        AlertConfig defaults = AlertConfig.none();
        return new AlertConfig(sinks, routes, alerts.duration("failingFor", defaults.failingFor()),
                alerts.duration("gitUnreachableFor", defaults.gitUnreachableFor()));
    }

    private static AlertConfig.Sink sink(String name, Fields sink, Path baseDir) {
        String type = sink.requiredString("type").toLowerCase(Locale.ROOT);
        return switch (type) {
            case "webhook" -> {
                sink.allowOnly(Set.of("type", "url", "urlFile", "urlEnv", "secretFile", "secretEnv"));
                Optional<SecretRef> signing = sink.optionalString("secretFile").isPresent()
                        || sink.optionalString("secretEnv").isPresent()
                        ? Optional.of(AgentConfigLoader.secretRef(sink, "secret", baseDir)) : Optional.empty();
                yield new AlertConfig.Sink.Webhook(name, url(sink, baseDir, true), signing);
            }
            case "slack" -> {
                sink.allowOnly(Set.of("type", "url", "urlFile", "urlEnv"));
                yield new AlertConfig.Sink.Slack(name, url(sink, baseDir, false));
            }
            default -> throw sink.error("type", "expected webhook or slack, found '" + type + "'");
        };
    }

    /** {@code url} inline (webhooks only: a Slack URL is a secret) or exactly one of {@code urlFile}/{@code urlEnv}. */
    private static AlertConfig.Url url(Fields sink, Path baseDir, boolean inlineAllowed) {
        Optional<String> inline = sink.optionalString("url");
        if (inline.isPresent()) {
            if (!inlineAllowed) {
                throw sink.error("url", "a Slack URL holds its token: use urlFile or urlEnv");
            }
            if (sink.optionalString("urlFile").isPresent() || sink.optionalString("urlEnv").isPresent()) {
                throw sink.error("url", "give exactly one of url, urlFile and urlEnv");
            }
            try {
                URI uri = new URI(inline.get());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw sink.error("url", "expected an http:// or https:// URL");
                }
                if (uri.getUserInfo() != null || uri.getQuery() != null) {
                    throw sink.error("url", "credentials or a query in the URL are secrets: use urlFile or urlEnv");
                }
            } catch (URISyntaxException e) {
                throw sink.error("url", "not a valid URL");
            }
            return new AlertConfig.Url.Plain(inline.get());
        }
        return new AlertConfig.Url.Secret(AgentConfigLoader.secretRef(sink, "url", baseDir));
    }
}
