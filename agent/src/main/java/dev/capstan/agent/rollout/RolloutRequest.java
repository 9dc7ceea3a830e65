package dev.capstan.agent.rollout;

import dev.capstan.agent.chart.DesiredState;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.release.NewRelease;
import dev.capstan.agent.release.Release;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A unit's new desired state and how to roll it out.
 *
 * @param resumed a {@code progressing} revision of the same source left by an earlier agent (crash, failover): it is
 *                continued under its own number instead of opening a new revision
 * @param onPhase told each step as it starts ({@code canary 25%}, {@code full}), for the status page
 */
public record RolloutRequest(DesiredState desired, NewRelease draft, Environment env, Optional<Release> resumed,
                             Consumer<String> onPhase) {
}
