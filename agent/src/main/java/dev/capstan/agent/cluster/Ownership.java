package dev.capstan.agent.cluster;

import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.RenderedObject;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;
import java.util.Optional;

/**
 * Which unit an object belongs to, by the labels Capstan puts on everything it applies (a hook: the unit named by its
 * {@value Labels#HOOK_OF} annotation; a chart's {@code crds/}: the chart, shared by its environments). An object
 * another unit owns is never applied (nor, by {@link Pruner}, deleted) by this one: two charts rendering the same
 * name would otherwise take the object from each other on every change and prune it from under the other. Objects
 * without Capstan's labels (made by hand or by another tool) are adopted, as Argo CD and Flux do — except by a hook,
 * which deletes what it replaces. Pure.
 */
final class Ownership {
    private Ownership() {
    }

    /** Why {@code desired} may not be applied over {@code live}; empty when it may. */
    static Optional<String> conflict(RenderedObject desired, GenericKubernetesResource live) {
        Map<String, String> liveLabels = labels(live);
        if (!Labels.MANAGER.equals(liveLabels.get(Labels.MANAGED_BY))) {
            // A rollout's own copies (canary, green, preview Service) are Capstan's to make, never to adopt: moving
            // a stranger's selector to the new pods and deleting it at the end would break what it serves.
            return onATrack(desired)
                    ? Optional.of("ownership conflict: a " + desired.key().kind() + " named " + desired.key().name()
                    + " exists and was not made by Capstan; the rollout's own copy of that name (canary, green or "
                    + "preview) may not take it over (rename or delete it). Nothing was applied")
                    : Optional.empty();
        }
        Map<String, Object> desiredLabels = labels(desired);
        Optional<String> otherInstall = otherInstall(desiredLabels, liveLabels);
        if (otherInstall.isPresent()) {
            return otherInstall;
        }
        String liveOwner = owner(liveLabels, annotations(live));
        String desiredOwner = owner(desiredLabels, annotations(desired));
        if (liveOwner.isEmpty() || liveOwner.equals(desiredOwner)
                || chartWide(desiredLabels) && sameChart(liveLabels, desiredLabels)) {
            return Optional.empty();
        }
        return Optional.of("ownership conflict: this object belongs to " + liveOwner + "; " + desiredOwner
                + " renders it too and may not take it over (rename it in one of the charts, or delete it from "
                + "the other first). Nothing was applied");
    }

    /** A rollout's own copy (canary, green, preview): made by Capstan, never adopted. */
    static boolean onATrack(RenderedObject object) {
        return labels(object).containsKey(Labels.TRACK);
    }

    /**
     * Why hook {@code hook} may not replace {@code live} (a hook deletes what has its name before it runs); empty
     * when {@code live} is this unit's own hook from an earlier run, or a hook {@code helm install} left.
     */
    static Optional<String> hookConflict(RenderedObject hook, GenericKubernetesResource live) {
        Map<String, String> liveLabels = labels(live);
        Map<String, String> liveAnnotations = annotations(live);
        Optional<String> otherInstall = otherInstall(labels(hook), liveLabels);
        if (otherInstall.isPresent()) {
            return otherInstall;
        }
        Object of = annotations(hook).get(Labels.HOOK_OF);
        if (of != null && of.equals(liveAnnotations.get(Labels.HOOK_OF))) {
            return Optional.empty();
        }
        boolean capstans = Labels.MANAGER.equals(liveLabels.get(Labels.MANAGED_BY));
        if (!capstans && liveAnnotations.containsKey(Labels.HELM_HOOK)) {
            return Optional.empty();
        }
        String whose = capstans && !owner(liveLabels, liveAnnotations).isEmpty()
                ? "it belongs to " + owner(liveLabels, liveAnnotations) : "it is not a hook of this unit (made by "
                + (liveLabels.get(Labels.MANAGED_BY) == null ? "hand or another tool" : liveLabels.get(
                        Labels.MANAGED_BY)) + ")";
        return Optional.of("hook refused: it would delete and replace the live " + hook.key().kind() + " "
                + hook.key().name() + ", but " + whose + "; a hook replaces only its own earlier run. Nothing was "
                + "applied");
    }

    /** Another install's object (both name their install, and not the same one): never taken over. */
    private static Optional<String> otherInstall(Map<String, ?> desired, Map<String, String> live) {
        Object ours = desired.get(Labels.INSTALL);
        String theirs = live.get(Labels.INSTALL);
        if (ours == null || theirs == null || theirs.equals(ours)) {
            return Optional.empty();
        }
        return Optional.of("ownership conflict: this object belongs to install " + theirs + " (another Capstan agent"
                + " in this cluster); install " + ours + " renders it too and may not take it over. Nothing was "
                + "applied");
    }

    /** {@code unit chart/env}, {@code hook of unit chart/env}, {@code chart X} (its crds/), or empty. */
    private static String owner(Map<String, ?> labels, Map<String, ?> annotations) {
        Object chart = labels.get(Labels.CHART);
        Object env = labels.get(Labels.ENV);
        if (chart != null && env != null) {
            return "unit " + chart + "/" + env;
        }
        if (annotations.get(Labels.HOOK_OF) != null) {
            return "hook of unit " + annotations.get(Labels.HOOK_OF);
        }
        return chart == null ? "" : "chart " + chart;
    }

    /** A chart's crds/: owned by the chart, whichever environment applies them. */
    private static boolean chartWide(Map<String, ?> labels) {
        return labels.get(Labels.CHART) != null && labels.get(Labels.ENV) == null;
    }

    private static boolean sameChart(Map<String, ?> live, Map<String, ?> desired) {
        return live.get(Labels.CHART) != null && live.get(Labels.CHART).equals(desired.get(Labels.CHART));
    }

    private static Map<String, String> labels(GenericKubernetesResource live) {
        Map<String, String> labels = live.getMetadata() == null ? null : live.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    private static Map<String, String> annotations(GenericKubernetesResource live) {
        Map<String, String> annotations = live.getMetadata() == null ? null : live.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> labels(RenderedObject object) {
        return metadataMap(object, "labels");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> annotations(RenderedObject object) {
        return metadataMap(object, "annotations");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadataMap(RenderedObject object, String field) {
        if (object.content().get("metadata") instanceof Map<?, ?> metadata
                && metadata.get(field) instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        return Map.of();
    }
}
