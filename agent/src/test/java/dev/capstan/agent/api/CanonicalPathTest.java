package dev.capstan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api/status", "/api/releases/web/staging/rollback", "/webhooks/github",
            "/app.js", "/api/drift/web-1/prod_2"})
    void canonicalPathsPass(String path) {
        assertThat(CanonicalPath.problem(path)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/webhooks/../api/status", "//api/sync", "/%61pi/sync", "/./api/sync", "/x/../api/sync",
            "//api/releases/web/staging/resume", "/api/./sync", "/api/sync/.", "/api/sync/..", "/api//sync",
            "/api/sync/", "/api%2Fsync", "/api\\sync", "/api/sync;x", "api/sync", "", "/api/st atus", "/apí/status"})
    void everyOtherFormIsRefused(String path) {
        assertThat(CanonicalPath.problem(path)).as(path).isPresent();
    }

    @Test
    void accessDeniesByDefaultAndOpensOnlyProbesPageAndWebhookDeliveries() {
        Access access = new Access(Optional.empty(), dev.capstan.agent.config.ApiConfig.open(),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());

        assertThat(access.required(HttpMethod.GET, "/healthz")).isEmpty();
        assertThat(access.required(HttpMethod.GET, "/")).isEmpty();
        assertThat(access.required(HttpMethod.POST, "/webhooks/github")).isEmpty();
        assertThat(access.required(HttpMethod.POST, "/webhooks/github/x")).contains(Role.DEPLOYER);
        assertThat(access.required(HttpMethod.GET, "/webhooks/github")).contains(Role.VIEWER);
        assertThat(access.required(HttpMethod.POST, "/healthz")).contains(Role.DEPLOYER);
        assertThat(access.required(HttpMethod.GET, "/api/status")).contains(Role.VIEWER);
        assertThat(access.required(HttpMethod.GET, "/anything/else")).contains(Role.VIEWER);
        assertThat(access.required(HttpMethod.POST, "/api/sync")).contains(Role.DEPLOYER);
        assertThat(access.required(HttpMethod.DELETE, "/api/status")).contains(Role.DEPLOYER);
        assertThat(access.required(HttpMethod.PUT, "/")).contains(Role.DEPLOYER);
    }

    @Test
    void failedAuthenticationsAreLimitedPerAddressAndWindow() {
        AtomicLong now = new AtomicLong();
        FailedAuthentications failures = new FailedAuthentications(3, Duration.ofSeconds(10), now::get);

        assertThat(failures.failed("10.0.0.1").firstInWindow()).isTrue();
        assertThat(failures.failed("10.0.0.1").limited()).isFalse();
        assertThat(failures.failed("10.0.0.1").limited()).isFalse();
        FailedAuthentications.Verdict fourth = failures.failed("10.0.0.1");
        assertThat(fourth.limited()).isTrue();
        assertThat(fourth.retryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(failures.failed("10.0.0.2").limited()).as("another address has its own budget").isFalse();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(failures.failed("10.0.0.1").limited()).as("a new window").isFalse();
    }
}
