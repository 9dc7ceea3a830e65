package dev.capstan.agent.rollout;

import dev.capstan.agent.cluster.ApplyResult;
import dev.capstan.agent.cluster.UnitWrites;
import dev.capstan.agent.cluster.WriteFence;
import dev.capstan.agent.health.Health;
import dev.capstan.agent.health.LiveHealth;
import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster in memory for the rollout's decisions: it keeps what was applied, judges a Deployment by its image tag
 * ({@code crashloop} is Degraded, {@code never-ready} Progressing, anything else Healthy), and can be told to
 * reject a dry run or fail writes the way an overloaded API server does.
 */
public final class MemoryCluster implements UnitWrites, LiveHealth {
    public final Map<ObjectKey, RenderedObject> live = new LinkedHashMap<>();
    /** Every write, in order: "apply api", "delete api-canary", "dry-run cfg"... */
    public final List<String> writes = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    private String rejectDryRun;
    private String rejectHooks;
    private int transientFailures;
    private boolean failUnderTraffic;
    /** What every write passes, as the applier's fence: open until {@link #loseLease()}. */
    private WriteFence fence = WriteFence.open();

    /** From now on this replica has lost its Lease: every write (dry runs too), and every step's check, throws. */
    public void loseLease() {
        fence = new WriteFence(unit -> false);
    }

    @Override
    public synchronized void checkFence() {
        fence.check();
    }

    /** From now on a blue-green copy is Degraded once a Service selects it alone (it breaks under traffic). */
    void failUnderTraffic() {
        failUnderTraffic = true;
    }

    /** The selector of the live Service {@code name}. */
    Map<?, ?> selector(String name) {
        return live.values().stream().filter(o -> o.key().name().equals(name)).findFirst()
                .map(o -> (Map<?, ?>) ((Map<?, ?>) o.content().get("spec")).get("selector")).orElse(Map.of());
    }

    void rejectDryRuns(String message) {
        rejectDryRun = message;
    }

    /** From now on every release's hooks are refused with {@code message}, as the write policy would. */
    void rejectHooks(String message) {
        rejectHooks = message;
    }

    /** The next {@code count} applies fail as a 5xx would, after retries. */
    public void failNextApplies(int count) {
        transientFailures = count;
    }

    public String image(String name) {
        return live.values().stream().filter(o -> o.key().name().equals(name)).findFirst()
                .map(MemoryCluster::imageOf).orElse("");
    }

    @Override
    public synchronized Optional<ApplyResult.Rejected> dryRun(List<RenderedObject> objects) {
        if (!objects.isEmpty()) {
            fence.check(); // as the applier's: a dry run is a write to the API server
        }
        objects.forEach(o -> writes.add("dry-run " + o.key().name()));
        return rejectDryRun == null || objects.isEmpty() ? Optional.empty()
                : Optional.of(new ApplyResult.Rejected(objects.get(0).key(), rejectDryRun));
    }

    @Override
    public synchronized Optional<ApplyResult.Rejected> admitHooks(List<RenderedObject> hooks) {
        hooks.forEach(o -> writes.add("admit-hook " + o.key().name()));
        return rejectHooks == null || hooks.isEmpty() ? Optional.empty()
                : Optional.of(new ApplyResult.Rejected(hooks.get(0).key(), rejectHooks));
    }

    @Override
    public synchronized ApplyResult apply(List<RenderedObject> objects) {
        if (!objects.isEmpty()) {
            fence.check();
        }
        if (transientFailures > 0 && !objects.isEmpty()) {
            transientFailures--;
            return new ApplyResult.Rejected(objects.get(0).key(), "Internal error occurred: etcd timeout", true);
        }
        Map<ObjectKey, String> versions = new LinkedHashMap<>();
        for (RenderedObject object : objects) {
            writes.add("apply " + object.key().name());
            live.put(object.key(), object);
            versions.put(object.key(), String.valueOf(writes.size()));
        }
        return new ApplyResult.Applied(objects.size(), versions);
    }

    @Override
    public synchronized int delete(List<ObjectKey> keys) {
        if (!keys.isEmpty()) {
            fence.check();
        }
        keys.forEach(key -> {
            writes.add("delete " + key.name());
            live.remove(key);
        });
        return keys.size();
    }

    @Override
    public synchronized List<ObjectKey> canaries(String chart, String env) {
        return live.keySet().stream().filter(key -> key.name().endsWith("-canary") || key.name().endsWith("-green")
                || key.name().endsWith("-preview")).toList();
    }

    @Override
    public synchronized List<ObjectKey> prune(String chart, String env, Collection<ObjectKey> keep,
                                              Collection<ObjectKey> previous) {
        fence.check();
        List<ObjectKey> pruned = previous.stream().filter(key -> !keep.contains(key) && live.containsKey(key))
                .toList();
        pruned.forEach(key -> {
            writes.add("prune " + key.name());
            live.remove(key);
        });
        return pruned;
    }

    @Override
    public synchronized Map<ObjectKey, Health> assess(List<ObjectKey> keys, Map<ObjectKey, String> applied) {
        Map<ObjectKey, Health> result = new LinkedHashMap<>();
        for (ObjectKey key : keys) {
            RenderedObject object = live.get(key);
            String image = object == null ? "" : imageOf(object);
            boolean underTraffic = live.values().stream().anyMatch(o -> o.key().kind().equals("Service")
                    && !o.key().name().endsWith("-preview") && selector(o.key().name()).containsKey(
                    Labels.TRACK));
            result.put(key, object == null ? new Health.Progressing("not found")
                    : failUnderTraffic && underTraffic && key.name().endsWith("-green")
                    ? new Health.Degraded("container app CrashLoopBackOff (under traffic)")
                    : image.endsWith(":crashloop") ? new Health.Degraded("container app CrashLoopBackOff")
                    : image.endsWith(":never-ready") ? new Health.Progressing("0 of 4 replicas available")
                    : Health.healthy());
        }
        return result;
    }

    /** Gates waiting now. */
    int waiting() {
        return waiting.get();
    }

    @Override
    public Changes changes(List<ObjectKey> keys) {
        java.util.concurrent.Semaphore woken = new java.util.concurrent.Semaphore(0);
        return new Changes() {
            @Override
            public void await(Duration atMost) throws InterruptedException {
                // Nothing changes here by itself: a waiting gate waits out its time, its interruption or a wake.
                waiting.incrementAndGet();
                try {
                    woken.tryAcquire(atMost.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
                } finally {
                    waiting.decrementAndGet();
                }
            }

            @Override
            public void wake() {
                woken.release();
            }

            @Override
            public void close() {
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static String imageOf(RenderedObject object) {
        Object spec = object.content().get("spec");
        if (spec instanceof Map<?, ?> s && s.get("template") instanceof Map<?, ?> t
                && t.get("spec") instanceof Map<?, ?> ps && ps.get("containers") instanceof List<?> containers
                && !containers.isEmpty()) {
            return String.valueOf(((Map<String, Object>) containers.get(0)).get("image"));
        }
        return "";
    }
}
