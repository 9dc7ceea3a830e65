package dev.capstan.agent.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkSlotsTest {
    private final WorkSlots slots = new WorkSlots(1);
    private final List<String> order = new CopyOnWriteArrayList<>();

    @Test
    void aUnitBackFromItsGateGoesBeforeUnitsThatHaveNotStarted() throws Exception {
        CountDownLatch gateOpen = new CountDownLatch(1);
        CountDownLatch firstWorking = new CountDownLatch(1);
        CountDownLatch firstDone = new CountDownLatch(1);
        Thread gated = Thread.ofVirtual().start(() -> slots.run(() -> {
            slots.waiting(() -> {
                awaitQuietly(gateOpen);
                return null;
            });
            order.add("back from its gate");
        }));
        await().atMost(10, TimeUnit.SECONDS).until(() -> slots.waiting() == 1 && slots.free() == 1);
        Thread first = Thread.ofVirtual().start(() -> slots.run(() -> {
            firstWorking.countDown();
            awaitQuietly(firstDone);
            order.add("first new unit");
        }));
        firstWorking.await();
        Thread second = Thread.ofVirtual().start(() -> slots.run(() -> order.add("second new unit")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> second.getState() == Thread.State.WAITING);
        gateOpen.countDown();
        // Out of its wait and parked again: queued for a slot behind the first unit.
        await().atMost(10, TimeUnit.SECONDS).until(() -> slots.waiting() == 0
                && gated.getState() == Thread.State.WAITING);

        firstDone.countDown();
        for (Thread thread : List.of(gated, first, second)) {
            thread.join(10_000);
        }
        assertThat(order).containsExactly("first new unit", "back from its gate", "second new unit");
        assertThat(slots.free()).isEqualTo(1);
    }

    @Test
    void waitingOutsideAnySlotGivesNothingAway() throws Exception {
        assertThat(slots.waiting(() -> slots.free())).isEqualTo(1);
        assertThat(slots.free()).isEqualTo(1);
    }

    @Test
    void stoppingCutsOffTheWaitsUnderWayAndAnyBegunAfter() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        List<String> ends = new CopyOnWriteArrayList<>();
        Runnable waitForever = () -> slots.run(() -> {
            try {
                slots.waiting(() -> {
                    never.await();
                    return null;
                });
                ends.add("the wait ended by itself");
            } catch (InterruptedException e) {
                ends.add("interrupted");
            }
        });
        Thread waiting = Thread.ofVirtual().start(waitForever);
        await().atMost(10, TimeUnit.SECONDS).until(() -> slots.waiting() == 1);

        slots.stopWaiting();
        waiting.join(10_000);
        Thread late = Thread.ofVirtual().start(waitForever);
        late.join(10_000);

        assertThat(ends).containsExactly("interrupted", "interrupted");
        assertThat(slots.waiting()).isZero();
        assertThat(slots.free()).isEqualTo(1);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
