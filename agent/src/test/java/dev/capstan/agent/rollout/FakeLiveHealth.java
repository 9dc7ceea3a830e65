package dev.capstan.agent.rollout;

import dev.capstan.agent.health.Health;
import dev.capstan.agent.health.LiveHealth;
import dev.capstan.agent.model.ObjectKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Live health held in memory: a test says what the cluster shows and when it changes. */
final class FakeLiveHealth implements LiveHealth {
    private volatile Map<ObjectKey, Health> health = Map.of();
    private final Set<Semaphore> listeners = ConcurrentHashMap.newKeySet();
    private final AtomicInteger parked = new AtomicInteger();
    private final AtomicInteger looks = new AtomicInteger();

    /** The cluster now shows {@code now}; every waiting gate hears of it. */
    void show(Map<ObjectKey, Health> now) {
        health = Map.copyOf(now);
        listeners.forEach(Semaphore::release);
    }

    /** Gates parked waiting for news right now. */
    int parked() {
        return parked.get();
    }

    /** How often gates looked. */
    int looks() {
        return looks.get();
    }

    @Override
    public Map<ObjectKey, Health> assess(List<ObjectKey> keys, Map<ObjectKey, String> applied) {
        looks.incrementAndGet();
        Map<ObjectKey, Health> seen = health;
        Map<ObjectKey, Health> result = new LinkedHashMap<>();
        keys.forEach(key -> result.put(key, seen.getOrDefault(key, new Health.Progressing("not found"))));
        return result;
    }

    @Override
    public Changes changes(List<ObjectKey> keys) {
        Semaphore news = new Semaphore(0);
        listeners.add(news);
        return new Changes() {
            @Override
            public void await(Duration atMost) throws InterruptedException {
                parked.incrementAndGet();
                try {
                    news.tryAcquire(atMost.toNanos(), TimeUnit.NANOSECONDS);
                    news.drainPermits();
                } finally {
                    parked.decrementAndGet();
                }
            }

            @Override
            public void wake() {
                news.release();
            }

            @Override
            public void close() {
                listeners.remove(news);
            }
        };
    }
}
