package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UnitSupersessionsTest {
    private final UnitSupersessions supersessions = new UnitSupersessions();

    @Test
    void onlyACommitThatChangesTheUnitsSourceSupersedesItsRollout() {
        try (UnitSupersessions.Watch web = supersessions.watch("web/staging", "c1", "tree-a");
                UnitSupersessions.Watch api = supersessions.watch("api/staging", "c1", "tree-b")) {
            supersessions.planned("c2", Map.of("web/staging", "tree-a", "api/staging", "tree-b"));
            assertThat(web.supersession().newerCommit()).isEmpty();

            supersessions.planned("c3", Map.of("web/staging", "tree-a2", "api/staging", "tree-b"));
            assertThat(web.supersession().newerCommit()).contains("c3");
            assertThat(api.supersession().newerCommit()).isEmpty();

            // The first newer commit is the one named; an unknown source (empty) supersedes nothing.
            supersessions.planned("c4", Map.of("web/staging", "tree-a3", "api/staging", ""));
            assertThat(web.supersession().newerCommit()).contains("c3");
            assertThat(api.supersession().newerCommit()).isEmpty();
        }
    }

    @Test
    void theSameCommitPlannedAgainNeverSupersedesWhateverItsSourceReadsLike() {
        // A kustomization's first build is planned against the whole repository and read as what it touched.
        try (UnitSupersessions.Watch shop = supersessions.watch("shop/staging", "c1", "touched-ids")) {
            supersessions.planned("c1", Map.of("shop/staging", "whole-repository-id"));
            assertThat(shop.supersession().newerCommit()).isEmpty();
        }
    }

    @Test
    void aRolloutThatEndedIsNotSuperseded() {
        UnitSupersessions.Watch web = supersessions.watch("web/staging", "c1", "tree-a");
        web.close();
        supersessions.planned("c2", Map.of("web/staging", "tree-b"));
        assertThat(web.supersession().newerCommit()).isEmpty();
    }
}
