package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LiveStateTest {

    @Test
    void aCachedVersionAtOrAfterTheAppliedOneCounts() {
        assertThat(LiveState.atLeast("1042", "1042")).isTrue();
        assertThat(LiveState.atLeast("1043", "1042")).isTrue();
        assertThat(LiveState.atLeast("999", "1042")).isFalse();
        assertThat(LiveState.atLeast("abc", "abc")).isTrue();
        assertThat(LiveState.atLeast("abd", "abc")).isFalse();
        assertThat(LiveState.atLeast(null, "1")).isFalse();
    }
}
