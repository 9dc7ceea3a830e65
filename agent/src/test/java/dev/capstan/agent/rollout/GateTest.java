package dev.capstan.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.config.AddressPolicy;
import dev.capstan.agent.health.CheckRunner;
import dev.capstan.agent.health.Health;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.work.WorkSlots;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The gate against an in-memory cluster: what it decides, and that waiting costs neither a slot nor a look. */
class GateTest {
    /** Longer than any test: a gate that passes did so on news, not on its safety-net look. */
    private static final Duration LONG = Duration.ofMinutes(5);
    private static final ObjectKey API = new ObjectKey("apps/v1", "Deployment", "shop", "api");
    private static final ObjectKey WORKER = new ObjectKey("apps/v1", "Deployment", "shop", "worker");

    private final FakeLiveHealth cluster = new FakeLiveHealth();

    private Gate gate(WorkSlots slots) {
        return new Gate(cluster, new CheckRunner(AddressPolicy.allowing(List.of("127.0.0.0/8"))),
                new SimpleMeterRegistry(), slots, LONG);
    }

    private CompletableFuture<GateResult> waitIn(Gate gate, WorkSlots slots, List<ObjectKey> keys) {
        CompletableFuture<GateResult> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            AtomicReference<GateResult> outcome = new AtomicReference<>();
            slots.run(() -> outcome.set(gate.await(keys, Map.of(), List.of(), LONG)));
            // Completed once the unit has left its slot, as the scheduler sees it.
            result.complete(outcome.get());
        });
        return result;
    }

    @Test
    void passesWhenTheWatchShowsEveryObjectHealthyAndLooksOnlyWhenToldOfAChange() {
        WorkSlots slots = new WorkSlots(1);
        cluster.show(Map.of(API, new Health.Progressing("0 of 1 replicas available"), WORKER, Health.healthy()));
        CompletableFuture<GateResult> result = waitIn(gate(slots), slots, List.of(API, WORKER));

        await().atMost(10, TimeUnit.SECONDS).until(() -> cluster.parked() == 1);
        int looksWhileWaiting = cluster.looks();
        assertThat(result).isNotDone();
        assertThat(slots.free()).as("a waiting gate gives its slot up").isEqualTo(1);

        cluster.show(Map.of(API, Health.healthy(), WORKER, Health.healthy()));
        assertThat(result).succeedsWithin(Duration.ofSeconds(10)).isInstanceOf(GateResult.Passed.class);
        assertThat(cluster.looks()).as("one look per change, not a poll").isEqualTo(looksWhileWaiting + 1);
        assertThat(slots.free()).isEqualTo(1);
    }

    @Test
    void aSmokeCheckThatKeepsAnsweringWrongFailsTheGateAtItsFailureThresholdNotAtTheTimeout() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.atomic.AtomicInteger answers = new java.util.concurrent.atomic.AtomicInteger();
        server.createContext("/healthz", exchange -> {
            answers.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        try {
            WorkSlots slots = new WorkSlots(1);
            cluster.show(Map.of(API, Health.healthy()));
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/healthz";
            dev.capstan.agent.config.Check check = new dev.capstan.agent.config.Check.Http("home", url, 200,
                    java.util.Optional.empty(), 1, Duration.ofMillis(20), Duration.ofSeconds(5), 4);
            AtomicReference<GateResult> outcome = new AtomicReference<>();
            slots.run(() -> outcome.set(gate(slots).await(List.of(API), Map.of(), List.of(check), LONG)));

            assertThat(outcome.get()).isInstanceOfSatisfying(GateResult.Failed.class, failed -> assertThat(
                    failed.signals()).containsExactly("check home: GET " + url + " answered 500, expected 200 (4 "
                    + "answers in a row)"));
            assertThat(answers.get()).isEqualTo(4);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void failsAtOnceOnADegradedObjectNamingIt() {
        WorkSlots slots = new WorkSlots(1);
        cluster.show(Map.of(API, new Health.Progressing("0 of 1 replicas available")));
        CompletableFuture<GateResult> result = waitIn(gate(slots), slots, List.of(API));
        await().atMost(10, TimeUnit.SECONDS).until(() -> cluster.parked() == 1);

        cluster.show(Map.of(API, new Health.Degraded("pod api-1: container app CrashLoopBackOff")));
        assertThat(result).succeedsWithin(Duration.ofSeconds(10))
                .isInstanceOfSatisfying(GateResult.Failed.class, failed -> assertThat(failed.signals())
                        .containsExactly(API + ": pod api-1: container app CrashLoopBackOff"));
    }

    @Test
    void timesOutNamingWhatWasStillProgressing() {
        cluster.show(Map.of(API, new Health.Progressing("1 of 3 replicas updated")));
        GateResult result = gate(new WorkSlots(1)).await(List.of(API), Map.of(), List.of(), Duration.ofMillis(50));
        assertThat(result).isInstanceOfSatisfying(GateResult.Failed.class, failed -> assertThat(failed.signals())
                .containsExactly("not healthy within 0s", API + ": 1 of 3 replicas updated"));
    }

    @Test
    void anInterruptedGateDecidesNothing() {
        WorkSlots slots = new WorkSlots(1);
        cluster.show(Map.of(API, new Health.Progressing("0 of 1 replicas available")));
        CompletableFuture<GateResult> result = new CompletableFuture<>();
        Thread waiter = Thread.ofVirtual().start(() -> result.complete(gate(slots).await(List.of(API), Map.of(),
                List.of(), LONG)));
        await().atMost(10, TimeUnit.SECONDS).until(() -> cluster.parked() == 1);
        waiter.interrupt();
        assertThat(result).succeedsWithin(Duration.ofSeconds(10)).isInstanceOf(GateResult.Interrupted.class);
    }

    @Test
    void hundredsOfUnitsWaitInTheirGatesAtOnceWhileTwoSlotsAreFree() {
        WorkSlots slots = new WorkSlots(2);
        Gate gate = gate(slots);
        Map<ObjectKey, Health> progressing = new HashMap<>();
        List<ObjectKey> keys = IntStream.range(0, 300)
                .mapToObj(i -> new ObjectKey("apps/v1", "Deployment", "unit-" + i, "app")).toList();
        keys.forEach(key -> progressing.put(key, new Health.Progressing("0 of 1 replicas available")));
        cluster.show(progressing);
        List<CompletableFuture<GateResult>> results = new ArrayList<>();
        keys.forEach(key -> results.add(waitIn(gate, slots, List.of(key))));

        await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.parked() == keys.size());
        assertThat(slots.free()).as("no waiting unit holds a slot").isEqualTo(2);

        Map<ObjectKey, Health> healthy = new HashMap<>();
        keys.forEach(key -> healthy.put(key, Health.healthy()));
        cluster.show(healthy);
        assertThat(CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)))
                .succeedsWithin(Duration.ofSeconds(30));
        assertThat(results).allSatisfy(r -> assertThat(r.join()).isInstanceOf(GateResult.Passed.class));
        assertThat(slots.free()).isEqualTo(2);
    }

    @Test
    void aHoldPassesOnlyOnceItsTimeIsUpAndFailsAtOnceWhenAnObjectDegradesMeanwhile() {
        WorkSlots slots = new WorkSlots(1);
        Gate gate = gate(slots);
        cluster.show(Map.of(API, Health.healthy()));
        CompletableFuture<GateResult> quiet = CompletableFuture.supplyAsync(() -> gate.hold(List.of(API), List.of(),
                LONG, Duration.ofMillis(300)));
        assertThat(quiet).succeedsWithin(Duration.ofSeconds(10)).satisfies(result -> {
            assertThat(result).isInstanceOf(GateResult.Passed.class);
            assertThat(result.took()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        });

        CompletableFuture<GateResult> held = CompletableFuture.supplyAsync(() -> gate.hold(List.of(API), List.of(),
                LONG, LONG));
        await().atMost(10, TimeUnit.SECONDS).until(() -> cluster.parked() == 1);
        assertThat(held).isNotDone();
        cluster.show(Map.of(API, new Health.Degraded("container api CrashLoopBackOff")));
        assertThat(held).succeedsWithin(Duration.ofSeconds(10)).isInstanceOfSatisfying(GateResult.Failed.class,
                failed -> assertThat(failed.signals()).singleElement().asString().contains("CrashLoopBackOff"));
    }
}
