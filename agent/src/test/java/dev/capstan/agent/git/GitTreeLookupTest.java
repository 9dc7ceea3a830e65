package dev.capstan.agent.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit that changed one chart of thousands is read without listing the thousands: a few entries asked of a
 * directory are found by scanning its tree; past {@link GitTree#SCANS_BEFORE_LISTING} the directory is listed. Both
 * ways answer the same, for directories, files, executables, symlinks and names that do not exist.
 */
class GitTreeLookupTest {
    @TempDir
    Path temp;
    private Path work;
    private final List<String> asked = new ArrayList<>();

    @BeforeEach
    void repository() throws IOException {
        work = Files.createDirectories(temp.resolve("work"));
        TestGit.git(work, "init", "-q", "-b", "main");
        for (String name : List.of("app-1", "app-10", "app-1.x", "app-2", "app-3")) {
            write("charts/" + name + "/values.yaml", "name: " + name + "\n");
            write("charts/" + name + "/templates/svc.yaml", "kind: Service\n");
        }
        for (int i = 20; i < 40; i++) {
            write("charts/app-" + i + "/values.yaml", "n: " + i + "\n");
        }
        write("charts/README.md", "charts\n");
        write("charts/run.sh", "#!/bin/sh\n");
        work.resolve("charts/run.sh").toFile().setExecutable(true);
        Files.createSymbolicLink(work.resolve("charts/link"), Path.of("app-1"));
        write("capstan.yaml", "environments: [{name: prod}]\n");
        asked.addAll(List.of("charts/app-1", "charts/app-10", "charts/app-1.x", "charts/app-3/templates",
                "charts/app-3/templates/svc.yaml", "charts/README.md", "charts/run.sh", "charts/link", "charts/app",
                "charts/app-1/values.yaml", "charts/missing/values.yaml", "charts/app-1/nothing", "capstan.yaml",
                "nothing"));
    }

    @Test
    void oneChartOfManyIsFoundWithoutListingItsDirectory() throws IOException {
        try (Repository repository = TestGit.open(work)) {
            GitTree tree = TestGit.tree(repository, commit());

            assertThat(tree.contentId("charts/app-10")).isPresent().get().isNotEqualTo("absent");
            assertThat(new String(tree.read("charts/app-10/values.yaml").orElseThrow())).isEqualTo("name: app-10\n");
            assertThat(tree.files("charts/app-10")).containsOnlyKeys("values.yaml", "templates/svc.yaml");

            for (int again = 0; again < 2 * GitTree.SCANS_BEFORE_LISTING; again++) {
                assertThat(tree.contentId("charts/app-10")).isEqualTo(tree.contentId("charts/app-10"));
            }
            assertThat(tree.listed("charts")).as("charts/ scanned, not listed, however often one entry is asked")
                    .isFalse();
        }
    }

    @Test
    void scannedAndListedAnswersAreTheSame() throws IOException {
        try (Repository repository = TestGit.open(work)) {
            String commit = commit();
            GitTree scanned = TestGit.tree(repository, commit);
            GitTree listed = TestGit.tree(repository, commit);
            listed.directories("charts");
            assertThat(listed.listed("charts")).isTrue();

            for (String path : asked) {
                assertThat(scanned.contentId(path)).as(path).isEqualTo(listed.contentId(path));
                assertThat(scanned.read(path).map(String::new)).as(path).isEqualTo(listed.read(path).map(String::new));
            }
            assertThat(scanned.read("charts/link")).as("a symlink is not read").isEmpty();
            assertThat(scanned.read("charts/run.sh")).as("an executable is").isPresent();
            assertThat(scanned.contentId("charts/app")).contains("absent");
            assertThat(texts(scanned.files("charts/app-3"))).isEqualTo(texts(listed.files("charts/app-3")))
                    .containsEntry("values.yaml", "name: app-3\n");
            assertThat(scanned.listed("charts")).as("asked more than %d entries of it", GitTree.SCANS_BEFORE_LISTING)
                    .isTrue();
            assertThat(scanned.directories("charts")).isEqualTo(listed.directories("charts")).hasSize(25);
        }
    }

    private static java.util.Map<String, String> texts(java.util.Map<String, byte[]> files) {
        java.util.Map<String, String> texts = new java.util.TreeMap<>();
        files.forEach((name, content) -> texts.put(name, new String(content)));
        return texts;
    }

    private String commit() {
        TestGit.git(work, "add", "-A");
        TestGit.git(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "all");
        return TestGit.git(work, "rev-parse", "HEAD").strip();
    }

    private void write(String path, String content) throws IOException {
        Files.createDirectories(work.resolve(path).getParent());
        Files.writeString(work.resolve(path), content);
    }
}
