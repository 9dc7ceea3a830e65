package dev.capstan.agent.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HealPolicyTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private final HealPolicy policy = new HealPolicy();

    @Test
    void healsAtOnceThenBacksOffThenGivesUpOnAFightOnce() {
        assertThat(policy.decide("cm", T0)).isInstanceOf(HealPolicy.Heal.class);
        policy.corrected("cm", T0);
        assertThat(policy.decide("cm", T0.plusSeconds(1))).isEqualTo(new HealPolicy.Wait(T0.plusSeconds(5)));
        assertThat(policy.decide("cm", T0.plusSeconds(5))).isInstanceOf(HealPolicy.Heal.class);
        policy.corrected("cm", T0.plusSeconds(5));
        assertThat(policy.decide("cm", T0.plusSeconds(14))).isEqualTo(new HealPolicy.Wait(T0.plusSeconds(15)));
        policy.corrected("cm", T0.plusSeconds(15));

        assertThat(policy.decide("cm", T0.plusSeconds(16))).isEqualTo(new HealPolicy.GiveUp(3,
                Duration.ofSeconds(16)));
        assertThat(policy.decide("cm", T0.plusSeconds(60))).isInstanceOf(HealPolicy.Abandoned.class);
        assertThat(policy.decide("other", T0.plusSeconds(60))).isInstanceOf(HealPolicy.Heal.class);
    }

    @Test
    void correctionsOutsideTheWindowAreForgottenAndInSyncStartsOver() {
        policy.corrected("cm", T0);
        policy.corrected("cm", T0.plusSeconds(5));
        Instant later = T0.plus(HealPolicy.WINDOW).plusSeconds(10);
        assertThat(policy.decide("cm", later)).isInstanceOf(HealPolicy.Heal.class);

        policy.corrected("svc", T0);
        policy.corrected("svc", T0.plusSeconds(5));
        policy.corrected("svc", T0.plusSeconds(15));
        assertThat(policy.decide("svc", T0.plusSeconds(16))).isInstanceOf(HealPolicy.GiveUp.class);
        policy.forget("svc");
        assertThat(policy.decide("svc", T0.plusSeconds(17))).isInstanceOf(HealPolicy.Heal.class);
        policy.corrected("u|a", T0);
        policy.forgetAll("u|");
        assertThat(policy.decide("u|a", T0.plusSeconds(1))).isInstanceOf(HealPolicy.Heal.class);
    }
}
