package dev.capstan.agent.git;

import dev.capstan.agent.config.AgentConfig;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A fetch guarded by Resilience4j: retried with exponential backoff and jitter, inside a circuit breaker that stops
 * hammering a remote that keeps failing. Failures are outcomes, not exceptions: the caller keeps its last state.
 * Blocking (the retry waits on the calling worker thread).
 */
public final class ResilientFetcher {
    public static final String REMOTE = "origin";

    private final Supplier<FetchOutcome> guarded;
    private final AtomicInteger remoteUp = new AtomicInteger(-1);
    private final java.util.concurrent.atomic.AtomicReference<String> lastError =
            new java.util.concurrent.atomic.AtomicReference<>("");
    private final Timer fetchSuccess;
    private final Timer fetchFailure;
    private final Counter fetchFailures;

    public ResilientFetcher(GitSource source, AgentConfig.Resilience config, MeterRegistry metrics) {
        RetryConfig retryConfig = RetryConfig.custom()
                .maxAttempts(config.attempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(config.backoff(), 2.0, 0.5))
                .retryOnException(e -> e instanceof GitSourceException g && g.worthRetrying())
                .build();
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.failuresToOpen())
                .minimumNumberOfCalls(config.failuresToOpen())
                .failureRateThreshold(100)
                .waitDurationInOpenState(config.openFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                // A deleted branch or unreadable credentials are answers, not an outage: they do not open the circuit.
                .recordException(e -> e instanceof GitSourceException g && g.worthRetrying())
                .build();
        RetryRegistry retries = RetryRegistry.of(retryConfig);
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(breakerConfig);
        Retry retry = retries.retry("git-" + REMOTE);
        CircuitBreaker breaker = breakers.circuitBreaker("git-" + REMOTE);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(metrics);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(metrics);

        Supplier<Revision> fetch = CircuitBreaker.decorateSupplier(breaker, Retry.decorateSupplier(retry,
                source::fetch));
        this.guarded = () -> {
            try {
                return new FetchOutcome.Fetched(fetch.get());
            } catch (CallNotPermittedException e) {
                return new FetchOutcome.Failed("remote unavailable: " + config.failuresToOpen()
                        + " fetches failed in a row; next try after " + config.openFor().toSeconds() + " s; last"
                        + " error: " + lastError.get(), true);
            } catch (GitSourceException e) {
                lastError.set(e.getMessage());
                return new FetchOutcome.Failed(e.getMessage(), false);
            }
        };
        Gauge.builder("capstan_git_remote_up", remoteUp, AtomicInteger::get)
                .description("1 when the last fetch from the git remote succeeded, 0 when it failed")
                .tag("remote", REMOTE).register(metrics);
        fetchSuccess = Timer.builder("capstan_git_fetch_seconds").tag("remote", REMOTE).tag("result", "success")
                .description("Duration of git fetches").register(metrics);
        fetchFailure = Timer.builder("capstan_git_fetch_seconds").tag("remote", REMOTE).tag("result", "failure")
                .description("Duration of git fetches").register(metrics);
        fetchFailures = Counter.builder("capstan_git_fetch_failures_total").tag("remote", REMOTE)
                .description("Fetches that failed after their retries").register(metrics);
    }

    public FetchOutcome fetch() {
        long start = System.nanoTime();
        FetchOutcome outcome = guarded.get();
        long elapsed = System.nanoTime() - start;
        switch (outcome) {
            case FetchOutcome.Fetched fetched -> {
                remoteUp.set(1);
                fetchSuccess.record(elapsed, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            case FetchOutcome.Failed failed -> {
                remoteUp.set(0);
                fetchFailures.increment();
                fetchFailure.record(elapsed, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        }
        return outcome;
    }
}
