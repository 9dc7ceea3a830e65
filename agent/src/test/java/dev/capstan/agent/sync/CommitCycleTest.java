package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.git.GitSource;
import dev.capstan.agent.git.ResilientFetcher;
import dev.capstan.agent.git.TestGit;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.work.WorkSlots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cycle from the top — fetch the branch (a real git remote on disk), plan, hand the unit to its worker, roll
 * out, record — on the loop's parts over a cluster and records in memory ({@link LoopFixture}).
 */
class CommitCycleTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private LoopFixture loop;
    private GitSource source;
    private CommitCycle cycle;
    private Path work;

    @BeforeEach
    void wire() {
        work = temp.resolve("work");
        Path remote = temp.resolve("remote.git");
        TestGit.git(temp, "init", "-q", "--bare", "-b", "main", remote.toString());
        TestGit.git(temp, "init", "-q", "-b", "main", work.toString());
        TestGit.git(work, "remote", "add", "origin", remote.toUri().toString());
        loop = new LoopFixture(work);
        source = new GitSource(new AgentConfig.Repo(remote.toUri().toString(), "main", Duration.ofHours(1)),
                temp.resolve("cache"));
        ResilientFetcher fetcher = new ResilientFetcher(source, AgentConfig.Resilience.defaults(), loop.metrics);
        DriftReporter drift = new DriftReporter(loop.clusters, loop.board, loop.clock, loop.metrics, loop.store);
        RemovedUnits removed = new RemovedUnits(loop.clusters, loop.store, loop.board.unitStates(),
                 loop.board.driftBoard(), loop.clock);
        cycle = new CommitCycle(loop.services, fetcher, loop.work, drift,
                new AlertTicker(loop.alerter, loop.board, loop.clock), removed, new WorkSlots(2));
    }

    @AfterEach
    void close() {
        cycle.stop(Duration.ofSeconds(5));
        source.close();
        loop.close();
    }

    @Test
    void aPushedCommitIsDeployedAQuarantinedOneIsNotTriedAgainAndANewerOneLiftsTheQuarantine() throws IOException {
        loop.commit("ignored", "1.0");
        String good = commitAndPush("web 1.0");
        cycle.reconcile();
        await().atMost(WAIT).until(() -> loop.board.unit("web/staging") instanceof UnitOutcome.Synced s
                && s.commit().equals(good));
        assertThat(loop.history()).containsExactly("1 deployed");

        loop.commit("ignored", "crashloop");
        String bad = commitAndPush("web crashloop");
        cycle.reconcile();
        await().atMost(WAIT).until(() -> loop.board.unit("web/staging") instanceof UnitOutcome.Held h
                && h.commit().equals(bad) && h.hold() == Release.Hold.QUARANTINED);
        assertThat(loop.history()).containsExactly("1 deployed", "2 failed quarantined");

        // A newer commit that leaves the chart as it was (the quarantined source): the unit stays held.
        Files.writeString(work.resolve("README.md"), "docs only\n");
        String docs = commitAndPush("docs only");
        cycle.reconcile();
        await().atMost(WAIT).until(() -> loop.board.repo().commit().equals(Optional.of(docs))
                && !cycle.workers().busy("web/staging"));
        assertThat(loop.board.unit("web/staging")).isInstanceOf(UnitOutcome.Held.class);
        assertThat(loop.history()).as("the quarantined source is not tried again").hasSize(2);
        assertThat(loop.cluster.image("web")).endsWith(":1.0");

        loop.commit("ignored", "1.2");
        String fixed = commitAndPush("web 1.2");
        cycle.reconcile();
        await().atMost(WAIT).until(() -> loop.board.unit("web/staging") instanceof UnitOutcome.Synced s
                && s.commit().equals(fixed));
        assertThat(loop.history()).containsExactly("1 superseded", "2 failed quarantined", "3 deployed");
        assertThat(loop.cluster.image("web")).endsWith(":1.2");
    }

    private String commitAndPush(String message) {
        return TestGit.commitAndPush(work, message);
    }
}
