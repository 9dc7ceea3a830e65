package dev.capstan.agent.cluster;

import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A rollout's writes to a real cluster: the server-side applier and the pruner. A unit's canaries (and green copies,
 * preview Services) are found in the Deployment and Service informers (leftovers of a crash or an earlier agent,
 * listed when it started) plus those this agent applied and has not deleted yet (the informer may not have seen
 * them), not by a LIST across all namespaces per rollout.
 */
final class ClusterUnitWrites implements UnitWrites {
    private static final String DEPLOYMENTS = "apps/v1/Deployment";
    private static final String SERVICES = "v1/Service";

    private final ServerSideApplier applier;
    private final Pruner pruner;
    private final LiveState live;
    /** Canaries applied by this agent and not deleted since, with their unit ({@code chart/env}). */
    private final Map<ObjectKey, String> appliedCanaries = new ConcurrentHashMap<>();

    ClusterUnitWrites(ServerSideApplier applier, Pruner pruner, LiveState live) {
        this.applier = applier;
        this.pruner = pruner;
        this.live = live;
    }

    @Override
    public Optional<ApplyResult.Rejected> dryRun(List<RenderedObject> objects) {
        return applier.dryRun(objects);
    }

    @Override
    public Optional<ApplyResult.Rejected> admitHooks(List<RenderedObject> hooks) {
        return applier.admitHooks(hooks);
    }

    @Override
    public void checkFence() {
        applier.fence().check();
    }

    @Override
    public ApplyResult apply(List<RenderedObject> objects) {
        // Remembered before the apply: a canary applied and then lost track of would be an orphan.
        for (RenderedObject object : objects) {
            Map<String, Object> labels = labels(object);
            if (labels.containsKey(Labels.TRACK)) {
                appliedCanaries.put(object.key(), labels.get(Labels.CHART) + "/" + labels.get(Labels.ENV));
            }
        }
        return applier.apply(objects);
    }

    @Override
    public int delete(List<ObjectKey> keys) {
        int deleted = applier.delete(keys);
        keys.forEach(appliedCanaries::remove);
        return deleted;
    }

    @Override
    public boolean retire(List<ObjectKey> keys, Duration timeout) {
        applier.delete(keys, DeletionPropagation.FOREGROUND);
        keys.forEach(appliedCanaries::remove);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ObjectKey key : keys) {
            if (!live.awaitGone(key, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<ObjectKey> canaries(String chart, String env) {
        live.watch("apps/v1", "Deployment");
        live.watch("v1", "Service");
        Set<ObjectKey> canaries = new LinkedHashSet<>();
        for (String kind : List.of(DEPLOYMENTS, SERVICES)) {
            String apiVersion = kind.substring(0, kind.lastIndexOf('/'));
            for (GenericKubernetesResource object : live.managedBy(chart, env, List.of(kind))) {
                Map<String, String> labels = object.getMetadata().getLabels();
                if (labels != null && labels.containsKey(Labels.TRACK)) {
                    canaries.add(new ObjectKey(apiVersion, kind.substring(apiVersion.length() + 1),
                            object.getMetadata().getNamespace(), object.getMetadata().getName()));
                }
            }
        }
        appliedCanaries.forEach((key, unit) -> {
            if (unit.equals(chart + "/" + env)) {
                canaries.add(key);
            }
        });
        return List.copyOf(canaries);
    }

    @Override
    public List<ObjectKey> prune(String chart, String env, Collection<ObjectKey> keep,
                                 Collection<ObjectKey> previous) {
        return pruner.prune(chart, env, keep, previous);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> labels(RenderedObject object) {
        return object.content().get("metadata") instanceof Map<?, ?> metadata
                && metadata.get("labels") instanceof Map<?, ?> labels ? (Map<String, Object>) labels : Map.of();
    }
}
