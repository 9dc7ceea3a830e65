package dev.capstan.agent.rollout;

import dev.capstan.agent.config.Environment;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.release.NewRelease;
import dev.capstan.agent.release.Release;
import java.util.Optional;

/**
 * A unit's new desired state and how to roll it out.
 *
 * @param resumed a {@code progressing} revision of the same source left by an earlier agent (crash, failover): it is
 *                continued under its own number instead of opening a new revision
 * @param observer told each step, gate and rollback as it happens
 * @param supersession set when a newer commit changes the unit's source: a waiting gate ends at once
 */
public record RolloutRequest(DesiredState desired, NewRelease draft, Environment env, Optional<Release> resumed,
                             RolloutObserver observer, Supersession supersession) {
    /** A request no newer commit can supersede. */
    public RolloutRequest(DesiredState desired, NewRelease draft, Environment env, Optional<Release> resumed,
                          RolloutObserver observer) {
        this(desired, draft, env, resumed, observer, Supersession.never());
    }
}
