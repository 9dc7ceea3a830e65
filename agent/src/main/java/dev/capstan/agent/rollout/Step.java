package dev.capstan.agent.rollout;

import dev.capstan.agent.chart.ObjectKey;
import dev.capstan.agent.chart.RenderedObject;
import java.util.List;
import java.util.stream.Stream;

/** One step of a rollout: what to apply, then a health gate over it. */
public sealed interface Step {
    /** Objects applied at this step (canaries included), in install order. */
    List<RenderedObject> apply();

    /** What the record and logs call this step. */
    String phase();

    /** What the health gate of this step watches. */
    default List<ObjectKey> gated() {
        return apply().stream().map(RenderedObject::key).toList();
    }

    /**
     * A canary step: {@code canaries} at {@code percent}; the first step also carries every object other than the
     * changed Deployments ({@code others}).
     */
    record CanaryStep(int percent, List<RenderedObject> others, List<RenderedObject> canaries) implements Step {
        public CanaryStep {
            others = List.copyOf(others);
            canaries = List.copyOf(canaries);
        }

        @Override
        public List<RenderedObject> apply() {
            return Stream.concat(others.stream(), canaries.stream()).toList();
        }

        @Override
        public String phase() {
            return "canary " + percent + "%";
        }
    }

    /** Everything as rendered; the canaries are deleted after its gate passes. */
    record Full(List<RenderedObject> apply) implements Step {
        public Full {
            apply = List.copyOf(apply);
        }

        @Override
        public String phase() {
            return "full";
        }
    }
}
