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
 * Who waits for news of what: a gate waits on its objects (by namespace and name) and, for workloads judged with their
 * pods, on the pods and ReplicaSets of their namespaces; the informers signal exactly those, so an event wakes only
 * the gates it concerns, not every gate of a busy namespace. A signal is never lost between a gate's look and its
 * wait (a permit stays until taken).
 */
final class Wakeups {
    private final Map<String, Set<Waiter>> byTopic = new ConcurrentHashMap<>();

    /** What a change to one object is news of. */
    static String object(String namespace, String name) {
        return (namespace == null ? "" : namespace) + "/" + name;
    }

    /** What a change to a pod or ReplicaSet of a namespace is news of. */
    static String pods(String namespace) {
        return "pods of " + namespace;
    }

    LiveHealth.Changes register(Collection<String> topics) {
        Waiter waiter = new Waiter(Set.copyOf(topics));
        for (String topic : waiter.topics) {
            // compute, not computeIfAbsent().add(): a closing waiter may be removing the set at the same moment.
            byTopic.compute(topic, (n, set) -> {
                Set<Waiter> waiters = set == null ? ConcurrentHashMap.newKeySet() : set;
                waiters.add(waiter);
                return waiters;
            });
        }
        return waiter;
    }

    void signal(String topic) {
        Set<Waiter> waiting = byTopic.get(topic);
        if (waiting != null) {
            waiting.forEach(Waiter::wake);
        }
    }

    private final class Waiter implements LiveHealth.Changes {
        private final Set<String> topics;
        private final Semaphore news = new Semaphore(0);

        private Waiter(Set<String> topics) {
            this.topics = topics;
        }

        @Override
        public void wake() {
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
            for (String topic : topics) {
                byTopic.computeIfPresent(topic, (n, set) -> {
                    set.remove(this);
                    return set.isEmpty() ? null : set;
                });
            }
        }
    }
}
