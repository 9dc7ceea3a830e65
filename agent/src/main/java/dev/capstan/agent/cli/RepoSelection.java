package dev.capstan.agent.cli;

import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.plan.Plan;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.repo.DirectoryTree;
import dev.capstan.agent.repo.RepoContentException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The units of a repository directory that a command works on, after {@code --chart} and {@code --env}. */
record RepoSelection(DirectoryTree tree, List<Unit> units) {

    /** Empty after printing why to {@code err} (not a directory, invalid capstan.yaml, nothing matches). */
    static Optional<RepoSelection> load(String command, Path repo, String chart, String env, PrintWriter err) {
        if (!Files.isDirectory(repo)) {
            err.println("capstan " + command + ": " + repo + ": not a directory");
            return Optional.empty();
        }
        DirectoryTree tree = new DirectoryTree(repo);
        Plan plan;
        try {
            plan = Planner.plan(tree);
        } catch (ConfigException | RepoContentException e) {
            err.println("capstan " + command + ": " + e.getMessage());
            return Optional.empty();
        }
        List<Unit> units = plan.units().stream()
                .filter(u -> chart == null || u.chart().equals(chart))
                .filter(u -> env == null || u.env().name().equals(env))
                .toList();
        if (units.isEmpty()) {
            err.println("capstan " + command + ": no unit matches"
                    + (chart == null ? "" : " --chart " + chart) + (env == null ? "" : " --env " + env));
            return Optional.empty();
        }
        return Optional.of(new RepoSelection(tree, units));
    }

    /** The selected charts' names: Capstan's own charts and Helm charts alike. */
    List<String> charts() {
        return units.stream().filter(u -> u.kind() == Unit.Kind.CHART || u.kind() == Unit.Kind.HELM)
                .map(Unit::chart).distinct().toList();
    }

    /** The selected app units: manifest directories and kustomizations. */
    List<Unit> apps() {
        return units.stream().filter(u -> u.kind() == Unit.Kind.MANIFESTS || u.kind() == Unit.Kind.KUSTOMIZE)
                .toList();
    }

    List<Environment> environments() {
        return units.stream().map(Unit::env).distinct().toList();
    }
}
