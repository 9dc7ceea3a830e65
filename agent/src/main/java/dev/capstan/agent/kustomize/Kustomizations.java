package dev.capstan.agent.kustomize;

import dev.capstan.agent.repo.RepoTree;
import java.util.List;
import java.util.Optional;

/**
 * Where a Kustomize unit's kustomization is, per environment. An app directory ({@code apps/<app>/}) is a Kustomize
 * app when it holds a kustomization at its root, in {@code overlays/<env>/} or in {@code <env>/} for one of the
 * environments; for each environment the first of these that exists is built:
 * <ol>
 *   <li>{@code apps/<app>/overlays/<env>/} — the standard base + overlays layout;</li>
 *   <li>{@code apps/<app>/<env>/} — a directory per environment (the Flux shape: it may reference bases anywhere in
 *   the repository);</li>
 *   <li>{@code apps/<app>/} — one kustomization for every environment.</li>
 * </ol>
 * Pure.
 */
public final class Kustomizations {
    /** The names kustomize accepts for a kustomization file, in the order it looks for them. */
    public static final List<String> FILE_NAMES = List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

    private Kustomizations() {
    }

    /** Whether {@code appDir} is a Kustomize app for any of {@code envs}. */
    public static boolean isKustomizeApp(RepoTree tree, String appDir, List<String> envs) {
        return fileIn(tree, appDir).isPresent()
                || envs.stream().anyMatch(env -> fileIn(tree, appDir + "/overlays/" + env).isPresent()
                        || fileIn(tree, appDir + "/" + env).isPresent());
    }

    /** The kustomization file {@code env} builds (its path in the repository), if any. */
    public static Optional<String> forEnvironment(RepoTree tree, String appDir, String env) {
        return fileIn(tree, appDir + "/overlays/" + env).or(() -> fileIn(tree, appDir + "/" + env))
                .or(() -> fileIn(tree, appDir));
    }

    /** What an environment without a kustomization is told. */
    public static String missing(String appDir, String env) {
        return "no kustomization for environment " + env + ": looked in " + appDir + "/overlays/" + env + "/, "
                + appDir + "/" + env + "/ and " + appDir + "/";
    }

    private static Optional<String> fileIn(RepoTree tree, String dir) {
        for (String name : FILE_NAMES) {
            String path = dir + "/" + name;
            if (exists(tree, path)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    private static boolean exists(RepoTree tree, String path) {
        return tree.contentId(path).map(id -> !id.equals("absent")).orElseGet(() -> tree.read(path).isPresent());
    }
}
