package dev.capstan.agent.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Which API server failures are worth trying again: no answer at all (connection refused or lost, timeout), 408,
 * 429, and the 5xx an overloaded or briefly broken server gives ({@code Internal error occurred: failed to allocate a
 * serviceIP}, etcd unavailable). 4xx otherwise means the server judged the object itself: trying again changes
 * nothing. A write is retried here a few times with backoff before its failure counts.
 */
public final class Transience {
    private static final Set<Integer> TRANSIENT_CODES = Set.of(0, 408, 429, 500, 502, 503, 504);
    static final int ATTEMPTS = 3;

    private Transience() {
    }

    public static boolean isTransient(KubernetesClientException e) {
        if (TRANSIENT_CODES.contains(e.getCode())) {
            return true;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** A retry of transient failures: {@value #ATTEMPTS} attempts, 200 ms then 400 ms apart. */
    static Retry retry(String name) {
        return Retry.of(name, RetryConfig.custom().maxAttempts(ATTEMPTS)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2.0))
                .retryOnException(e -> e instanceof KubernetesClientException k && isTransient(k))
                .build());
    }
}
