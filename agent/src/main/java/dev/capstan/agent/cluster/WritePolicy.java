package dev.capstan.agent.cluster;

import dev.capstan.agent.config.Destinations;
import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import java.util.Map;
import java.util.Optional;

/**
 * Where a unit may write, whoever writes for it (a rollout step, a hook, a rollback, the drift healer): the agent's
 * own objects are {@link ReservedObjects reserved}, and the {@link Destinations} of the agent config bound the
 * namespaces of each environment and the cluster-scoped kinds of every unit. Checked before anything of a set is
 * written, and again by every apply. Pure.
 */
public record WritePolicy(ReservedObjects reserved, Destinations destinations) {

    /** Only the agent's own objects are off limits (the CLI, a cluster without records). */
    public static WritePolicy reservedOnly(ReservedObjects reserved) {
        return new WritePolicy(reserved, Destinations.unrestricted());
    }

    /**
     * Why environment {@code env}'s unit may not write {@code key} (in a namespace when {@code namespaced}, else a
     * cluster-scoped object); empty when it may.
     */
    public Optional<String> refusal(String env, ObjectKey key, boolean namespaced) {
        Optional<String> ours = reserved.reason(key);
        if (ours.isPresent()) {
            return ours;
        }
        if (namespaced) {
            if (destinations.allowsNamespace(env, key.namespace())) {
                return Optional.empty();
            }
            return Optional.of("destination refused: environment " + (env.isEmpty() ? "(none)" : env)
                    + " may not write namespace " + key.namespace() + " (agent config destinations.namespaces."
                    + env + ": " + destinations.namespacesOf(env).map(Object::toString).orElse("not listed")
                    + "). Nothing was applied");
        }
        String group = group(key.apiVersion());
        if (destinations.allowsClusterResource(group, key.kind())) {
            return Optional.empty();
        }
        return Optional.of("destination refused: units may not write cluster-scoped " + (group.isEmpty() ? ""
                : group + "/") + key.kind() + " (agent config destinations.clusterResources: "
                + new java.util.TreeSet<>(destinations.clusterResources()) + "). Nothing was applied");
    }

    /** Why {@code object} may not replace the CustomResourceDefinition {@code live}; empty when it may. */
    public Optional<String> crdRefusal(RenderedObject object, io.fabric8.kubernetes.api.model.GenericKubernetesResource
            live) {
        if (!"CustomResourceDefinition".equals(object.key().kind()) || destinations.replaceUnownedCrds()) {
            return Optional.empty();
        }
        Map<String, String> labels = live.getMetadata() == null ? null : live.getMetadata().getLabels();
        if (labels != null && Labels.MANAGER.equals(labels.get(Labels.MANAGED_BY))) {
            return Optional.empty();
        }
        String manager = labels == null || labels.get(Labels.MANAGED_BY) == null ? "not Capstan's"
                : "managed by " + labels.get(Labels.MANAGED_BY);
        return Optional.of("destination refused: CustomResourceDefinition " + object.key().name() + " exists and is "
                + manager + "; a unit may not replace it (agent config destinations.replaceUnownedCrds: false). "
                + "Nothing was applied");
    }

    /** The environment a unit's object belongs to: its label, or for a hook the unit it is a hook of. */
    @SuppressWarnings("unchecked")
    public static String envOf(RenderedObject object) {
        if (!(object.content().get("metadata") instanceof Map<?, ?> metadata)) {
            return "";
        }
        if (metadata.get("labels") instanceof Map<?, ?> labels && labels.get(Labels.ENV) != null) {
            return labels.get(Labels.ENV).toString();
        }
        if (metadata.get("annotations") instanceof Map<?, ?> annotations
                && annotations.get(Labels.HOOK_OF) instanceof String unit && unit.contains("/")) {
            return unit.substring(unit.indexOf('/') + 1);
        }
        return "";
    }

    static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }
}
