package dev.capstan.agent.rollout;

import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import java.time.Duration;
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
        return keys(apply());
    }

    /** Objects sent even when the live ones look the same as at the start (a step before changed them). */
    default List<RenderedObject> resend() {
        return List.of();
    }

    /**
     * Whether this step changes the stable workloads themselves, so a failed gate means re-applying the last good
     * release as a new revision (not only removing what the rollout added).
     */
    default boolean changesStable() {
        return false;
    }

    /**
     * When this step's gate fails: the Services as they were before the switch, applied first, so traffic is back on
     * the old version in one call each. Empty before a switch and for the other strategies.
     */
    default List<RenderedObject> trafficBack() {
        return List.of();
    }

    /** What undoing this step after a failed gate did, as the failed record says; {@code good}: the last good. */
    default String undone(int good) {
        return changesStable() ? "rolled back to revision " + good : "canary removed";
    }

    /** The new version's copies (and preview Services) this step relies on: kept on a resume, not removed. */
    default List<ObjectKey> tracked() {
        return List.of();
    }

    private static List<ObjectKey> keys(List<RenderedObject> objects) {
        return objects.stream().map(RenderedObject::key).toList();
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

    /**
     * Everything as rendered; the canaries (or green copies and preview Services) are deleted after its gate passes.
     * {@code resend}: objects sent even if they were unchanged at the start (a blue-green rollout's Services, which
     * earlier steps re-pointed).
     */
    record Full(List<RenderedObject> apply, List<RenderedObject> resend) implements Step {
        public Full {
            apply = List.copyOf(apply);
            resend = List.copyOf(resend);
        }

        public Full(List<RenderedObject> apply) {
            this(apply, List.of());
        }

        @Override
        public String phase() {
            return "full";
        }

        @Override
        public boolean changesStable() {
            return true;
        }
    }

    /**
     * Blue-green, first step: everything but the changed Deployments and the Services selecting their pods
     * ({@code others}), those Services pinned to the old pods ({@code pinned}), the new version beside the old one
     * ({@code greens}) and, if asked for, preview Services selecting only it ({@code previews}).
     */
    record Preview(List<RenderedObject> others, List<RenderedObject> pinned, List<RenderedObject> greens,
                   List<RenderedObject> previews) implements Step {
        public Preview {
            others = List.copyOf(others);
            pinned = List.copyOf(pinned);
            greens = List.copyOf(greens);
            previews = List.copyOf(previews);
        }

        @Override
        public List<RenderedObject> apply() {
            return Stream.of(others, pinned, greens, previews).flatMap(List::stream).toList();
        }

        @Override
        public String phase() {
            return "preview";
        }

        @Override
        public String undone(int good) {
            return "the new version removed; traffic never left revision " + good;
        }

        @Override
        public List<ObjectKey> tracked() {
            return Stream.concat(greens.stream(), previews.stream()).map(RenderedObject::key).toList();
        }
    }

    /**
     * A blue-green step from the switch on, before promotion: the Services select the new version, the old one still
     * runs, so undoing it puts the Services back as they were ({@code pinned}) first.
     */
    sealed interface AfterSwitch extends Step {
        /** The Services as they were before the switch: selecting the old pods only. */
        List<RenderedObject> pinned();

        @Override
        default List<RenderedObject> trafficBack() {
            return pinned();
        }

        @Override
        default String undone(int good) {
            return "traffic back on revision " + good + ", the new version removed";
        }
    }

    /** Blue-green: the Services select the new version only ({@code switched}); {@code pinned}: as they were. */
    record Switch(List<RenderedObject> switched, List<RenderedObject> pinned, List<ObjectKey> tracked)
            implements AfterSwitch {
        public Switch {
            switched = List.copyOf(switched);
            pinned = List.copyOf(pinned);
            tracked = List.copyOf(tracked);
        }

        @Override
        public List<RenderedObject> apply() {
            return switched;
        }

        @Override
        public List<ObjectKey> gated() {
            return Stream.concat(tracked.stream(), switched.stream().map(RenderedObject::key)).toList();
        }

        @Override
        public String phase() {
            return "switch";
        }
    }

    /**
     * Blue-green: traffic is on the new version, the old one still runs; the new one is gated for {@code delay} from
     * when this step began (as recorded, so an agent that resumes here waits only the rest).
     */
    record Hold(Duration delay, List<RenderedObject> pinned, List<ObjectKey> tracked) implements AfterSwitch {
        public Hold {
            pinned = List.copyOf(pinned);
            tracked = List.copyOf(tracked);
        }

        @Override
        public List<RenderedObject> apply() {
            return List.of();
        }

        @Override
        public List<ObjectKey> gated() {
            return tracked;
        }

        @Override
        public String phase() {
            return "hold";
        }
    }

    /**
     * Blue-green: the old version is scaled down by rolling the stable Deployments onto the new template while the
     * Services still select only the green copies; the full step then gives the Services their rendered selectors.
     */
    record Promote(List<RenderedObject> deployments, List<ObjectKey> tracked) implements Step {
        public Promote {
            deployments = List.copyOf(deployments);
            tracked = List.copyOf(tracked);
        }

        @Override
        public List<RenderedObject> apply() {
            return deployments;
        }

        @Override
        public String phase() {
            return "promote";
        }

        @Override
        public boolean changesStable() {
            return true;
        }
    }
}
