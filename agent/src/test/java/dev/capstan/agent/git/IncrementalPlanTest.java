package dev.capstan.agent.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.plan.Plan;
import dev.capstan.agent.plan.PlanMemo;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.repo.RepoTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit is planned by what it changed: with a {@link PlanMemo}, a commit that leaves the plan's inputs alone gets
 * the previous plan, and only the chart directories whose git tree changed are read again; the plan is always the
 * one a full read of the commit gives.
 */
class IncrementalPlanTest {
    @TempDir
    Path temp;
    private Path work;

    @BeforeEach
    void repository() throws IOException {
        work = Files.createDirectories(temp.resolve("work"));
        TestGit.git(work, "init", "-q", "-b", "main");
        write("capstan.yaml", "environments: [{name: staging}, {name: prod}]\n");
        write("charts/pebble/values.yaml", "replicas: 1\n");
        write("charts/pebble/templates/cm.yaml", "kind: ConfigMap\n");
        write("charts/helmed/Chart.yaml", "apiVersion: v2\nname: helmed\nversion: 1.0.0\n");
        write("charts/helmed/templates/cm.yaml", "kind: ConfigMap\n");
        write("apps/kust/overlays/prod/kustomization.yaml", "resources: []\n");
        write("apps/plain/cm.yaml", "kind: ConfigMap\n");
        write("README.md", "first\n");
    }

    @Test
    void aCommitOutsideThePlansInputsGetsThePreviousPlanWithoutReadingAnything() throws IOException {
        PlanMemo memo = PlanMemo.remembering();
        try (Repository repository = TestGit.open(work)) {
            Plan first = Planner.plan(TestGit.tree(repository, commit("first")), memo);
            write("README.md", "second\n");
            CountingTree second = new CountingTree(TestGit.tree(repository, commit("docs only")));

            assertThat(Planner.plan(second, memo)).isSameAs(first);
            assertThat(second.reads).isEmpty();
            assertThat(second.looked.keySet()).containsExactlyInAnyOrder("capstan.yaml", "charts", "apps");
            assertThat(kinds(first)).containsExactlyInAnyOrderEntriesOf(Map.of("pebble", Unit.Kind.CHART,
                    "helmed", Unit.Kind.HELM, "kust", Unit.Kind.KUSTOMIZE, "plain", Unit.Kind.MANIFESTS));
        }
    }

    @Test
    void onlyTheChangedDirectoriesAreReadAndTheirNewKindIsSeen() throws IOException {
        PlanMemo memo = PlanMemo.remembering();
        try (Repository repository = TestGit.open(work)) {
            Planner.plan(TestGit.tree(repository, commit("first")), memo);
            // pebble becomes a Helm chart; apps/plain gains a kustomization; helmed and kust change nothing.
            write("charts/pebble/Chart.yaml", "apiVersion: v2\nname: pebble\nversion: 1.0.0\n");
            write("apps/plain/kustomization.yaml", "resources: [cm.yaml]\n");
            write("charts/added/values.yaml", "replicas: 1\n");
            CountingTree second = new CountingTree(TestGit.tree(repository, commit("two changed, one added")));

            Plan planned = Planner.plan(second, memo);

            assertThat(planned).isEqualTo(Planner.plan(TestGit.tree(repository, commit("unchanged"))));
            assertThat(kinds(planned)).containsExactlyInAnyOrderEntriesOf(Map.of("pebble", Unit.Kind.HELM,
                    "helmed", Unit.Kind.HELM, "kust", Unit.Kind.KUSTOMIZE, "plain", Unit.Kind.KUSTOMIZE,
                    "added", Unit.Kind.CHART));
            assertThat(second.reads.keySet()).as("what was read to learn the kinds").contains(
                    "charts/pebble/Chart.yaml", "charts/added/Chart.yaml")
                    .noneMatch(path -> path.startsWith("charts/helmed/"));
            assertThat(second.looked.keySet()).as("what was looked up to find kustomizations")
                    .contains("apps/plain/kustomization.yaml").noneMatch(path -> path.startsWith("apps/kust/"));
        }
    }

    @Test
    void aCommitThatChangesFilesInsideUnitsOfTheSameKindGetsThePreviousPlanReadingOnlyThoseUnits() throws IOException {
        PlanMemo memo = PlanMemo.remembering();
        try (Repository repository = TestGit.open(work)) {
            Plan first = Planner.plan(TestGit.tree(repository, commit("first")), memo);
            write("charts/pebble/values.yaml", "replicas: 2\n");
            write("apps/kust/overlays/prod/kustomization.yaml", "resources: [cm.yaml]\n");
            CountingTree second = new CountingTree(TestGit.tree(repository, commit("two units changed")));

            assertThat(Planner.plan(second, memo)).isSameAs(first);
            assertThat(second.reads.keySet()).as("no listing of charts/ or apps/, nothing of the units left alone")
                    .isNotEmpty().allMatch(path -> path.startsWith("charts/pebble") || path.startsWith("apps/kust"));
            assertThat(second.looked.keySet()).noneMatch(path -> path.startsWith("charts/helmed")
                    || path.startsWith("apps/plain"));
        }
    }

