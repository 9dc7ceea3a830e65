package dev.capstan.agent.config;

import java.time.Duration;
import java.util.Optional;
import com.google.re2j.Pattern;

/** A declared check of an environment, run at every health gate of a rollout besides the built-in assessment. */
public sealed interface Check {
    String name();

    /**
     * HTTP smoke check: GET {@code url} until {@code successes} consecutive answers have {@code expectStatus} (and a
     * body matching {@code bodyMatches}, when given); {@code failureThreshold} consecutive answers that do not fail
     * the gate at once (no answer at all is not counted: the step's timeout decides). The pattern is RE2 (linear
     * time): it comes from git.
     */
    record Http(String name, String url, int expectStatus, Optional<Pattern> bodyMatches, int successes,
                Duration interval, Duration requestTimeout, int failureThreshold) implements Check {
        /** As a Kubernetes probe's: three wrong answers in a row fail. */
        public static final int DEFAULT_FAILURE_THRESHOLD = 3;

        public Http(String name, String url, int expectStatus, Optional<Pattern> bodyMatches, int successes,
                    Duration interval, Duration requestTimeout) {
            this(name, url, expectStatus, bodyMatches, successes, interval, requestTimeout,
                    DEFAULT_FAILURE_THRESHOLD);
        }
    }

    /**
     * Prometheus query check: the instant query's first sample must stay within {@code min}..{@code max}. A sample
     * out of range is a clear failure; no sample yet is inconclusive.
     */
    record Prometheus(String name, String url, String query, Optional<Double> min, Optional<Double> max)
            implements Check {
    }
}
