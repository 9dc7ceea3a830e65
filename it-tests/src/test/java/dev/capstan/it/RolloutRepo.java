package dev.capstan.it;

import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalGitRepo;
import java.nio.file.Path;

/**
 * The rollout fixture ({@code src/test/resources/rollout-repo}: one chart {@code web}, staging then production) as a
 * git repo whose environments use the test's namespaces; helpers to change what the tests change.
 */
final class RolloutRepo {
    final LocalGitRepo git;
    final String staging;
    final String production;

    private RolloutRepo(LocalGitRepo git, String staging, String production) {
        this.git = git;
        this.staging = staging;
        this.production = production;
    }

    static RolloutRepo create(Path dir, TestNamespace ns) {
        LocalGitRepo git = LocalGitRepo.fromDirectory(ClusterBinaries.repoRoot()
                .resolve("it-tests/src/test/resources/rollout-repo"), dir);
        String production = ns.another("prod");
        git.write("capstan.yaml", git.read("capstan.yaml").replace("STAGING_NS", ns.name())
                .replace("PRODUCTION_NS", production));
        git.commitAndPush("use the test's namespaces");
        return new RolloutRepo(git, ns.name(), production);
    }

    /** The fixture with staging alone, committed; {@code rollout} replaces staging's rollout line when not null. */
    static RolloutRepo stagingOnly(Path dir, TestNamespace ns, String rollout) {
        RolloutRepo repo = create(dir, ns).stagingOnly();
        if (rollout != null) {
            repo.rollout("staging", rollout);
        }
        repo.commit("staging only");
        return repo;
    }

    /** Replaces the rollout line of {@code env} (and anything after it on that environment, like checks). */
    RolloutRepo rollout(String env, String rolloutAndChecks) {
        StringBuilder out = new StringBuilder();
        boolean inEnv = false;
        for (String line : git.read("capstan.yaml").split("\n", -1)) {
            if (line.startsWith("  - name: ")) {
                inEnv = line.equals("  - name: " + env);
            }
            if (inEnv && line.startsWith("    rollout:")) {
                out.append(rolloutAndChecks.stripTrailing()).append('\n');
            } else {
                out.append(line).append('\n');
            }
        }
        git.write("capstan.yaml", out.toString().stripTrailing() + "\n");
        return this;
    }

    /** Only staging, so a test is not slowed by production's turn. */
    RolloutRepo stagingOnly() {
        String text = git.read("capstan.yaml");
        git.write("capstan.yaml", text.substring(0, text.indexOf("  - name: production")) + "charts: [web]\n");
        return this;
    }

    String image(String tag, String message) {
        git.write("charts/web/values.staging.yaml", "image: {tag: \"" + tag + "\"}\n");
        return git.commitAndPush(message);
    }

    String commit(String message) {
        return git.commitAndPush(message);
    }
}