    @Test
    void aUnitWhoseKindChangesOrADirectoryAddedOrRemovedIsPlannedAgain() throws IOException {
        PlanMemo memo = PlanMemo.remembering();
        try (Repository repository = TestGit.open(work)) {
            Planner.plan(TestGit.tree(repository, commit("first")), memo);
            write("charts/pebble/Chart.yaml", "apiVersion: v2\nname: pebble\nversion: 1.0.0\n");
            Plan helm = Planner.plan(TestGit.tree(repository, commit("pebble becomes a Helm chart")), memo);
            assertThat(kinds(helm)).containsEntry("pebble", Unit.Kind.HELM);

            TestGit.git(work, "rm", "-r", "-q", "apps/plain");
            Plan removed = Planner.plan(TestGit.tree(repository, commit("plain removed")), memo);
            assertThat(kinds(removed)).doesNotContainKey("plain").containsKey("kust");

            write("charts/NOTES.txt", "a file right in charts/\n");
            write("charts/pebble/values.yaml", "replicas: 3\n");
            String last = commit("a file in charts/");
            Plan withFile = Planner.plan(TestGit.tree(repository, last), memo);
            assertThat(withFile).isNotSameAs(removed).isEqualTo(Planner.plan(TestGit.tree(repository, last)));
        }
    }

    @Test
    void aChangedCapstanYamlIsPlannedAgain() throws IOException {
        PlanMemo memo = PlanMemo.remembering();
        try (Repository repository = TestGit.open(work)) {
            Plan first = Planner.plan(TestGit.tree(repository, commit("first")), memo);
            write("capstan.yaml", "environments: [{name: staging}]\n");
            Plan second = Planner.plan(TestGit.tree(repository, commit("prod removed")), memo);

            assertThat(first.units()).hasSize(8);
            assertThat(second.units()).hasSize(4).allSatisfy(unit -> assertThat(unit.env().name())
                    .isEqualTo("staging"));
        }
    }

    @Test
    void directoriesAndFilesAreReadFromTheDirectorysOwnTree() throws IOException {
        try (Repository repository = TestGit.open(work)) {
            GitTree tree = TestGit.tree(repository, commit("first"));

            assertThat(tree.directories("charts")).containsExactly("helmed", "pebble");
            assertThat(tree.directories("charts/pebble")).containsExactly("templates");
            assertThat(tree.directories("missing")).isEmpty();
            assertThat(tree.files("charts/pebble").keySet()).containsExactly("templates/cm.yaml", "values.yaml");
            assertThat(new String(tree.files("apps/kust").get("overlays/prod/kustomization.yaml")))
                    .isEqualTo("resources: []\n");
            assertThat(tree.files("charts/nothing")).isEmpty();
            assertThat(tree.files("README.md")).as("a file is no directory").isEmpty();
        }
    }

    private static Map<String, Unit.Kind> kinds(Plan plan) {
        return plan.units().stream().collect(Collectors.toMap(Unit::chart, Unit::kind, (a, b) -> a));
    }

    /** Counts what a plan reads, by path. */
    private static final class CountingTree implements RepoTree {
        private final RepoTree tree;
        final Map<String, Integer> reads = new ConcurrentHashMap<>();
        /** Paths whose content id was asked: how kustomizations are found. */
        final Map<String, Integer> looked = new ConcurrentHashMap<>();

        CountingTree(RepoTree tree) {
            this.tree = tree;
        }

        @Override
        public Optional<byte[]> read(String path) {
            reads.merge(path, 1, Integer::sum);
            return tree.read(path);
        }

        @Override
        public List<String> directories(String dir) {
            reads.merge(dir + "/", 1, Integer::sum);
            return tree.directories(dir);
        }

        @Override
        public Map<String, byte[]> files(String dir) {
            reads.merge(dir + "/", 1, Integer::sum);
            return tree.files(dir);
        }

        @Override
        public Optional<String> contentId(String path) {
            looked.merge(path, 1, Integer::sum);
            return tree.contentId(path);
        }

        @Override
        public Optional<java.util.Set<String>> changedSince(RepoTree earlier) {
            return tree.changedSince(earlier instanceof CountingTree counting ? counting.tree : earlier);
        }

        @Override
        public CheckoutSize writeTo(Path dir) {
            return tree.writeTo(dir);
        }

        @Override
        public String describe() {
            return tree.describe();
        }
    }

    private String commit(String message) {
        TestGit.git(work, "add", "-A");
        TestGit.git(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty",
                "-m", message);
        return TestGit.git(work, "rev-parse", "HEAD").strip();
    }

    private void write(String path, String content) throws IOException {
        Files.createDirectories(work.resolve(path).getParent());
        Files.writeString(work.resolve(path), content);
    }
}
