package dev.capstan.agent.rollout;

import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The objects of a blue-green rollout, from the rendered ones. Pure. The new version runs as {@code <name>-green}
 * (pods labelled {@value Canary#Labels.TRACK}{@code : green}); since its pods also carry every label the rendered
 * Services select, a Service is <em>pinned</em> to the old pods while green is tried (their ReplicaSet's
 * {@code pod-template-hash} added to its selector), then <em>switched</em> ({@code capstan.dev/track: green} added).
 */
public final class BlueGreen {
    public static final String TRACK = "green";
    static final String PREVIEW_SUFFIX = "-preview";
    static final String TEMPLATE_HASH = "pod-template-hash";
    /** What a preview Service cannot copy: addresses and ports the cluster gave (or that only one Service may have). */
    private static final Set<String> NOT_COPIED = Set.of("clusterIP", "clusterIPs", "externalIPs", "loadBalancerIP",
            "loadBalancerSourceRanges", "healthCheckNodePort", "externalTrafficPolicy", "loadBalancerClass",
            "allocateLoadBalancerNodePorts");

    private BlueGreen() {
    }

    /** The new version of {@code deployment} (as rendered) beside the old one, at {@code replicas}. */
    static RenderedObject green(RenderedObject deployment, int replicas) {
        return Canary.tracked(deployment, TRACK, replicas);
    }

    /**
     * Whether {@code service} sends traffic to the pods of {@code deployment}: same namespace, a selector, and every
     * selected label on the pod template.
     */
    static boolean selects(RenderedObject service, RenderedObject deployment) {
        if (!"Service".equals(service.key().kind())
                || !service.key().namespace().equals(deployment.key().namespace())) {
            return false;
        }
        Map<?, ?> selector = map(map(service.content(), "spec"), "selector");
        Map<?, ?> podLabels = map(map(map(map(deployment.content(), "spec"), "template"), "metadata"), "labels");
        return !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(e -> e.getValue() != null && e.getValue().equals(podLabels.get(e.getKey())));
    }

    /** {@code service} selecting only the old pods: those of the ReplicaSet whose template hash is {@code hash}. */
    static RenderedObject pinned(RenderedObject service, String hash) {
        return withSelector(service, TEMPLATE_HASH, hash);
    }

    /** {@code service} selecting only the new version's pods. */
    static RenderedObject switched(RenderedObject service) {
        return withSelector(service, Labels.TRACK, TRACK);
    }

    /**
     * {@code <name>-preview}: a cluster-internal twin of {@code service} selecting only the new version, for smoke
     * checks before the switch. Node ports, load balancers and addresses are the original's alone.
     */
    static RenderedObject preview(RenderedObject service) {
        Map<String, Object> content = Canary.deepCopy(service.content());
        Map<String, Object> metadata = Canary.child(content, "metadata");
        String name = service.key().name() + PREVIEW_SUFFIX;
        metadata.put("name", name);
        Canary.child(metadata, "labels").put(Labels.TRACK, TRACK);
        Map<String, Object> spec = Canary.child(content, "spec");
        boolean headless = "None".equals(spec.get("clusterIP"));
        spec.keySet().removeAll(NOT_COPIED);
        if (headless) {
            spec.put("clusterIP", "None");
        }
        spec.put("type", "ClusterIP");
        if (spec.get("ports") instanceof List<?> ports) {
            for (Object port : ports) {
                if (port instanceof Map<?, ?> portMap) {
                    portMap.remove("nodePort");
                }
            }
        }
        Canary.child(spec, "selector").put(Labels.TRACK, TRACK);
        ObjectKey key = service.key();
        return new RenderedObject(new ObjectKey(key.apiVersion(), key.kind(), key.namespace(), name),
                service.sourceTemplate(), content);
    }

    private static RenderedObject withSelector(RenderedObject service, String label, String value) {
        Map<String, Object> content = Canary.deepCopy(service.content());
        Canary.child(Canary.child(content, "spec"), "selector").put(label, value);
        return new RenderedObject(service.key(), service.sourceTemplate(), content);
    }

    private static Map<?, ?> map(Map<?, ?> parent, String key) {
        return parent.get(key) instanceof Map<?, ?> child ? child : Map.of();
    }
}
