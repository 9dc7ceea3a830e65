package dev.capstan.agent.cluster;

import dev.capstan.agent.model.ObjectKey;
import java.util.Optional;

/** What a rollout reads of the Deployments it is about to replace: the live ones, as they run now. Blocking. */
@FunctionalInterface
public interface StableDeployments {
    /** How many replicas the live Deployment runs now (an HPA may have scaled it); null when unknown. */
    Integer replicas(ObjectKey deployment);

    /**
     * The {@code pod-template-hash} label of the live Deployment's current ReplicaSet: what tells its pods from those
     * of a copy with the same labels. Empty when the Deployment or its ReplicaSet is not there.
     */
    default Optional<String> templateHash(ObjectKey deployment) {
        return Optional.empty();
    }
}
