package dev.capstan.agent.cluster;

import dev.capstan.agent.model.Labels;
import dev.capstan.agent.chart.RenderedObject;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;
import java.util.Optional;

/**
 * Which unit an object belongs to, by the labels Capstan puts on everything it applies. An object another unit
 * owns is never applied (nor, by {@link Pruner}, deleted) by this one: two charts rendering the same name would
 * otherwise take the object from each other on every change and prune it from under the other. Objects without
 * Capstan's labels (made by hand or by another tool) are adopted, as Argo CD and Flux do. Pure.
 */
final class Ownership {
    private Ownership() {
    }

    /** Why {@code desired} may not be applied over {@code live}; empty when it may. */
    static Optional<String> conflict(RenderedObject desired, GenericKubernetesResource live) {
        Map<String, String> liveLabels = live.getMetadata() == null ? null : live.getMetadata().getLabels();
        if (liveLabels == null || !Labels.MANAGER.equals(liveLabels.get(Labels.MANAGED_BY))) {
            return Optional.empty();
        }
        String liveUnit = unit(liveLabels);
        String desiredUnit = unit(labels(desired));
        if (liveUnit.isEmpty() || liveUnit.equals(desiredUnit)) {
            return Optional.empty();
        }
        return Optional.of("ownership conflict: this object belongs to unit " + liveUnit + "; unit " + desiredUnit
                + " renders it too and may not take it over (rename it in one of the charts, or delete it from "
                + "the other first). Nothing was applied");
    }

    private static String unit(Map<String, String> labels) {
        String chart = labels.get(Labels.CHART);
        String env = labels.get(Labels.ENV);
        return chart == null || env == null ? "" : chart + "/" + env;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> labels(RenderedObject object) {
        if (object.content().get("metadata") instanceof Map<?, ?> metadata
                && metadata.get("labels") instanceof Map<?, ?> labels) {
            return (Map<String, String>) labels;
        }
        return Map.of();
    }
}
