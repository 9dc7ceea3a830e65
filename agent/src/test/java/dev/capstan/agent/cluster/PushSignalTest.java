package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushSignalTest {
    private final PushSignal signal = new PushSignal(null, "capstan-system", "capstan", "capstan-1", Clock.systemUTC());

    @Test
    void anotherReplicasStampIsAPush() {
        assertThat(signal.fromAnother(lease("capstan-push", Map.of(PushSignal.PUSHED_AT, "2026-12-03T18:00:00Z",
                PushSignal.PUSHED_VIA, "capstan-0")))).isTrue();
    }

    @Test
    void itsOwnStampIsNot() {
        // The replica that accepted the webhook fetched already.
        assertThat(signal.fromAnother(lease("capstan-push", Map.of(PushSignal.PUSHED_AT, "2026-12-03T18:00:00Z",
                PushSignal.PUSHED_VIA, "capstan-1")))).isFalse();
    }

    @Test
    void aShardsLeaseOrAnUnstampedOneIsNot() {
        assertThat(signal.fromAnother(lease("capstan-shard-0", Map.of(PushSignal.PUSHED_AT, "2026-12-03T18:00:00Z",
                PushSignal.PUSHED_VIA, "capstan-0")))).isFalse();
        assertThat(signal.fromAnother(lease("capstan-push", Map.of()))).isFalse();
        assertThat(signal.fromAnother(null)).isFalse();
    }

    @Test
    void theStampSitsBesideTheShardsLeases() {
        assertThat(PushSignal.nameFor("capstan-leader")).isEqualTo("capstan-leader-push");
    }

    private static Lease lease(String name, Map<String, String> annotations) {
        return new LeaseBuilder().withNewMetadata().withName(name).withNamespace("capstan-system")
                .withAnnotations(annotations).endMetadata().build();
    }
}
