package dev.capstan.agent.config;

import java.time.Duration;
import java.util.Optional;
import com.google.re2j.Pattern;

/** A declared check of an environment, run at every health gate of a rollout besides the built-in assessment. */
public sealed interface Check {
    String name();

    /**
     * HTTP smoke check: GET {@code url} until {@code successes} consecutive answers have {@code expectStatus} (and a
     * body matching {@code bodyMatches}, when given). The pattern is RE2 (linear time): it comes from git.
     */
    record Http(String name, String url, int expectStatus, Optional<Pattern> bodyMatches, int successes,
                Duration interval, Duration requestTimeout) implements Check {
    }

    /**
     * Prometheus query check: the instant query's first sample must stay within {@code min}..{@code max}. A sample
     * out of range is a clear failure; no sample yet is inconclusive.
     */
    record Prometheus(String name, String url, String query, Optional<Double> min, Optional<Double> max)
            implements Check {
    }
}
