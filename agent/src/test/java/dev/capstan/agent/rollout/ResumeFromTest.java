package dev.capstan.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.release.Release;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A rollout an earlier agent left progressing resumes at the step its record reached (as Argo Rollouts does). */
class ResumeFromTest {
    private static final List<Step> STEPS = List.of(new Step.CanaryStep(10, List.of(), List.of()),
            new Step.CanaryStep(50, List.of(), List.of()), new Step.Full(List.of()));

    @Test
    void startsAtTheRecordedStepAndRunsItAgain() {
        assertThat(RolloutController.resumeFrom(STEPS, Optional.of(progressing("canary 50%"))))
                .extracting(Step::phase).containsExactly("canary 50%", "full");
        assertThat(RolloutController.resumeFrom(STEPS, Optional.of(progressing("full"))))
                .extracting(Step::phase).containsExactly("full");
    }

    @Test
    void aNewRolloutOrAnUnknownStepStartsFromTheFirst() {
        assertThat(RolloutController.resumeFrom(STEPS, Optional.empty())).hasSize(3);
        assertThat(RolloutController.resumeFrom(STEPS, Optional.of(progressing("")))).hasSize(3);
        // The environment's steps changed since (capstan.yaml is part of the source, so this is rare): start over.
        assertThat(RolloutController.resumeFrom(STEPS, Optional.of(progressing("canary 25%")))).hasSize(3);
    }

    private static Release progressing(String phase) {
        Instant t = Instant.EPOCH;
        return Release.builder().chart("web").env("staging").revision(2).commit("c2").chartVersion("1.0.0")
                .appVersion("1").status(Release.Status.PROGRESSING).startedAt(t).updatedAt(t).digest("d").source("s")
                .phase(phase).build();
    }
}
