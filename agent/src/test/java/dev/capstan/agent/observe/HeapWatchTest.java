package dev.capstan.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.MemoryUsage;
import org.junit.jupiter.api.Test;

class HeapWatchTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void longLivedDataAboveEightyFivePercentOfTheOldGenerationIsNearlyFull() {
        assertThat(HeapWatch.warning(new MemoryUsage(0, 50 * MIB, 56 * MIB, 56 * MIB))).hasValueSatisfying(
                message -> assertThat(message).contains("50 of 56 MiB")
                        .contains("raise the container's memory limit", "by about 60 MiB"));
    }

    @Test
    void roomLeftOrNoKnownMaximumIsNoWarning() {
        assertThat(HeapWatch.warning(new MemoryUsage(0, 40 * MIB, 56 * MIB, 56 * MIB))).isEmpty();
        assertThat(HeapWatch.warning(new MemoryUsage(0, 40 * MIB, 56 * MIB, -1))).isEmpty();
    }
}
