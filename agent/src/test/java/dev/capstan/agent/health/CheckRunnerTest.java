package dev.capstan.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import com.sun.net.httpserver.HttpServer;
import dev.capstan.agent.config.AddressPolicy;
import dev.capstan.agent.config.Check;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Declared checks against a real HTTP server on loopback, as hostile as a URL from git can make it. */
class CheckRunnerTest {
    private static final String FAKE_KEY = "AKIAFAKEKEY1234567890";

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/aaaa", exchange -> {
            requests.incrementAndGet();
            reply(exchange, 200, "a".repeat(5_000));
        });
        server.createContext("/huge", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 160; i++) {
                    out.write(chunk);
                }
                out.write("END".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the reader stopped early, as it should
            }
        });
        server.createContext("/hang", exchange -> {
            requests.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.createContext("/api/v1/query", exchange -> {
            requests.incrementAndGet();
            reply(exchange, 200, "{\"status\":\"error\",\"errorType\":\"" + FAKE_KEY + "\",\"error\":\"" + FAKE_KEY
                    + "\"}");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static Check.Http smoke(String url, String regex) {
        return new Check.Http("home", url, 200, Optional.ofNullable(regex).map(Pattern::compile), 1,
                Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    private static long in(Duration duration) {
        return System.nanoTime() + duration.toNanos();
    }

    @Test
    void catastrophicPatternsFromGitMatchInLinearTime() {
        CheckRunner runner = new CheckRunner(AddressPolicy.allowing(List.of("127.0.0.0/8")));

        CheckResult nested = runner.run(smoke(url("/aaaa"), "a*a*a*a*a*a*a*a*b"), in(Duration.ofSeconds(30)));
        CheckResult alternation = runner.run(smoke(url("/aaaa"), "(a|a)+$"), in(Duration.ofSeconds(30)));
        CheckResult nestedStar = runner.run(smoke(url("/aaaa"), "(a+)+b"), in(Duration.ofSeconds(30)));

        assertThat(nested).isInstanceOf(CheckResult.WrongAnswer.class);
        assertThat(nested.detail()).contains("body does not match");
        assertThat(alternation).isInstanceOf(CheckResult.Passed.class);
        assertThat(nestedStar).isInstanceOf(CheckResult.WrongAnswer.class);
    }

    @Test
    void aCheckNeverOutlivesItsDeadline() {
        CheckRunner runner = new CheckRunner(AddressPolicy.allowing(List.of("127.0.0.0/8")));

        CheckResult result = runner.run(smoke(url("/hang"), null), in(Duration.ofMillis(300)));

        assertThat(result).isInstanceOf(CheckResult.NotYet.class);
        assertThat(result.detail()).isEqualTo("no answer before the step's deadline");
        assertThat(runner.run(smoke(url("/hang"), null), System.nanoTime()).detail())
                .isEqualTo("no time left in the step");
    }

    @Test
    void aHugeBodyIsReadOnlyUpToItsLimit() {
        CheckRunner runner = new CheckRunner(AddressPolicy.allowing(List.of("127.0.0.0/8")));

        CheckResult prefix = runner.run(smoke(url("/huge"), "^x+$"), in(Duration.ofSeconds(30)));
        CheckResult end = runner.run(smoke(url("/huge"), "END"), in(Duration.ofSeconds(30)));

        assertThat(prefix).as("the first 64 KiB").isInstanceOf(CheckResult.Passed.class);
        assertThat(end).as("what comes after 10 MiB is never read").isInstanceOf(CheckResult.WrongAnswer.class);
    }

    @Test
    void inwardAddressesAreNeverAskedAndAnswersAreNeverReflected() {
        CheckRunner refusing = new CheckRunner(AddressPolicy.defaults());
        CheckRunner allowing = new CheckRunner(AddressPolicy.allowing(List.of("127.0.0.0/8")));
        Check.Prometheus query = new Check.Prometheus("errors", url(""), "up", Optional.empty(), Optional.of(1.0));

        CheckResult metadata = refusing.run(smoke("http://169.254.169.254/latest/meta-data/", null),
                in(Duration.ofSeconds(5)));
        CheckResult own = refusing.run(smoke(url("/aaaa"), null), in(Duration.ofSeconds(5)));
        CheckResult prometheus = refusing.run(query, in(Duration.ofSeconds(5)));

        assertThat(metadata).isInstanceOf(CheckResult.Failed.class);
        assertThat(metadata.detail()).contains("link-local");
        assertThat(own).isInstanceOf(CheckResult.Failed.class);
        assertThat(own.detail()).contains("loopback");
        assertThat(prometheus).isInstanceOf(CheckResult.Failed.class);
        assertThat(requests).as("nothing was requested").hasValue(0);

        CheckResult reflected = allowing.run(query, in(Duration.ofSeconds(5)));
        assertThat(requests).hasValue(1);
        assertThat(reflected.detail()).doesNotContain(FAKE_KEY).contains("query failed");
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
