package dev.capstan.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/** The {@code smoke} and {@code prometheus} check lists of an environment in {@code capstan.yaml}. Pure. */
final class ChecksParser {
    private static final int MAX_PATTERN = 1000;
    private ChecksParser() {
    }

    static List<Check> parse(Fields env) {
        List<Check> checks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Fields smoke : env.objectList("smoke")) {
            checks.add(unique(smoke, names, http(smoke)));
        }
        for (Fields query : env.objectList("prometheus")) {
            checks.add(unique(query, names, prometheus(query)));
        }
        return checks;
    }

    private static Check unique(Fields fields, Set<String> names, Check check) {
        if (!names.add(check.name())) {
            throw fields.error("name", "duplicate check name '" + check.name() + "'");
        }
        return check;
    }

    private static Check.Http http(Fields smoke) {
        smoke.allowOnly(Set.of("name", "url", "expectStatus", "bodyMatches", "successes", "interval", "timeout",
                "failureThreshold"));
        String name = smoke.requiredString("name");
        String url = httpUrl(smoke, "url");
        int status = smoke.integer("expectStatus", 200, 100, 599);
        Optional<Pattern> body = smoke.optionalString("bodyMatches").map(regex -> {
            if (regex.length() > MAX_PATTERN) {
                throw smoke.error("bodyMatches", "longer than " + MAX_PATTERN + " characters");
            }
            try {
                // RE2: matching time grows linearly with the body, whatever the pattern (no backtracking).
                return Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw smoke.error("bodyMatches", "not a valid RE2 regular expression (no backreferences or "
                        + "lookaround): " + e.getDescription());
            }
        });
        int successes = smoke.integer("successes", 1, 1, 100);
        Duration interval = smoke.duration("interval", Duration.ofMillis(500));
        Duration timeout = smoke.duration("timeout", Duration.ofSeconds(5));
        int failureThreshold = smoke.integer("failureThreshold", Check.Http.DEFAULT_FAILURE_THRESHOLD, 1, 1000);
        return new Check.Http(name, url, status, body, successes, interval, timeout, failureThreshold);
    }

    private static Check.Prometheus prometheus(Fields query) {
        query.allowOnly(Set.of("name", "url", "query", "min", "max"));
        String name = query.requiredString("name");
        String url = httpUrl(query, "url");
        String promql = query.requiredString("query");
        Optional<Double> min = number(query, "min");
        Optional<Double> max = number(query, "max");
        if (min.isEmpty() && max.isEmpty()) {
            throw query.error("max", "a prometheus check needs 'min', 'max' or both");
        }
        if (min.isPresent() && max.isPresent() && min.get() > max.get()) {
            throw query.error("min", "is above max");
        }
        return new Check.Prometheus(name, url, promql, min, max);
    }

    private static Optional<Double> number(Fields fields, String field) {
        Object raw = fields.raw(field);
        if (raw == null) {
            return Optional.empty();
        }
        if (!(raw instanceof Number number)) {
            throw fields.error(field, "expected a number, found '" + raw + "'");
        }
        return Optional.of(number.doubleValue());
    }

    private static String httpUrl(Fields fields, String field) {
        String url = fields.requiredString(field);
        try {
            URI uri = new URI(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw fields.error(field, "expected an http:// or https:// URL with a host, found '" + url + "'");
            }
            if (uri.getUserInfo() != null) {
                throw fields.error(field, "must not hold credentials");
            }
        } catch (URISyntaxException e) {
            throw fields.error(field, "not a valid URL: " + e.getReason());
        }
        return url;
    }
}
