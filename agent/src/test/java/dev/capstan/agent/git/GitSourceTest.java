package dev.capstan.agent.git;

import static dev.capstan.agent.git.TestGit.git;
import static dev.capstan.agent.git.TestGit.gitWithInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.agent.config.AgentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JGit against a file:// remote, with commits made by the real git client. */
class GitSourceTest {
    @TempDir
    Path temp;
    private Path work;
    private Path remote;

    @BeforeEach
    void createRepository() throws IOException {
        work = temp.resolve("work");
        remote = temp.resolve("remote.git");
        git(temp, "init", "-q", "--bare", "-b", "main", remote.toString());
        git(temp, "init", "-q", "-b", "main", work.toString());
        git(work, "remote", "add", "origin", remote.toUri().toString());
        write("capstan.yaml", "environments: [{name: dev}]\n");
        write("charts/api/Chart.yaml", "apiVersion: capstan/v1\nname: api\nversion: 1.0.0\n");
        write("charts/api/templates/cm.yaml", "kind: ConfigMap\n");
        write("charts/web/Chart.yaml", "apiVersion: capstan/v1\nname: web\nversion: 1.0.0\n");
        commitAndPush("first");
    }

    @Test
    void readsTheTipOfTheBranchWithoutACheckout() throws IOException {
        try (GitSource source = new GitSource(repo("main"), temp.resolve("cache"))) {
            Revision revision = source.fetch();

            assertThat(revision.commit()).isEqualTo(head());
            assertThat(revision.tree().read("capstan.yaml")).map(String::new)
                    .contains("environments: [{name: dev}]\n");
            assertThat(revision.tree().directories("charts")).containsExactly("api", "web");
            assertThat(revision.tree().files("charts/api")).containsOnlyKeys("Chart.yaml", "templates/cm.yaml");
            assertThat(revision.tree().read("missing.yaml")).isEmpty();
            assertThat(temp.resolve("cache/repo.git/objects")).isDirectory();
            assertThat(temp.resolve("cache/repo.git/capstan.yaml")).doesNotExist();
        }
    }

    @Test
    void aTreeBombIsRefusedBeforeItIsReadIntoTheHeap() throws IOException {
        // 300 entries of one chart pointing at one 1 MiB blob: a few KiB in git, 300 MiB if read.
        Files.write(temp.resolve("big.yaml"), new byte[1 << 20]);
        String blob = git(work, "hash-object", "-w", temp.resolve("big.yaml").toString()).strip();
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            entries.append("100644 blob ").append(blob).append('\t').append("f").append(i).append(".yaml\n");
        }
        String templates = gitWithInput(work, entries.toString(), "mktree").strip();
        String chart = gitWithInput(work, "040000 tree " + templates + "\ttemplates\n", "mktree").strip();
        git(work, "read-tree", "--prefix=charts/bomb/", "-u", chart);
        commitAndPush("a tree bomb");

        try (GitSource source = new GitSource(repo("main"), temp.resolve("cache"))) {
            Revision revision = source.fetch();
            assertThat(revision.tree().directories("charts")).contains("bomb");
            assertThatThrownBy(() -> revision.tree().files("charts/bomb"))
                    .isInstanceOf(dev.capstan.agent.repo.RepoContentException.class)
                    .hasMessageContaining("charts/bomb: its files hold more than 16 MiB in all");
            assertThat(revision.tree().files("charts/api")).containsKey("Chart.yaml");
        }
    }

    @Test
    void contentIdsAreGitsObjectIdsAndAbsentForWhatTheTreeLacks() throws IOException {
        try (GitSource source = new GitSource(repo("main"), temp.resolve("cache"))) {
            var tree = source.fetch().tree();

            assertThat(tree.contentId("charts/api")).contains(git(work, "rev-parse", "HEAD:charts/api").strip());
            assertThat(tree.contentId("charts/web")).contains(git(work, "rev-parse", "HEAD:charts/web").strip());
            assertThat(tree.contentId("capstan.yaml")).contains(git(work, "rev-parse", "HEAD:capstan.yaml").strip());
            assertThat(tree.contentId("charts/api/templates/cm.yaml"))
                    .contains(git(work, "rev-parse", "HEAD:charts/api/templates/cm.yaml").strip());
            for (String absent : List.of("charts/db", "charts/../capstan.yaml", "charts//api", "/charts/api",
                    "charts/api/", "capstan.yaml/x", "nowhere/api")) {
                assertThat(tree.contentId(absent)).as(absent).contains("absent");
            }
        }
    }

    @Test
    void aNewCommitIsSeenOnTheNextFetchAndOldTreesStayReadable() throws IOException {
        try (GitSource source = new GitSource(repo("main"), temp.resolve("cache"))) {
            Revision first = source.fetch();
            write("capstan.yaml", "environments: [{name: prod}]\n");
            commitAndPush("second");

            Revision second = source.fetch();

            assertThat(second.commit()).isEqualTo(head()).isNotEqualTo(first.commit());
            assertThat(second.tree().read("capstan.yaml")).map(String::new).contains("environments: [{name: prod}]\n");
            assertThat(first.tree().read("capstan.yaml")).map(String::new).contains("environments: [{name: dev}]\n");
        }
    }

    @Test
    void aForcePushThatRewritesHistoryIsFollowed() throws IOException {
        try (GitSource source = new GitSource(repo("main"), temp.resolve("cache"))) {
            source.fetch();
            write("capstan.yaml", "environments: [{name: rewritten}]\n");
            git(work, "add", "-A");
            git(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--amend", "-m", "x");
            git(work, "push", "-q", "--force", "origin", "main");

            assertThat(source.fetch().commit()).isEqualTo(head());
        }
    }

    @Test
    void symlinksInTheRepositoryAreNotFollowed() throws IOException {
        Files.createSymbolicLink(work.resolve("charts/api/link.yaml"), Path.of("/etc/passwd"));
        commitAndPush("add a link");
        try (GitSource source = new GitSource(repo("main"), temp.resolve("cache"))) {
            Revision revision = source.fetch();

            assertThat(revision.tree().files("charts/api")).doesNotContainKey("link.yaml");
            assertThat(revision.tree().read("charts/api/link.yaml")).isEmpty();
        }
    }

    @Test
    void aMissingBranchOrRemoteIsAClearError() {
        try (GitSource source = new GitSource(repo("release"), temp.resolve("cache"))) {
            assertThatThrownBy(source::fetch).isInstanceOf(GitSourceException.class)
                    .hasMessageContaining("release");
        }
        AgentConfig.Repo gone = new AgentConfig.Repo(temp.resolve("nowhere.git").toUri().toString(), "main",
                Duration.ofSeconds(1));
        try (GitSource source = new GitSource(gone, temp.resolve("cache2"))) {
            assertThatThrownBy(source::fetch).isInstanceOf(GitSourceException.class)
                    .hasMessageStartingWith("fetch of branch 'main' from " + gone.url() + " failed");
        }
    }

    private AgentConfig.Repo repo(String branch) {
        return new AgentConfig.Repo(remote.toUri().toString(), branch, Duration.ofSeconds(1));
    }

    private void write(String path, String content) throws IOException {
        Files.createDirectories(work.resolve(path).getParent());
        Files.writeString(work.resolve(path), content);
    }

    private void commitAndPush(String message) {
        TestGit.commitAndPush(work, message);
    }

    private String head() {
        return git(work, "rev-parse", "HEAD").strip();
    }
}
