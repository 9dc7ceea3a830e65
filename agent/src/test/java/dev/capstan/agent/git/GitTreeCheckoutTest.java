package dev.capstan.agent.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.repo.RepoTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A commit's checkout, whole or from an earlier commit's: the files of the commit, never a change to the earlier. */
class GitTreeCheckoutTest {
    @TempDir
    Path temp;

    @Test
    void aCheckoutFromAnEarlierOneHoldsTheNewCommitAndLeavesTheEarlierAsItWas() throws IOException {
        Path work = Files.createDirectories(temp.resolve("work"));
        TestGit.git(work, "init", "-q", "-b", "main");
        write(work, "apps/a/kustomization.yaml", "resources: [cm.yaml]\n");
        write(work, "apps/a/cm.yaml", "v1\n");
        write(work, "apps/b/cm.yaml", "kept\n");
        write(work, "gone/old.yaml", "removed later\n");
        String first = commit(work, "first");
        write(work, "apps/a/cm.yaml", "v2\n");
        Files.delete(work.resolve("gone/old.yaml"));
        write(work, "apps/c/new.yaml", "added\n");
        String second = commit(work, "second");

        try (Repository repository = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            GitTree earlier = tree(repository, first);
            GitTree later = tree(repository, second);
            Path earlierDir = temp.resolve("c0");
            Path laterDir = temp.resolve("c1");
            RepoTree.CheckoutSize earlierSize = earlier.writeTo(earlierDir);
            RepoTree.CheckoutSize laterSize = later.writeTo(laterDir, earlier, earlierDir, earlierSize);

            assertThat(earlierSize.files()).isEqualTo(4);
            assertThat(Files.readString(laterDir.resolve("apps/a/cm.yaml"))).isEqualTo("v2\n");
            assertThat(Files.readString(laterDir.resolve("apps/b/cm.yaml"))).isEqualTo("kept\n");
            assertThat(Files.readString(laterDir.resolve("apps/c/new.yaml"))).isEqualTo("added\n");
            assertThat(laterDir.resolve("gone/old.yaml")).doesNotExist();
            // The earlier checkout was linked from, never written through.
            assertThat(Files.readString(earlierDir.resolve("apps/a/cm.yaml"))).isEqualTo("v1\n");
            assertThat(earlierDir.resolve("gone/old.yaml")).exists();
            assertThat(earlierDir.resolve("apps/c/new.yaml")).doesNotExist();
            assertThat(laterSize.files()).isEqualTo(earlierSize.files() + 2);
            // The same files as a whole checkout of the later commit.
            Path whole = temp.resolve("whole");
            later.writeTo(whole);
            assertThat(files(laterDir)).isEqualTo(files(whole));
        }
    }

    private static GitTree tree(Repository repository, String commit) throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit parsed = walk.parseCommit(ObjectId.fromString(commit));
            return new GitTree(repository, parsed.copy(), parsed.getTree().copy());
        }
    }

    private static java.util.Map<String, String> files(Path dir) throws IOException {
        java.util.Map<String, String> files = new java.util.TreeMap<>();
        try (var walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file).toString(), Files.readString(file));
            }
        }
        return files;
    }

    private static String commit(Path work, String message) {
        TestGit.git(work, "add", "-A");
        TestGit.git(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", message);
        return TestGit.git(work, "rev-parse", "HEAD").strip();
    }

    private static void write(Path work, String path, String content) throws IOException {
        Files.createDirectories(work.resolve(path).getParent());
        Files.writeString(work.resolve(path), content);
    }
}
