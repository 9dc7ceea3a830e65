package dev.capstan.agent.rollout;

import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The canary of a Deployment: {@code <name>-canary} with the new pod template and the stable's selector labels plus
 * {@code capstan.dev/track}{@code : canary}, so the stable's Service sends it a share of the traffic while the stable
 * Deployment (whose selector does not require the track) keeps its own ReplicaSets. Pure.
 */
public final class Canary {
    public static final String TRACK = "canary";

    private Canary() {
    }

    /** Replicas of a canary at {@code percent} of {@code stableReplicas}: rounded up, at least one. */
    static int replicas(int percent, int stableReplicas) {
        return Math.max(1, (int) Math.ceil(percent * (double) stableReplicas / 100.0));
    }

    /** The canary of {@code stable} (the new Deployment as rendered) with {@code replicas}. */
    static RenderedObject of(RenderedObject stable, int replicas) {
        return tracked(stable, TRACK, replicas);
    }

    /**
     * A copy of {@code stable} on its own track: named {@code <name>-<track>}, with {@code capstan.dev/track}{@code :
     * <track>} on itself, its selector and its pods, and {@code replicas}.
     */
    static RenderedObject tracked(RenderedObject stable, String track, int replicas) {
        Map<String, Object> content = deepCopy(stable.content());
        Map<String, Object> metadata = child(content, "metadata");
        metadata.put("name", stable.key().name() + "-" + track);
        child(metadata, "labels").put(Labels.TRACK, track);
        Map<String, Object> spec = child(content, "spec");
        spec.put("replicas", replicas);
        child(child(spec, "selector"), "matchLabels").put(Labels.TRACK, track);
        child(child(child(spec, "template"), "metadata"), "labels").put(Labels.TRACK, track);
        ObjectKey key = stable.key();
        return new RenderedObject(new ObjectKey(key.apiVersion(), key.kind(), key.namespace(), key.name() + "-"
                + track), stable.sourceTemplate(), content);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> child(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        Map<String, Object> created = new LinkedHashMap<>();
        parent.put(key, created);
        return created;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepCopy(Map<String, Object> source) {
        Map<String, Object> copy = new LinkedHashMap<>();
        source.forEach((key, value) -> copy.put(key, copyValue(value)));
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Object copyValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return deepCopy((Map<String, Object>) map);
        }
        if (value instanceof java.util.List<?> list) {
            return list.stream().map(Canary::copyValue).collect(java.util.stream.Collectors.toList());
        }
        return value;
    }
}
