package dev.capstan.agent.rollout;

import dev.capstan.agent.cluster.StableDeployments;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a blue-green rollout of the {@code changed} Deployments: preview (green beside the old version, the
 * Services pinned to the old pods), switch (the Services to green), hold (green gated while the old version still
 * runs, for {@code scaleDownDelay}), promote (the stable Deployments rolled onto the new template while traffic stays
 * on green), full (everything as rendered; green removed after). Pure but for reading the live Deployments.
 */
final class BlueGreenPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(BlueGreenPlanner.class);

    private BlueGreenPlanner() {
    }

    /** A desired state whose traffic a blue-green rollout cannot switch: nothing is applied, the reason is shown. */
    static final class Unswitchable extends RuntimeException {
        Unswitchable(String message) {
            super(message, null, false, false);
        }
    }

    static List<Step> plan(Environment.BlueGreen settings, List<RenderedObject> desired, List<RenderedObject> changed,
                           StableDeployments stable) {
        Map<ObjectKey, String> hashes = new HashMap<>();
        for (RenderedObject deployment : changed) {
            Optional<String> hash = stable.templateHash(deployment.key());
            if (hash.isEmpty()) {
                // Nothing runs to keep traffic on (deleted by hand?): there is no old version to protect.
                LOG.warn("blue-green: {} does not run now, so there is no traffic to switch; rolled out in one step",
                        deployment.key());
                return List.of(new Step.Full(desired));
            }
            hashes.put(deployment.key(), hash.get());
        }
        List<RenderedObject> services = new ArrayList<>();
        List<RenderedObject> pinned = new ArrayList<>();
        List<RenderedObject> switched = new ArrayList<>();
        List<RenderedObject> previews = new ArrayList<>();
        for (RenderedObject service : desired) {
            List<RenderedObject> selected = changed.stream().filter(d -> BlueGreen.selects(service, d)).toList();
            if (selected.isEmpty()) {
                continue;
            }
            List<String> alsoSelected = desired.stream().filter(o -> "Deployment".equals(o.key().kind())
                    && !o.equals(selected.get(0)) && BlueGreen.selects(service, o)).map(o -> o.key().name()).toList();
            if (!alsoSelected.isEmpty()) {
                throw new Unswitchable("blueGreen: Service " + service.key().name() + " selects the pods of "
                        + "Deployment " + selected.get(0).key().name() + " and of " + String.join(", ", alsoSelected)
                        + ", so its traffic cannot move from one version of " + selected.get(0).key().name()
                        + " to the other alone; give each Deployment a selector of its own, or use strategy canary "
                        + "or rolling");
            }
            services.add(service);
            pinned.add(BlueGreen.pinned(service, hashes.get(selected.get(0).key())));
            switched.add(BlueGreen.switched(service));
            if (settings.previewService()) {
                previews.add(BlueGreen.preview(service));
            }
        }
        List<RenderedObject> greens = changed.stream()
                .map(d -> BlueGreen.green(d, RolloutPlanner.replicasOf(d, stable))).toList();
        Set<ObjectKey> rendered = desired.stream().map(RenderedObject::key).collect(Collectors.toSet());
        List<ObjectKey> tracked = Stream.concat(greens.stream(), previews.stream()).map(RenderedObject::key).toList();
        tracked.stream().filter(rendered::contains).findFirst().ifPresent(taken -> {
            throw new Unswitchable("blueGreen: the chart renders " + taken.kind() + " " + taken.name()
                    + " itself, the name the rollout gives its copy of the new version; rename it");
        });
        List<RenderedObject> others = desired.stream()
                .filter(o -> !changed.contains(o) && !services.contains(o)).toList();
        return List.of(new Step.Preview(others, pinned, greens, previews),
                new Step.Switch(switched, pinned, tracked),
                new Step.Hold(settings.scaleDownDelay(), pinned, tracked),
                new Step.Promote(changed, tracked),
                new Step.Full(desired, services));
    }
}
