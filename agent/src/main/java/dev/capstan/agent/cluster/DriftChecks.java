package dev.capstan.agent.cluster;

import dev.capstan.agent.drift.ObjectVerdict;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import java.util.List;
import java.util.function.Predicate;

/** What differs between what a unit should be and what its cluster holds, over the fields Capstan owns. */
public interface DriftChecks {
    /** The objects whose live state differs from {@code objects} in what Capstan owns. */
    List<RenderedObject> changed(List<RenderedObject> objects);

    /** As {@link #changed(List)}, keeping only the differences {@code matters} accepts. */
    List<RenderedObject> changed(List<RenderedObject> objects, Predicate<ObjectVerdict> matters);

    /** The unit's drift: each object's verdict against {@code desired}. */
    UnitDrift check(String unit, String commit, DesiredState desired);

    /** Who (which field manager) changed {@code paths} of the live object; empty when unknown. */
    String changedBy(ObjectKey key, List<String> paths);
}
