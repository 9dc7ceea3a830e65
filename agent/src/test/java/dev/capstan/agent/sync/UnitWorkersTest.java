package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.config.Environment;
import dev.capstan.agent.config.RepoConfigParser;
import dev.capstan.agent.git.CommitInfo;
import dev.capstan.agent.git.Revision;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.repo.DirectoryTree;
import dev.capstan.agent.work.WorkSlots;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which units the workers ask, and when: each unit of an offer once, a unit waiting for its previous environment
 * again when that one's work ends, a busy unit once its work ends, and a newer offer's units all again.
 */
class UnitWorkersTest {
    private static final List<Environment> ENVS = RepoConfigParser.parse(
            "environments: [{name: staging}, {name: prod}]\n").environments();

    @TempDir
    Path temp;
    private UnitWorkers workers;

    @AfterEach
    void stop() {
        workers.stop(Duration.ofSeconds(5));
    }

    /** Needs work until it worked at this commit; prod waits until staging worked at it. */
    private final class Recorder implements UnitWorkers.Work {
        final Map<String, Integer> asked = new ConcurrentHashMap<>();
        final Map<String, String> workedAt = new ConcurrentHashMap<>();
        final Set<String> finishedOnce = ConcurrentHashMap.newKeySet();
        volatile CountDownLatch hold = new CountDownLatch(0);

        @Override
        public boolean wanted(Unit unit, Revision revision, Map<String, String> sources) {
            asked.merge(unit.id() + "@" + revision.commit(), 1, Integer::sum);
            if (revision.commit().equals(workedAt.get(unit.id()))) {
                return false;
            }
            return !unit.env().name().equals("prod") || revision.commit().equals(workedAt.get(unit.chart()
                    + "/staging"));
        }

        @Override
        public void run(Unit unit, Revision revision, Map<String, String> sources) {
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workedAt.put(unit.id(), revision.commit());
            finishedOnce.add(unit.id() + "@" + revision.commit());
        }

        @Override
        public void failed(Unit unit, Throwable error) {
        }

        @Override
        public List<String> dependents(String unitId) {
            return unitId.endsWith("/staging") ? List.of(unitId.replace("/staging", "/prod")) : List.of();
        }
    }

    @Test
    void everyUnitIsAskedOnceAndProdAgainOnceStagingWorked() {
        Recorder work = new Recorder();
        workers = new UnitWorkers(new WorkSlots(4), work, unit -> { });
        List<Unit> units = units("a", "b", "c");

        workers.offer(revision("c1"), units, Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> work.workedAt.size() == 6);
        assertThat(work.workedAt).allSatisfy((unit, commit) -> assertThat(commit).isEqualTo("c1"));
        // staging: asked once; prod: asked while staging had not worked (at most once), then once staging had.
        assertThat(work.asked).allSatisfy((unit, times) -> assertThat(times).isLessThanOrEqualTo(2));
        assertThat(work.asked.get("a/staging@c1")).isEqualTo(1);
    }

    @Test
    void aUnitBusyWhenANewerCommitIsOfferedIsAskedAboutItOnceItsWorkEnds() {
        Recorder work = new Recorder();
        workers = new UnitWorkers(new WorkSlots(4), work, unit -> { });
        List<Unit> units = units("a");
        work.hold = new CountDownLatch(1);

        workers.offer(revision("c1"), units, Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> workers.busy("a/staging"));
        workers.offer(revision("c2"), units, Map.of());
        assertThat(work.asked).doesNotContainKey("a/staging@c2");
        work.hold.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> "c2".equals(work.workedAt.get("a/prod")));
        assertThat(work.finishedOnce).contains("a/staging@c1", "a/staging@c2", "a/prod@c2")
                .doesNotContain("a/prod@c1");
    }

    private static List<Unit> units(String... charts) {
        return ENVS.stream().flatMap(env -> java.util.Arrays.stream(charts).map(chart -> new Unit(chart, env)))
                .toList();
    }

    private Revision revision(String commit) {
        return new Revision(commit, new DirectoryTree(temp), new CommitInfo("Ada", "ada@example.com", Instant.EPOCH,
                commit));
    }
}
