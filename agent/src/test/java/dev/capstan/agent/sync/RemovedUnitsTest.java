package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.git.Revision;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A unit that leaves the repository, on the loop's parts over a cluster in memory ({@link LoopFixture}): reported
 * with what it left behind, pruned only when asked and never by a commit with no units at all, then uninstalled.
 */
class RemovedUnitsTest {
    private static final String STAGING = """
            environments:
              - name: staging
                namespace: shop
                rollout: {strategy: canary, steps: [50, 100], stepTimeout: 2s}
            """;

    @TempDir
    Path repo;

    private LoopFixture loop;
    private RemovedUnits removed;

    @BeforeEach
    void deployWeb() {
        loop = new LoopFixture(repo);
        removed = new RemovedUnits(loop.clusters, loop.store, loop.board.unitStates(),
                 loop.board.driftBoard(), loop.clock);
        Revision first = loop.commit("c1", "1.0");
        loop.work.sync(loop.unit(), first, "source-1");
    }

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void aRemovedUnitIsReportedWithItsLeftoversAndItsObjectsKeptByDefault() {
        loop.capstanYaml(STAGING + "charts: []\n");

        assertThat(removed.reconcile(loop.plan(), "c2", unit -> true)).containsExactly("web/staging");

        assertThat(loop.board.unit("web/staging")).isInstanceOfSatisfying(UnitOutcome.Removed.class, gone -> {
            assertThat(gone.leftovers()).containsExactly("Deployment shop/web");
            assertThat(gone.message()).contains("removedUnits: keep");
        });
        assertThat(loop.cluster.image("web")).endsWith(":1.0");
        assertThat(loop.history()).containsExactly("1 deployed");
    }

    @Test
    void aCommitWithNoUnitsAtAllPrunesNothingEvenWhenPruneIsAsked() {
        loop.capstanYaml(STAGING + "removedUnits: prune\ncharts: []\n");

        assertThat(removed.reconcile(loop.plan(), "c2", unit -> true)).containsExactly("web/staging");

        assertThat(loop.board.unit("web/staging")).isInstanceOfSatisfying(UnitOutcome.Removed.class, gone ->
                assertThat(gone.message()).contains("looks like a broken repository"));
        assertThat(loop.cluster.image("web")).endsWith(":1.0");
    }

    @Test
    void aRemovedUnitIsPrunedWhenAskedAndItsNewestReleaseUninstalled() {
        loop.chart("api", "1.0", 2);
        loop.capstanYaml(STAGING + "removedUnits: prune\ncharts: [api]\n");

        assertThat(removed.reconcile(loop.plan(), "c2", unit -> true)).as("nothing left to report").isEmpty();

        assertThat(loop.cluster.live.keySet()).noneMatch(key -> key.name().equals("web"));
        assertThat(loop.history()).containsExactly("1 uninstalled");
    }
}
