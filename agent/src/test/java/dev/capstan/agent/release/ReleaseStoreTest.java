package dev.capstan.agent.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.rollout.MemoryRecords;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store's memory is the one copy of each unit's history: its own writes, and other replicas' units it re-reads. */
class ReleaseStoreTest {
    /** One cluster's records, shared by two replicas' stores. */
    private final MemoryRecords records = new MemoryRecords();
    private final ReleaseStore first = ReleaseStore.remembering(records, 10, Clock.systemUTC());
    private final ReleaseStore second = ReleaseStore.remembering(records, 10, Clock.systemUTC());

    @Test
    void itsOwnWritesAreRememberedAndAUnitOnlyLookedUpHasNoHistory() {
        first.all();
        first.record(draft("web", "c1"), Release.Status.DEPLOYED, "ok");
        first.create(draft("web", "c2"), Release.Status.PROGRESSING);

        assertThat(first.history("api", "staging")).isEmpty();

        assertThat(first.remembered()).containsOnlyKeys("web/staging");
        assertThat(first.remembered("web/staging")).extracting(Release::revision, Release::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, Release.Status.DEPLOYED),
                        org.assertj.core.groups.Tuple.tuple(2, Release.Status.PROGRESSING));
        assertThat(first.remembered("api/staging")).isEmpty();
    }

    @Test
    void anotherReplicasUnitsAreKnownOnlyOnceReadAgainAndItsOwnAreLeftAsWritten() {
        first.record(draft("web", "c1"), Release.Status.DEPLOYED, "ok");
        second.record(draft("api", "a1"), Release.Status.DEPLOYED, "ok");
        assertThat(second.remembered()).containsOnlyKeys("api/staging");

        second.rereadOthers(unit -> unit.startsWith("api/"));
        assertThat(second.remembered()).containsOnlyKeys("api/staging", "web/staging");

        first.create(draft("web", "c2"), Release.Status.PROGRESSING);
        assertThat(second.remembered("web/staging")).as("not read again yet").hasSize(1);
        second.reread(List.of("web/staging"));
        assertThat(second.remembered("web/staging")).extracting(Release::commit).containsExactly("c1", "c2");
        assertThat(second.remembered("api/staging")).extracting(Release::commit).containsExactly("a1");
    }

    @Test
    void aReadingStoreRemembersNothing() {
        ReleaseStore reading = ReleaseStore.reading(records, 10, Clock.systemUTC());
        first.record(draft("web", "c1"), Release.Status.DEPLOYED, "ok");

        reading.rereadOthers(unit -> false);

        assertThat(reading.history("web", "staging")).hasSize(1);
        assertThat(reading.remembered()).isEmpty();
    }

    private static NewRelease draft(String chart, String commit) {
        return new NewRelease(chart, "staging", commit, "1.0.0", "1.0", "digest-" + commit, "kind: ConfigMap\n",
                "source", 0, "");
    }
}
