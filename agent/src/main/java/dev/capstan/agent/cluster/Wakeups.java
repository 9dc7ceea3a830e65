package dev.capstan.agent.cluster;

import dev.capstan.agent.health.LiveHealth;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Who waits for news of which namespace: the informers signal a namespace on every event, the gates waiting on it
 * wake up. A signal is never lost between a gate's look and its wait (a permit stays until taken).
 */
final class Wakeups {
    private final Map<String, Set<Waiter>> byNamespace = new ConcurrentHashMap<>();

    /** The namespace of a cluster-scoped object. */
    static final String CLUSTER = "";

    LiveHealth.Changes register(Collection<String> namespaces) {
        Waiter waiter = new Waiter(Set.copyOf(namespaces));
        for (String namespace : waiter.namespaces) {
            // compute, not computeIfAbsent().add(): a closing waiter may be removing the set at the same moment.
            byNamespace.compute(namespace, (n, set) -> {
                Set<Waiter> waiters = set == null ? ConcurrentHashMap.newKeySet() : set;
                waiters.add(waiter);
                return waiters;
            });
        }
        return waiter;
    }

    void signal(String namespace) {
        Set<Waiter> waiting = byNamespace.get(namespace == null ? CLUSTER : namespace);
        if (waiting != null) {
            waiting.forEach(Waiter::wake);
        }
    }

    /** Gates waiting now (for a test or a gauge). */
    int waiting() {
        return byNamespace.values().stream().mapToInt(Set::size).sum();
    }

    private final class Waiter implements LiveHealth.Changes {
        private final Set<String> namespaces;
        private final Semaphore news = new Semaphore(0);

        private Waiter(Set<String> namespaces) {
            this.namespaces = namespaces;
        }

        private void wake() {
            // At most one permit: many events while the gate looked are one reason to look again.
            if (news.availablePermits() == 0) {
                news.release();
            }
        }

        @Override
        public void await(Duration atMost) throws InterruptedException {
            if (news.tryAcquire(Math.max(0, atMost.toNanos()), TimeUnit.NANOSECONDS)) {
                news.drainPermits();
            }
        }

        @Override
        public void close() {
            for (String namespace : namespaces) {
                byNamespace.computeIfPresent(namespace, (n, set) -> {
                    set.remove(this);
                    return set.isEmpty() ? null : set;
                });
            }
        }
    }
}
