package dev.capstan.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class WriteFenceTest {
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final Set<String> allowed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final WriteFence fence = new WriteFence(unit -> {
        asked.add(unit);
        return allowed.contains(unit);
    });

    @Test
    void aWriteIsJudgedForTheUnitWhoseWorkRunsOnTheThread() {
        allowed.add("web/staging");

        WriteFence.forUnit("web/staging", fence::check);
        assertThatThrownBy(() -> WriteFence.forUnit("api/staging", fence::check))
                .isInstanceOf(WriteFence.LeaseLost.class).hasMessageContaining("unit api/staging")
                .hasMessageContaining("nothing written");
        assertThat(asked).containsExactly("web/staging", "api/staging");
    }

    @Test
    void aWriteOfNoUnitAsksForTheReplicaAsAWholeAndBindingsNestAndUnwind() {
        assertThatThrownBy(fence::check).isInstanceOf(WriteFence.LeaseLost.class)
                .hasMessageContaining("its shards");
        allowed.add("web/staging");
        WriteFence.forUnit("web/staging", () -> {
            WriteFence.forUnit("api/staging", () -> assertThatThrownBy(fence::check)
                    .isInstanceOf(WriteFence.LeaseLost.class));
            fence.check();
        });
        assertThat(asked).containsExactly("", "api/staging", "web/staging");
        asked.clear();
        assertThatThrownBy(fence::check).isInstanceOf(WriteFence.LeaseLost.class);
        assertThat(asked).containsExactly("");
        WriteFence.open().check();
    }
}
